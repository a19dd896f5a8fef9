//go:build !js

package websockettest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

func TestPullStyle(t *testing.T) {
	srv := websockettest.NewServer(t)
	c := dial(t, srv.URL+"/chat?room=1", websocket.Options{
		Protocols: []string{"chat.v2", "chat.v1"},
		Header:    http.Header{"Origin": {"https://app.example"}, "Cookie": {"session=abc"}},
	})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")

	r := conn.Request()
	got := []string{r.URL.Path, r.URL.RawQuery, r.Header.Get("Origin"), r.Header.Get("Sec-WebSocket-Protocol")}
	if ck, err := r.Cookie("session"); err == nil {
		got = append(got, ck.Value)
	}
	want := []string{"/chat", "room=1", "https://app.example", "chat.v2, chat.v1", "abc"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		t.Errorf("offered extensions %q, want permessage-deflate offered", r.Header.Get("Sec-WebSocket-Extensions"))
	}
	if conn.Protocol() != "chat.v2" || c.ws.Protocol() != "chat.v2" {
		t.Errorf("protocol: server answered %q, client has %q; want the first offered, chat.v2", conn.Protocol(), c.ws.Protocol())
	}
	if conn.Extensions() != "" || c.ws.Extensions() != "" {
		t.Errorf("extensions: server %q, client %q; want none by default", conn.Extensions(), c.ws.Extensions())
	}

	c.ws.Send("hello")
	c.ws.Send([]byte{1, 2, 3})
	var msgs []websockettest.Message
	for range 2 {
		m, err := conn.Read(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	wantMsgs := []websockettest.Message{{Type: websockettest.Text, Data: []byte("hello")}, {Type: websockettest.Binary, Data: []byte{1, 2, 3}}}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}

	if err := conn.SendText("hi"); err != nil {
		t.Fatal(err)
	}
	if err := conn.SendBinary([]byte{4, 5}); err != nil {
		t.Fatal(err)
	}
	if err := conn.Ping(ctx(t), []byte("are you there")); err != nil {
		t.Errorf("Ping: %v", err)
	}
	got2 := []any{next(t, c.messages, "text"), next(t, c.messages, "binary")}
	if diff := cmp.Diff([]any{"hi", []byte{4, 5}}, got2); diff != "" {
		t.Errorf("client got (-want +got):\n%s", diff)
	}

	if err := conn.Close(4000, "bye"); err != nil {
		t.Errorf("Close: %v", err)
	}
	ev := next(t, c.closed, "close event")
	if ev.Code != 4000 || ev.Reason != "bye" || !ev.WasClean {
		t.Errorf("client close event %d %q clean=%v, want 4000 \"bye\" clean", ev.Code, ev.Reason, ev.WasClean)
	}
	c.noError(t)
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil || ce.Code != 4000 || ce.Reason != "bye" {
		t.Errorf("WaitClosed = %v, %v; want the client's echo of 4000 \"bye\"", ce, err)
	}
}

func TestConnSeesClientClose(t *testing.T) {
	c, conn := connected(t)
	c.ws.Send("last")
	c.ws.CloseWithCode(1000, "done")

	m, err := conn.Read(ctx(t))
	if err != nil || m.String() != `text "last"` {
		t.Errorf("Read = %v, %v; want the message sent before close", m, err)
	}
	_, err = conn.Read(ctx(t))
	var ce *websockettest.CloseError
	if !errors.As(err, &ce) || ce.Code != 1000 || ce.Reason != "done" {
		t.Fatalf("Read after the client's close = %v, want a CloseError 1000 \"done\"", err)
	}
	if want := `websockettest: the client closed the connection with 1000 "done"`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	ev := next(t, c.closed, "close event")
	if ev.Code != 1000 || ev.Reason != "done" || !ev.WasClean {
		t.Errorf("client close event %d %q clean=%v, want the server's echo, clean", ev.Code, ev.Reason, ev.WasClean)
	}
	select {
	case <-conn.Done():
	case <-time.After(wait):
		t.Error("Done not closed after the closing handshake")
	}
}

func TestReadFailsAtDeadlineSayingWhatItSaw(t *testing.T) {
	c, conn := connected(t)
	c.ws.Send("one")
	if _, err := conn.Read(ctx(t)); err != nil {
		t.Fatal(err)
	}

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := conn.Read(short)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Read with nothing coming = %v, want an error wrapping context.DeadlineExceeded", err)
	}
	for _, want := range []string{"no message before the context ended", "still open", "1 message(s) read"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read's error %q does not say %q", err, want)
		}
	}

	conn.StopReading()
	short2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := conn.Read(short2); err == nil || !strings.Contains(err.Error(), "reading is stopped") {
		t.Errorf("Read while stopped = %v, want it to say reading is stopped", err)
	}
	conn.ResumeReading()

	// A client that closes instead: Read ends at once with what it saw.
	c.ws.CloseWithCode(1000, "")
	_, err = conn.Read(ctx(t))
	var ce *websockettest.CloseError
	if !errors.As(err, &ce) || ce.Code != 1000 {
		t.Errorf("Read when the client closes = %v, want CloseError 1000", err)
	}
}

