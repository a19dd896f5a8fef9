//go:build !js

package websockettest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/reconnecting"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// The handshake reaches the server as the client sent it (path, query,
// Origin, cookies, protocols), without the extension offer and with the
// target's Host; frames go both ways and the record has them in order.
func TestProxyForwards(t *testing.T) {
	srv := websockettest.NewServer(t)
	p := websockettest.NewProxy(t, srv.URL)
	c := dial(t, p.URL+"/chat?room=1", websocket.Options{
		Protocols: []string{"chat.v2", "chat.v1"},
		Header:    http.Header{"Origin": {"https://app.example"}, "Cookie": {"session=abc"}},
	})
	conn := srv.Accept(ctx(t))
	pc := p.Accept(ctx(t))
	next(t, c.open, "open event")

	r := conn.Request()
	got := []string{r.URL.Path, r.URL.RawQuery, r.Host, r.Header.Get("Origin"), r.Header.Get("Cookie"), r.Header.Get("Sec-WebSocket-Protocol"), r.Header.Get("Sec-WebSocket-Extensions")}
	want := []string{"/chat", "room=1", strings.TrimPrefix(srv.URL, "ws://"), "https://app.example", "session=abc", "chat.v2, chat.v1", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the request the server got (-want +got):\n%s", diff)
	}
	if !strings.Contains(pc.Request().Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		t.Errorf("ProxyConn.Request has extensions %q, want the client's offer", pc.Request().Header.Get("Sec-WebSocket-Extensions"))
	}
	if c.ws.Protocol() != "chat.v2" || c.ws.Extensions() != "" {
		t.Errorf("client: protocol %q extensions %q, want chat.v2 and none", c.ws.Protocol(), c.ws.Extensions())
	}
	if pc.Response().StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("Response().StatusCode = %d", pc.Response().StatusCode)
	}

	c.ws.Send("yo")
	if m, err := conn.Read(ctx(t)); err != nil || string(m.Data) != "yo" {
		t.Fatalf("server Read = %v, %v; want yo", m, err)
	}
	conn.SendText("hi")
	if m := next(t, c.messages, "message"); m != "hi" {
		t.Errorf("client got %v, want hi", m)
	}
	c.ws.Send([]byte{1, 2, 3})
	if m, err := conn.Read(ctx(t)); err != nil || !bytes.Equal(m.Data, []byte{1, 2, 3}) {
		t.Fatalf("server Read = %v, %v; want [1 2 3]", m, err)
	}
	c.ws.CloseWithCode(1000, "done")
	if e := next(t, c.closed, "close event"); e.Code != 1000 || e.Reason != "done" || !e.WasClean {
		t.Errorf("close event %d %q clean=%v, want 1000 done clean", e.Code, e.Reason, e.WasClean)
	}
	next(t, pc.Done(), "the end of the proxied connection")
	if err := pc.Err(); err != nil {
		t.Errorf("Err() = %v after a closing handshake, want nil", err)
	}
	wantRec := []string{
		`to server text "yo"`,
		`to client text "hi"`,
		`to server binary "\x01\x02\x03"`,
		`to server close 1000 "done"`,
		`to client close 1000 "done"`,
	}
	if diff := cmp.Diff(wantRec, pc.Strings()); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	for _, f := range pc.Frames() {
		if f.Dir == websockettest.ToServer && (!f.Frame.Mask || f.Frame.MaskKey == [4]byte{}) {
			t.Errorf("%v: a frame to the server without a mask key", f)
		}
		if f.Time.IsZero() {
			t.Errorf("%v: no time", f)
		}
	}
	c.noError(t)
}

// A target with a path and a query: the client's are appended.
func TestProxyTargetPath(t *testing.T) {
	srv := websockettest.NewServer(t)
	p := websockettest.NewProxy(t, srv.URL+"/api?k=v")
	c := dial(t, p.URL+"/chat?x=1", websocket.Options{})
	r := srv.Accept(ctx(t)).Request()
	next(t, c.open, "open event")
	if r.URL.Path != "/api/chat" || r.URL.RawQuery != "k=v&x=1" {
		t.Errorf("the server got %q, want /api/chat?k=v&x=1", r.URL.RequestURI())
	}
}

