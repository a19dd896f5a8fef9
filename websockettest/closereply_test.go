//go:build !js

package websockettest_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// With NoCloseReply, Read returns the client's close at once while TCP stays
// open, and the test answers as it likes: here with an empty close frame, so
// that the client reports 1005 rather than its own code.
func TestNoCloseReplyLeavesTheAnswerToTheTest(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{NoCloseReply: true}
	})
	c := dial(t, srv.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")
	c.ws.CloseWithCode(3000, "bye")
	_, err := conn.Read(ctx(t))
	var ce *websockettest.CloseError
	if !errors.As(err, &ce) || ce.Code != 3000 || ce.Reason != "bye" {
		t.Fatalf("Read = %v, want the client's close 3000 \"bye\"", err)
	}
	select {
	case <-conn.Done():
		t.Fatal("the connection ended at the client's close frame")
	default:
	}
	select {
	case e := <-c.closed:
		t.Fatalf("the client closed (%d) before the server answered", e.Code)
	default:
	}
	if err := conn.WriteRaw([]byte{0x88, 0}); err != nil {
		t.Fatal(err)
	}
	conn.Drop()
	if e := next(t, c.closed, "close event"); e.Code != 1005 || !e.WasClean {
		t.Errorf("client close %d clean=%v, want 1005 clean", e.Code, e.WasClean)
	}
	if ce, err := conn.WaitClosed(ctx(t)); err != nil || ce.Code != 3000 {
		t.Errorf("WaitClosed = %v, %v; want the client's 3000", ce, err)
	}
}

// With NoCloseReply, a close frame that answers the server's own still
// completes the closing handshake.
func TestNoCloseReplyAfterServerClose(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{NoCloseReply: true}
	})
	c := dial(t, srv.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")
	if err := conn.Close(4000, "done"); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if e := next(t, c.closed, "close event"); e.Code != 4000 || !e.WasClean {
		t.Errorf("client close %d clean=%v, want 4000 clean", e.Code, e.WasClean)
	}
}

// CloseWrite sends a FIN and goes on reading: the client, which sees the
// stream end without a close frame, closes TCP too, and the connection ends.
// FrameCounts counts what the client sent by opcode.
func TestCloseWriteAndFrameCounts(t *testing.T) {
	c, conn := connected(t)
	c.ws.Send("one")
	c.ws.Send([]byte("two"))
	for range 2 {
		if _, err := conn.Read(ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.Ping(ctx(t), []byte("p")); err != nil {
		t.Fatal(err)
	}
	counts := conn.FrameCounts()
	if counts[websockettest.OpText] != 1 || counts[websockettest.OpBinary] != 1 || counts[websockettest.OpPong] != 1 || counts[websockettest.OpClose] != 0 {
		t.Errorf("FrameCounts = %v, want a text, a binary and a pong", counts)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if e := next(t, c.closed, "close event"); e.Code != 1006 || e.WasClean {
		t.Errorf("client close %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
	}
	if _, err := conn.WaitClosed(ctx(t)); err != nil {
		t.Errorf("WaitClosed: %v", err)
	}
	if err := conn.SendText("late"); err == nil {
		t.Error("SendText after CloseWrite succeeded")
	}
}

// A raw answer's Sec-WebSocket-Protocol and Sec-WebSocket-Extensions are the
// Conn's: here permessage-deflate, so the client's compressed messages are
// inflated and the server's are compressed.
func TestRawAnswerSetsProtocolAndExtensions(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		return websockettest.Handshake{Raw: []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + websockettest.AcceptKey(r.Header.Get("Sec-WebSocket-Key")) + "\r\n" +
			"sec-websocket-protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")}
	})
	c := dial(t, srv.URL, websocket.Options{Protocols: []string{"chat"}})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")
	if conn.Protocol() != "chat" || conn.Extensions() != "permessage-deflate" {
		t.Errorf("Conn: protocol %q extensions %q, want the raw answer's", conn.Protocol(), conn.Extensions())
	}
	long := string(make([]byte, 5000))
	c.ws.Send(long)
	m, err := conn.Read(ctx(t))
	if err != nil || string(m.Data) != long || !m.Compressed {
		t.Fatalf("Read = %d bytes compressed=%v, %v; want the %d bytes, inflated", len(m.Data), m.Compressed, err, len(long))
	}
	conn.SendText(long)
	if m := next(t, c.messages, "message"); m != long {
		t.Errorf("the client got %.20q…, not the %d bytes sent", m, len(long))
	}
	c.noError(t)
}

// With NoCloseReply, Close after the client's close frame is the answer that
// completes the handshake: the server closes TCP at once (RFC 6455 §7.1.1)
// rather than waiting CloseTimeout for a close frame that already came. The
// client here is raw and never closes TCP itself.
func TestNoCloseReplyThenCloseEndsTCP(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{NoCloseReply: true}
	})
	nc, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", key)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != websockettest.AcceptKey(key) {
		t.Fatalf("handshake: %v, %v", resp, err)
	}
	conn := srv.Accept(ctx(t))
	nc.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x0b, 0xb8}) // a masked close frame, 3000 (mask 0)
	var ce *websockettest.CloseError
	if _, err := conn.Read(ctx(t)); !errors.As(err, &ce) || ce.Code != 3000 {
		t.Fatalf("Read = %v, want the client's close 3000", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- conn.Close(1000, "") }()
	// Half of CloseTimeout: far more than closing TCP takes, and less than
	// the wait a Close that did not see the client's close frame would make.
	nc.SetReadDeadline(time.Now().Add(websockettest.CloseTimeout / 2))
	got, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("after the server's close frame %x: %v, want the end of TCP", got, err)
	}
	if want := []byte{0x88, 0x02, 0x03, 0xe8}; !bytes.Equal(got, want) {
		t.Errorf("the server sent %x, want its close frame %x", got, want)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
}