// fatalTB records Fatalf instead of failing the test, and ends the goroutine
// as Fatalf does.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func TestAcceptFailsAtDeadline(t *testing.T) {
	ft := &fatalTB{TB: t}
	srv := websockettest.NewServer(ft)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake { return websockettest.Handshake{Status: 403} })
	c := dial(t, srv.URL, websocket.Options{})
	next(t, c.closed, "close event of the refused client")

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	returned := make(chan *websockettest.Conn, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		returned <- srv.Accept(short)
	}()
	<-done
	if len(returned) != 0 {
		t.Fatal("Accept returned with no client")
	}
	ft.mu.Lock()
	msg := ft.msg
	ft.mu.Unlock()
	for _, want := range []string{"no connection before the context ended", "deadline exceeded", "1 request(s) answered without a connection", "0 connection(s) that earlier Accepts took"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Accept's failure %q does not say %q", msg, want)
		}
	}
}

func TestHandlerStyleEcho(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	c := dial(t, srv.URL, websocket.Options{})
	next(t, c.open, "open event")
	c.ws.Send("ping?")
	c.ws.Send([]byte("bin"))
	got := []any{next(t, c.messages, "echo"), next(t, c.messages, "echo")}
	if diff := cmp.Diff([]any{"ping?", []byte("bin")}, got); diff != "" {
		t.Errorf("echoes (-want +got):\n%s", diff)
	}
	c.ws.CloseWithCode(1000, "")
	if ev := next(t, c.closed, "close event"); ev.Code != 1000 || !ev.WasClean {
		t.Errorf("close %d clean=%v, want 1000 clean", ev.Code, ev.WasClean)
	}
}

func TestDropGivesClient1006WithoutError(t *testing.T) {
	c, conn := connected(t)
	conn.Drop()
	ev := next(t, c.closed, "close event")
	if ev.Code != 1006 || ev.WasClean {
		t.Errorf("close %d clean=%v, want 1006 not clean", ev.Code, ev.WasClean)
	}
	c.noError(t)
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil || ce.Code != 1006 || !strings.Contains(ce.Error(), "Drop") {
		t.Errorf("WaitClosed = %v, %v; want 1006 naming Drop", ce, err)
	}
}

func TestResetGivesClient1006(t *testing.T) {
	c, conn := connected(t)
	conn.Reset()
	ev := next(t, c.closed, "close event")
	if ev.Code != 1006 || ev.WasClean {
		t.Errorf("close %d clean=%v, want 1006 not clean", ev.Code, ev.WasClean)
	}
	select {
	case err := <-c.errors:
		t.Logf("error event: %v", err)
	default:
	}
	if ce, err := conn.WaitClosed(ctx(t)); err != nil || !strings.Contains(ce.Error(), "Reset") {
		t.Errorf("WaitClosed = %v, %v; want it to name Reset", ce, err)
	}
}