// A refusal reaches the client as the server sent it; SetRefuse answers for
// the server; a target that is not there is a 502.
func TestProxyRefusals(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Status: http.StatusForbidden, Header: http.Header{"X-Why": {"banned"}}, Body: "no"}
	})
	p := websockettest.NewProxy(t, srv.URL)

	refusal := func(url string) *websocket.HandshakeError {
		t.Helper()
		c := dial(t, url, websocket.Options{})
		err := next(t, c.errors, "error event")
		var he *websocket.HandshakeError
		if !errors.As(err, &he) {
			t.Fatalf("error %v, want a *websocket.HandshakeError", err)
		}
		if e := next(t, c.closed, "close event"); e.Code != 1006 {
			t.Errorf("close %d, want 1006", e.Code)
		}
		return he
	}
	if he := refusal(p.URL); he.StatusCode != 403 || http.Header(he.Header).Get("X-Why") != "banned" {
		t.Errorf("refusal %d %v, want the server's 403 with X-Why", he.StatusCode, he.Header)
	}

	srv.SetHandshake(nil)
	p.SetRefuse(http.StatusServiceUnavailable)
	if he := refusal(p.URL); he.StatusCode != 503 {
		t.Errorf("SetRefuse: status %d, want 503", he.StatusCode)
	}
	p.SetRefuse(0)
	c := dial(t, p.URL, websocket.Options{})
	next(t, c.open, "open event after SetRefuse(0)")
	if n := len(p.Conns()); n != 1 {
		t.Errorf("Conns() has %d connections, want 1 (refusals make none)", n)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "ws://" + ln.Addr().String()
	ln.Close()
	if he := refusal(websockettest.NewProxy(t, gone).URL); he.StatusCode != http.StatusBadGateway {
		t.Errorf("unreachable target: status %d, want 502", he.StatusCode)
	}
}

// A wss:// target, with the TLS server's own configuration.
func TestProxyTLSTarget(t *testing.T) {
	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{
		TLSConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig,
	})
	c := dial(t, p.URL, websocket.Options{})
	next(t, c.open, "open event")
	c.ws.Send("over tls")
	if m := next(t, c.messages, "message"); m != "over tls" {
		t.Errorf("echo %v", m)
	}
}

// With KeepExtensions the offer reaches the server and compressed frames pass
// as they are, RSV1 set.
func TestProxyKeepExtensions(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Extensions: "permessage-deflate"}
	})
	p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
	c := dial(t, p.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	pc := p.Accept(ctx(t))
	next(t, c.open, "open event")
	if c.ws.Extensions() != "permessage-deflate" {
		t.Errorf("client extensions %q", c.ws.Extensions())
	}
	msg := strings.Repeat("compress me ", 50)
	c.ws.Send(msg)
	if m, err := conn.Read(ctx(t)); err != nil || string(m.Data) != msg {
		t.Fatalf("server Read = %v, %v", m, err)
	}
	f, err := pc.WaitFrame(ctx(t), websockettest.ToServer, websockettest.OpText)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Frame.RSV1 || len(f.Frame.Payload) >= len(msg) || !strings.HasSuffix(f.String(), " rsv1") {
		t.Errorf("recorded %v (%d bytes), want a compressed frame with RSV1", f, len(f.Frame.Payload))
	}
}

