//go:build !js

package chatserver_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket/examples/chat/chatclient"
	"github.com/browserws/websocket/examples/chat/chatserver"
)

func TestCut(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{strings.Repeat("a", 50), strings.Repeat("a", 50)},
		{strings.Repeat("a", 51), strings.Repeat("a", 50)},
		{strings.Repeat("é", 60), strings.Repeat("é", 50)}, // characters, not bytes
	} {
		if got := chatserver.Cut(c.in); got != c.want {
			t.Errorf("Cut(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// member is a native chat client whose messages and status land in channels.
type member struct {
	chat      *chatclient.Chat
	messages  chan string
	connected chan struct{}
}

func join(t *testing.T, url string) *member {
	t.Helper()
	m := &member{messages: make(chan string, 16), connected: make(chan struct{})}
	chat, err := chatclient.Join(url, func(s string) { m.messages <- s }, func(s string) {
		if s == "connected" {
			close(m.connected)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	m.chat = chat
	t.Cleanup(func() { chat.Leave(); <-chat.Done() })
	select {
	case <-m.connected:
	case <-time.After(10 * time.Second):
		t.Fatal("not connected after 10s")
	}
	return m
}

func (m *member) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-m.messages:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no message after 10s")
		return ""
	}
}

func TestRoom(t *testing.T) {
	hub := chatserver.NewHub()
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	alice, bob := join(t, url), join(t, url)
	// A client sees open once the handshake is answered; the server adds it to
	// the room just after, so wait for that before publishing.
	waitLen(t, hub, 2)

	long := strings.Repeat("ü", 51)
	if err := alice.chat.Publish(long); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("ü", 50)
	for name, m := range map[string]*member{"alice (the sender)": alice, "bob": bob} {
		if got := m.next(t); got != want {
			t.Errorf("%s got %q, want it cut to 50 characters: %q", name, got, want)
		}
	}

	bob.chat.Leave()
	<-bob.chat.Done()
	waitLen(t, hub, 1)
	if err := alice.chat.Publish("still here"); err != nil {
		t.Fatal(err)
	}
	if got := alice.next(t); got != "still here" {
		t.Errorf("alice got %q after bob left, want %q", got, "still here")
	}
}

// waitLen waits up to 10 seconds for the room to hold n clients.
func waitLen(t *testing.T, hub *chatserver.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for hub.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("room has %d clients, want %d", hub.Len(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