func TestBadFrameInPieces(t *testing.T) {
	c, conn := connected(t)
	// A good text frame in three pieces first: the client joins them.
	good := websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte("pieces")}
	if err := conn.WriteFrame(good, websockettest.Split{At: []int{1, 4}, Pause: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if got := next(t, c.messages, "message"); got != "pieces" {
		t.Errorf("message %q, want pieces", got)
	}
	// Then a frame with RSV2 set, in two pieces.
	bad := websockettest.Frame{Fin: true, RSV2: true, Opcode: websockettest.OpText, Payload: []byte("x")}
	if err := conn.WriteFrame(bad, websockettest.Split{At: []int{1}, Pause: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := next(t, c.errors, "error event"); err == nil {
		t.Error("error event without Err")
	}
	if ev := next(t, c.closed, "close event"); ev.Code != 1006 || ev.WasClean {
		t.Errorf("close %d clean=%v, want 1006 not clean", ev.Code, ev.WasClean)
	}
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil || ce.Code != 1002 {
		t.Errorf("WaitClosed = %v, %v; want the client's close frame with 1002", ce, err)
	}
}

func TestStopReadingBacksUpTheClient(t *testing.T) {
	c, conn := connected(t)
	conn.StopReading()

	chunk := bytes.Repeat([]byte{7}, 1<<20)
	sent := 0
	for c.ws.BufferedAmount() <= 1<<20 {
		if sent >= 512 {
			t.Fatalf("BufferedAmount still %d after %d MiB sent to a server that does not read", c.ws.BufferedAmount(), sent)
		}
		if err := c.ws.Send(chunk); err != nil {
			t.Fatal(err)
		}
		sent++
		time.Sleep(time.Millisecond) // let written bytes leave BufferedAmount between sends
	}
	t.Logf("BufferedAmount %d after %d MiB", c.ws.BufferedAmount(), sent)

	conn.ResumeReading()
	for i := range sent {
		m, err := conn.Read(ctx(t))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(m.Data) != len(chunk) {
			t.Fatalf("message %d has %d bytes, want %d", i, len(m.Data), len(chunk))
		}
	}
	deadline := time.Now().Add(wait)
	for c.ws.BufferedAmount() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("BufferedAmount still %d after the server read everything", c.ws.BufferedAmount())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHandshakeRefused(t *testing.T) {
	srv := websockettest.NewServer(t)
	seen := make(chan *http.Request, 1)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		seen <- r
		return websockettest.Handshake{Status: 401, Header: http.Header{"Www-Authenticate": {`Bearer realm="ws"`}}, Body: "who are you?"}
	})
	c := dial(t, srv.URL+"/private", websocket.Options{})
	err := next(t, c.errors, "error event")
	var he *websocket.HandshakeError
	if !errors.As(err, &he) || he.StatusCode != 401 || he.Header["Www-Authenticate"][0] != `Bearer realm="ws"` {
		t.Errorf("error %v, want a HandshakeError 401 with the answer's header", err)
	}
	if ev := next(t, c.closed, "close event"); ev.Code != 1006 {
		t.Errorf("close %d, want 1006", ev.Code)
	}
	if r := next(t, seen, "handshake request"); r.URL.Path != "/private" {
		t.Errorf("the handshake function saw %v, want the request for /private", r.URL)
	}
}

func TestHandshakeProtocolAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    websockettest.Handshake
	}{
		{"not offered", websockettest.Handshake{Protocol: "other"}},
		{"none though offered", websockettest.Handshake{OmitProtocol: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := websockettest.NewServer(t)
			srv.SetHandshake(func(*http.Request) websockettest.Handshake { return tc.h })
			c := dial(t, srv.URL, websocket.Options{Protocols: []string{"chat"}})
			if err := next(t, c.errors, "error event"); !errors.Is(err, websocket.ErrProtocolMismatch) {
				t.Errorf("error %v, want ErrProtocolMismatch", err)
			}
			srv.Accept(ctx(t)) // the connection the client then fails
		})
	}
}

func TestHandshakeLate(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake { return websockettest.Handshake{Delay: time.Hour} })
	c := dial(t, srv.URL, websocket.Options{HandshakeTimeout: 50 * time.Millisecond})
	next(t, c.errors, "error event")
	if ev := next(t, c.closed, "close event"); ev.Code != 1006 {
		t.Errorf("close %d, want 1006", ev.Code)
	}
	// Cleanup ends the hour of delay: the test does not wait for it.
}

func TestHandshakeDeflate(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Extensions: "permessage-deflate"}
	})
	c := dial(t, srv.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")
	if c.ws.Extensions() != "permessage-deflate" {
		t.Errorf("client extensions %q", c.ws.Extensions())
	}
	long := strings.Repeat("compress me ", 1000)
	for _, s := range []string{long, long, "short"} {
		c.ws.Send(s)
		m, err := conn.Read(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Data) != s {
			t.Errorf("Read %d bytes, want %d: not inflated right", len(m.Data), len(s))
		}
	}
}

func TestHandshakeRaw(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		return websockettest.Handshake{Raw: []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			websockettest.AcceptKey("not the client's key") + "\r\n\r\n")}
	})
	c := dial(t, srv.URL, websocket.Options{})
	if err := next(t, c.errors, "error event"); err == nil || !strings.Contains(err.Error(), "Sec-WebSocket-Accept") {
		t.Errorf("error %v, want one about Sec-WebSocket-Accept", err)
	}
	conn := srv.Accept(ctx(t))
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil || ce.Code != 1006 {
		t.Errorf("WaitClosed = %v, %v; want 1006 as the client walks away", ce, err)
	}
}

func TestNotAWebSocketHandshake(t *testing.T) {
	srv := websockettest.NewServer(t)
	resp, err := srv.Client().Get("http" + strings.TrimPrefix(srv.URL, "ws") + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "not a WebSocket handshake") {
		t.Errorf("plain GET: %d %q, want 400 saying it is not a WebSocket handshake", resp.StatusCode, body)
	}
}