// Drop: the client sees 1006, not clean; the server sees its connection end
// without a close frame.
func TestProxyDrop(t *testing.T) {
	c, conn, pc := proxied(t)

	pc.Drop()
	if e := next(t, c.closed, "close event"); e.Code != 1006 || e.WasClean {
		t.Errorf("close %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
	}
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if ce.Code != 1006 {
		t.Errorf("server side ended with %v, want 1006", ce)
	}
	next(t, pc.Done(), "Done")
	if pc.Err() == nil || !strings.Contains(pc.Err().Error(), "Drop") {
		t.Errorf("Err() = %v, want the Drop", pc.Err())
	}
	if err := pc.Inject(websockettest.ToClient, websockettest.Frame{Fin: true, Opcode: websockettest.OpText}); err == nil {
		t.Error("Inject after Drop succeeded")
	}
}

// Reset: a TCP reset to both sides.
func TestProxyReset(t *testing.T) {
	c, conn, pc := proxied(t)

	pc.Reset()
	if e := next(t, c.closed, "close event"); e.Code != 1006 || e.WasClean {
		t.Errorf("close %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
	}
	ce, err := conn.WaitClosed(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if ce.Code != 1006 || !errors.Is(ce.Err, syscall.ECONNRESET) {
		t.Errorf("server side ended with %v, want 1006 by a reset", ce)
	}
}

// Pause holds a direction: nothing of it is forwarded until Resume, which
// delivers everything in order; the other direction still flows.
func TestProxyPauseResume(t *testing.T) {
	c, conn, pc := proxied(t)

	pc.Pause(websockettest.ToClient)
	for i := 1; i <= 3; i++ {
		if err := conn.SendText(fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	c.ws.Send("up")
	if m, err := conn.Read(ctx(t)); err != nil || string(m.Data) != "up" {
		t.Fatalf("server Read while the other direction is paused = %v, %v", m, err)
	}
	for _, f := range pc.Frames() {
		if f.Dir == websockettest.ToClient {
			t.Errorf("forwarded while paused: %v", f)
		}
	}
	select {
	case m := <-c.messages:
		t.Errorf("the client got %v while paused", m)
	default:
	}
	pc.Resume(websockettest.ToClient)
	for i := 1; i <= 3; i++ {
		if m := next(t, c.messages, "message"); m != fmt.Sprint(i) {
			t.Errorf("message %d is %v", i, m)
		}
	}
}

// Rewrite changes the server's messages, or removes them.
func TestProxyRewrite(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	p.OnConn(func(pc *websockettest.ProxyConn) {
		pc.Rewrite(websockettest.ToClient, func(f websockettest.Frame) (websockettest.Frame, bool) {
			if f.Opcode != websockettest.OpText {
				return f, true
			}
			if string(f.Payload) == "secret" {
				return f, false
			}
			f.Payload = bytes.ToUpper(f.Payload)
			return f, true
		})
		pc.Rewrite(websockettest.ToServer, func(f websockettest.Frame) (websockettest.Frame, bool) {
			if string(f.Payload) == "ping?" {
				copy(f.Payload, "pong?") // in place
			}
			return f, true
		})
	})
	c := dial(t, p.URL, websocket.Options{})
	next(t, c.open, "open event")
	pc := p.Accept(ctx(t))
	for _, s := range []string{"hello", "secret", "ping?"} {
		c.ws.Send(s)
	}
	for _, want := range []string{"HELLO", "PONG?"} {
		if m := next(t, c.messages, "message"); m != want {
			t.Errorf("client got %v, want %s", m, want)
		}
	}
	rec := pc.Strings()
	want := []string{
		`to server text "hello"`,
		`to client text "HELLO" rewritten`,
		`to server text "secret"`,
		`to client text "secret" discarded`,
		`to server text "pong?" rewritten`,
		`to client text "PONG?" rewritten`,
	}
	// The directions interleave as the echo goes: compare each one's order.
	for _, dir := range []string{"to server", "to client"} {
		if diff := cmp.Diff(filter(want, dir), filter(rec, dir)); diff != "" {
			t.Errorf("record %s (-want +got):\n%s", dir, diff)
		}
	}
	for _, f := range pc.Frames() {
		if f.Dir == websockettest.ToServer && !f.Frame.Mask {
			t.Errorf("%v: rewritten frame to the server not masked", f)
		}
	}
	c.noError(t)
}

func filter(s []string, prefix string) []string {
	var out []string
	for _, x := range s {
		if strings.HasPrefix(x, prefix) {
			out = append(out, x)
		}
	}
	return out
}

// Inject sends a ping of the test's own to the client, whose pong the record
// shows (and the server gets).
func TestProxyInjectPing(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	c := dial(t, p.URL, websocket.Options{})
	next(t, c.open, "open event")
	pc := p.Accept(ctx(t))
	if err := pc.Inject(websockettest.ToClient, websockettest.Frame{Fin: true, Opcode: websockettest.OpPing, Payload: []byte("you there?")}); err != nil {
		t.Fatal(err)
	}
	f, err := pc.WaitFrame(ctx(t), websockettest.ToServer, websockettest.OpPong)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Frame.Payload) != "you there?" {
		t.Errorf("pong %v", f)
	}
	if diff := cmp.Diff([]string{`to client ping "you there?" injected`, `to server pong "you there?"`}, pc.Strings()); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	// A message of the test's own to the server, masked by the proxy.
	if err := pc.Inject(websockettest.ToServer, websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte("from the proxy")}); err != nil {
		t.Fatal(err)
	}
	if m := next(t, c.messages, "echo of the injected message"); m != "from the proxy" {
		t.Errorf("client got %v", m)
	}
	c.noError(t)
}

// Hold keeps the server's close frame from the client until Resume: the
// client stays OPEN meanwhile, then closes cleanly.
func TestProxyHoldClose(t *testing.T) {
	c, conn, pc := proxied(t)
	pc.Hold(websockettest.ToClient, func(f websockettest.Frame) bool { return f.Opcode == websockettest.OpClose })

	closed := make(chan error, 1)
	go func() { closed <- conn.Close(1001, "bye") }()
	f, err := pc.WaitHeld(ctx(t), websockettest.ToClient)
	if err != nil {
		t.Fatal(err)
	}
	if f.Opcode != websockettest.OpClose {
		t.Errorf("held %v", f)
	}
	if rs := c.ws.ReadyState(); rs != websocket.Open {
		t.Errorf("ReadyState while the close frame is held = %v, want OPEN", rs)
	}
	select {
	case e := <-c.closed:
		t.Errorf("close event %d while the close frame is held", e.Code)
	default:
	}
	pc.Resume(websockettest.ToClient)
	if e := next(t, c.closed, "close event"); e.Code != 1001 || e.Reason != "bye" || !e.WasClean {
		t.Errorf("close %d %q clean=%v, want 1001 bye clean", e.Code, e.Reason, e.WasClean)
	}
	if err := next(t, closed, "server's Close"); err != nil {
		t.Errorf("server Close: %v", err)
	}
}

// A reconnecting client: DropAll while the proxy refuses makes it retry, and
// it reconnects once the proxy forwards again.
func TestProxyReconnecting(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	_, rec := websockettest.DialReconnecting(t, p.URL, &reconnecting.Options{
		MinReconnectionDelay: 20 * time.Millisecond,
		MaxReconnectionDelay: 100 * time.Millisecond,
	})
	if _, err := rec.WaitFor(ctx(t), websocket.TypeOpen); err != nil {
		t.Fatal(err)
	}
	p.SetRefuse(http.StatusServiceUnavailable)
	p.DropAll()
	if e, err := rec.WaitFor(ctx(t), websocket.TypeClose); err != nil || e.Code != 1006 {
		t.Fatalf("close after DropAll = %v, %v; want 1006", e, err)
	}
	for {
		e, err := rec.WaitFor(ctx(t), websocket.TypeError)
		if err != nil {
			t.Fatal(err)
		}
		var he *websocket.HandshakeError
		if errors.As(e.Err, &he) && he.StatusCode == 503 {
			break
		}
	}
	p.SetRefuse(0)
	if _, err := rec.WaitFor(ctx(t), websocket.TypeOpen); err != nil {
		t.Fatal(err)
	}
	if n := len(p.Conns()); n != 2 {
		t.Errorf("Conns() has %d, want 2", n)
	}
}

// A keepalive client notices a server whose pongs no longer come back.
func TestProxyKeepalive(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	_, rec := websockettest.Dial(t, p.URL, &websocket.Options{PingInterval: 200 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
	if _, err := rec.WaitFor(ctx(t), websocket.TypeOpen); err != nil {
		t.Fatal(err)
	}
	pc := p.Accept(ctx(t))
	pc.Pause(websockettest.ToClient)
	e, err := rec.WaitFor(ctx(t), websocket.TypeError)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(e.Err, websocket.ErrPingTimeout) {
		t.Errorf("error %v, want ErrPingTimeout", e.Err)
	}
	if e, err := rec.WaitFor(ctx(t), websocket.TypeClose); err != nil || e.Code != 1006 {
		t.Errorf("close = %v, %v; want 1006", e, err)
	}
	if _, err := pc.WaitFrame(ctx(t), websockettest.ToServer, websockettest.OpPing); err != nil {
		t.Errorf("no ping in the record: %v", err)
	}
}

// PauseHandshakes holds a handshake until ResumeHandshakes.
func TestProxyPauseHandshakes(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	p.PauseHandshakes()
	c := dial(t, p.URL, websocket.Options{})
	// The request reaches the proxy, which forwards nothing: the raw client
	// below sees no answer either.
	nc, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	// Nothing comes back while handshakes are paused (a short look: it can
	// only miss a bug, never fail a correct proxy).
	nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var b [1]byte
	if n, err := nc.Read(b[:]); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read %d byte(s), %v while handshakes are paused; want a timeout", n, err)
	}
	if n := len(p.Conns()); n != 0 {
		t.Errorf("%d connections while handshakes are paused", n)
	}
	if rs := c.ws.ReadyState(); rs != websocket.Connecting {
		t.Errorf("ReadyState %v, want CONNECTING", rs)
	}
	p.ResumeHandshakes()
	next(t, c.open, "open event")
	nc.SetDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Errorf("raw client's answer %v, %v", resp, err)
	}
}

// A failed WaitFrame says what the record holds.
func TestProxyWaitFrameError(t *testing.T) {
	srv := websockettest.NewServer(t, websockettest.Echo)
	p := websockettest.NewProxy(t, srv.URL)
	c := dial(t, p.URL, websocket.Options{})
	next(t, c.open, "open event")
	pc := p.Accept(ctx(t))
	c.ws.Send("x")
	next(t, c.messages, "echo")
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := pc.WaitFrame(short, websockettest.ToClient, websockettest.OpBinary)
	if err == nil || !strings.Contains(err.Error(), `to server text "x"; to client text "x"`) {
		t.Errorf("WaitFrame error %v, want the record listed", err)
	}
	pc.Drop()
	if _, err := pc.WaitFrame(ctx(t), websockettest.ToClient, websockettest.OpBinary); err == nil || !strings.Contains(err.Error(), "ended") {
		t.Errorf("WaitFrame after the end = %v", err)
	}
}

// Nothing outlives the proxy: connections paused, holding a frame, in a held
// handshake, or not past TCP.
func TestProxyNoLeakAfterCleanup(t *testing.T) {
	t.Run("proxy", func(t *testing.T) {
		srv := websockettest.NewServer(t, websockettest.Echo)
		p := websockettest.NewProxy(t, srv.URL)
		c := dial(t, p.URL, websocket.Options{})
		next(t, c.open, "open event")
		pc := p.Accept(ctx(t))
		pc.Pause(websockettest.ToServer)
		pc.Hold(websockettest.ToClient, func(websockettest.Frame) bool { return true })
		pc.Inject(websockettest.ToServer, websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte("x")})
		if _, err := pc.WaitHeld(ctx(t), websockettest.ToClient); err != nil {
			t.Fatal(err)
		}

		p.PauseHandshakes()
		dial(t, p.URL, websocket.Options{})
		nc, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "ws://")) // says nothing
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		// The proxy's Cleanup runs before the clients', which would wait for
		// closing handshakes the proxy holds.
		p.Close()
	})
	leakcheck.Check(t, "of the kit or the client", func(stack string) bool {
		return strings.Contains(stack, "browserws/websocket") && !strings.Contains(stack, "testing.tRunner")
	})
}

// proxied connects a client through a proxy to a server the test drives, and
// returns the client, the server's side and the proxied connection once the
// client is open.
func proxied(t *testing.T) (*client, *websockettest.Conn, *websockettest.ProxyConn) {
	t.Helper()
	srv := websockettest.NewServer(t)
	p := websockettest.NewProxy(t, srv.URL)
	c := dial(t, p.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	pc := p.Accept(ctx(t))
	next(t, c.open, "open event")
	return c, conn, pc
}
