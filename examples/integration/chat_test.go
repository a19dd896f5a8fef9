//go:build !js

package integration

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// page makes a client act like a page of the chat: its handshake sends
// Origin: https://chat.example, as a browser on that page would.
var page = &websocket.Options{PageURL: "https://chat.example/room"}

// serveChat starts the server under test and returns its ws:// URL. The
// cleanup stops it and waits for its handlers.
func serveChat(t *testing.T) string {
	t.Helper()
	chat := NewChat()
	srv := httptest.NewServer(chat)
	t.Cleanup(func() {
		srv.Close()
		chat.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// waitMessage waits for rec's next message and checks its text.
func waitMessage(ctx context.Context, t *testing.T, rec *websockettest.Recorder, who, want string) {
	t.Helper()
	e, err := rec.WaitFor(ctx, "message")
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	if e.Text != want {
		t.Fatalf("%s got %q, want %q", who, e.Text, want)
	}
}

func TestTwoPagesChat(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := serveChat(t)

	alice, aliceRec := websockettest.Dial(t, url, page)
	bob, bobRec := websockettest.Dial(t, url, page)
	// A page is in the room once it has been welcomed.
	waitMessage(ctx, t, aliceRec, "alice", "welcome")
	waitMessage(ctx, t, bobRec, "bob", "welcome")

	alice.Send("hi, I'm Alice")
	waitMessage(ctx, t, bobRec, "bob", "hi, I'm Alice")
	bob.Send("hello Alice")
	waitMessage(ctx, t, aliceRec, "alice", "hi, I'm Alice") // her own, broadcast back
	waitMessage(ctx, t, aliceRec, "alice", "hello Alice")
	waitMessage(ctx, t, bobRec, "bob", "hello Alice")

	want := []string{
		`open protocol="" extensions=""`,
		`message text "welcome"`,
		`message text "hi, I'm Alice"`,
		`message text "hello Alice"`,
	}
	if diff := cmp.Diff(want, aliceRec.Strings()); diff != "" {
		t.Errorf("alice's events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, bobRec.Strings()); diff != "" {
		t.Errorf("bob's events (-want +got):\n%s", diff)
	}
}

func TestOtherOriginsAreRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := serveChat(t)

	_, rec := websockettest.Dial(t, url, &websocket.Options{PageURL: "https://evil.example/"})
	e, err := rec.WaitFor(ctx, "error")
	if err != nil {
		t.Fatal(err)
	}
	var he *websocket.HandshakeError
	if !errors.As(e.Err, &he) || he.StatusCode != 403 {
		t.Errorf("error event's Err = %v, want a *websocket.HandshakeError with status 403", e.Err)
	}
	if _, err := rec.WaitFor(ctx, "close"); err != nil {
		t.Fatal(err)
	}
	// As in a browser: no open, an error that says nothing, close 1006.
	want := []string{`error`, `close 1006 "" not clean`}
	if diff := cmp.Diff(want, rec.Strings()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestReconnectsWhenTheServerIsBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The client reaches the server through the fault proxy, which plays the
	// server's restart: connections dropped, then handshakes refused, then
	// let through again.
	proxy := websockettest.NewProxy(t, serveChat(t))
	rws, rec := websockettest.DialReconnecting(t, proxy.URL, &reconnecting.Options{
		Options:              *page,
		MinReconnectionDelay: 20 * time.Millisecond, // short, for the test
		MaxReconnectionDelay: 100 * time.Millisecond,
	})
	waitMessage(ctx, t, rec, "client", "welcome")
	rws.Send("before")
	waitMessage(ctx, t, rec, "client", "before")

	// The server goes down.
	proxy.SetRefuse(503)
	proxy.DropAll()
	if e, err := rec.WaitFor(ctx, "close"); err != nil || e.Code != 1006 {
		t.Fatalf("close event %v, %v; want close 1006", e, err)
	}
	// The client tries again, and is refused.
	e, err := rec.WaitFor(ctx, "error")
	if err != nil {
		t.Fatal(err)
	}
	var he *websocket.HandshakeError
	if !errors.As(e.Err, &he) || he.StatusCode != 503 {
		t.Fatalf("error event's Err = %v, want a *websocket.HandshakeError with status 503", e.Err)
	}
	// What is sent while down waits in the client's queue.
	rws.Send("while down 1")
	rws.Send("while down 2")

	// The server is back: the client reconnects, sends its queue, and the
	// room broadcasts it.
	proxy.SetRefuse(0)
	if _, err := rec.WaitFor(ctx, "open"); err != nil {
		t.Fatal(err)
	}
	waitMessage(ctx, t, rec, "client", "welcome")
	waitMessage(ctx, t, rec, "client", "while down 1")
	waitMessage(ctx, t, rec, "client", "while down 2")

	// How many attempts were refused while the server was down depends on
	// the back-off's timing: at least one.
	got := rec.Strings()
	refused := 0
	for _, s := range got {
		if s == "error" {
			refused++
		}
	}
	if refused < 1 {
		t.Fatalf("no refused attempt in %q", got)
	}
	want := []string{
		`open protocol="" extensions=""`,
		`message text "welcome"`,
		`message text "before"`,
		`close 1006 "" not clean`, // dropped
	}
	for range refused {
		want = append(want, `error`, `close 1006 "" not clean`) // refused with 503
	}
	want = append(want,
		`open protocol="" extensions=""`,
		`message text "welcome"`,
		`message text "while down 1"`,
		`message text "while down 2"`,
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// The server saw the page's origin on both connections.
	for i, c := range proxy.Conns() {
		if o := c.Request().Header.Get("Origin"); o != "https://chat.example" {
			t.Errorf("connection %d: Origin %q, want https://chat.example", i, o)
		}
	}
}