func TestTLS(t *testing.T) {
	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	if !strings.HasPrefix(srv.URL, "wss://") {
		t.Fatalf("URL %q, want wss://", srv.URL)
	}
	c := dial(t, srv.URL, srv.Options())
	next(t, c.open, "open event")
	c.ws.Send("secure")
	if got := next(t, c.messages, "echo"); got != "secure" {
		t.Errorf("echo %q", got)
	}

	// Without the server's client, the certificate is not trusted.
	c2 := dial(t, srv.URL, websocket.Options{})
	if err := next(t, c2.errors, "error event"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("error %v, want one about the certificate", err)
	}
}

func TestTLSDropAndReset(t *testing.T) {
	srv := websockettest.NewTLSServer(t)
	for _, end := range []func(*websockettest.Conn){(*websockettest.Conn).Drop, (*websockettest.Conn).Reset} {
		c := dial(t, srv.URL, srv.Options())
		conn := srv.Accept(ctx(t))
		next(t, c.open, "open event")
		end(conn)
		if ev := next(t, c.closed, "close event"); ev.Code != 1006 || ev.WasClean {
			t.Errorf("close %d clean=%v, want 1006 not clean", ev.Code, ev.WasClean)
		}
	}
}

func TestCloseTwiceAndSendAfterEnd(t *testing.T) {
	_, conn := connected(t)
	if err := conn.Close(1001, "going away"); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := conn.Close(1000, ""); err == nil || !strings.Contains(err.Error(), "already ended") {
		t.Errorf("second Close = %v, want an error saying it had already ended", err)
	}
	if err := conn.SendText("late"); err == nil {
		t.Error("SendText after the end succeeded")
	}
}

// Nothing outlives the test: connections taken or not, handlers blocked in
// Read, handshakes held by Delay, connections whose reading is stopped.
func TestNoLeakAfterCleanup(t *testing.T) {
	t.Run("servers", func(t *testing.T) {
		pull := websockettest.NewServer(t)
		c1 := dial(t, pull.URL, websocket.Options{})
		dial(t, pull.URL, websocket.Options{}) // never accepted
		conn := pull.Accept(ctx(t))
		next(t, c1.open, "open event")
		conn.StopReading()

		handled := make(chan struct{})
		h := websockettest.NewServer(t, func(c *websockettest.Conn) {
			close(handled)
			c.Read(context.Background()) // until the server closes it
		})
		dial(t, h.URL, websocket.Options{})
		next(t, handled, "handler")

		late := websockettest.NewTLSServer(t)
		late.SetHandshake(func(*http.Request) websockettest.Handshake { return websockettest.Handshake{Delay: time.Hour} })
		dial(t, late.URL, late.Options())

		// The client's Cleanup would wait for the closing handshake (up to
		// Chromium's 60 s) of a connection the server does not read: the
		// server's Close ends it first, which is what this test is about.
		pull.Close()
	})
	leakcheck.Check(t, "of the kit or the client", func(stack string) bool {
		return strings.Contains(stack, "browserws/websocket") && !strings.Contains(stack, "testing.tRunner")
	})
}

// The kit's own strictness: a client that breaks the protocol (here an
// unmasked frame, from a hand-made client) gets a close frame with 1002, and
// the Conn says which rule it broke.
func TestClientProtocolError(t *testing.T) {
	srv := websockettest.NewServer(t)
	nc, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(wait))
	key := "dGhlIHNhbXBsZSBub25jZQ=="
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n", key)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("answer %d, accept %q", resp.StatusCode, resp.Header.Get("Sec-WebSocket-Accept"))
	}
	nc.Write(websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte("unmasked")}.Bytes())

	conn := srv.Accept(ctx(t))
	ce, err := conn.WaitClosed(ctx(t))
	var pe *websockettest.ProtocolError
	if err != nil || !errors.As(ce, &pe) || pe.Code != 1002 || !strings.Contains(pe.Msg, "unmasked") {
		t.Errorf("WaitClosed = %v, %v; want a ProtocolError 1002 about the unmasked frame", ce, err)
	}
	got, _ := io.ReadAll(br)
	if want := []byte{0x88, 2, 0x03, 0xea}; !bytes.Equal(got, want) {
		t.Errorf("the client got % x then the end, want the close frame % x", got, want)
	}
}

// Ping waits for the pong; with reading stopped none is read, and Ping fails
// at its context's end saying so.
func TestPingFailsWhileNotReading(t *testing.T) {
	_, conn := connected(t)
	conn.StopReading()
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := conn.Ping(short, []byte("p"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no pong") || !strings.Contains(err.Error(), "reading is stopped") {
		t.Errorf("Ping = %v, want no pong before the deadline, naming StopReading", err)
	}
	conn.ResumeReading()
	if err := conn.Ping(ctx(t), []byte("p2")); err != nil {
		t.Errorf("Ping after ResumeReading: %v", err)
	}
}
