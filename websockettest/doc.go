//go:build !js

// Package websockettest gives tests a WebSocket server they drive step by step
// and that misbehaves on cue, as net/http/httptest does for HTTP (and
// Playwright's page.routeWebSocket, jest-websocket-mock and mockttp do in
// JavaScript). It is for tests of WebSocket clients: package websocket's, or
// any other.
//
// A server that just runs takes a handler:
//
//	srv := websockettest.NewServer(t, websockettest.Echo)
//	ws, _ := websocket.New(srv.URL)
//
// Without one, the test takes each connection and plays the server's part:
//
//	srv := websockettest.NewServer(t)
//	ws, _ := websocket.New(srv.URL + "/chat")
//	conn := srv.Accept(ctx)            // the server side of the connection
//	conn.Request().Header.Get("Origin") // what the client sent
//	msg, err := conn.Read(ctx)          // the client's next message
//	conn.SendText("hello")
//	conn.Close(1000, "bye")             // the closing handshake
//
// Every connection can misbehave at any moment: Drop (TCP closes, no close
// frame), Reset (a TCP reset), StopReading and ResumeReading (the client's
// writes back up), WriteFrame (any frame, broken or not, in pieces with
// pauses if asked) and WriteRaw (any bytes). Server.SetHandshake chooses how
// each opening handshake is answered: refused with a status, headers and
// body, late, with a protocol or extension of the test's choosing, or with
// raw bytes.
//
// Why the server speaks the protocol itself rather than through
// github.com/coder/websocket, the module's server library: coder's Accept
// takes the connection over and hides it, so that none of the above would be
// possible on a connection it accepted, and a connection cannot know at its
// handshake whether the test will later want to drop it, stop reading it or
// write a broken frame on it. The server side of RFC 6455 is small (read
// masked frames, join fragments, answer pings, complete the closing
// handshake, write unmasked frames), so the package does it all, on the
// connection net/http hands over, and every Conn can do everything. It
// compresses nothing it sends; it inflates what the client compresses when a
// test answers permessage-deflate. It checks what the client sends (masking,
// reserved bits, opcodes, fragments, UTF-8 in text) and answers a broken
// frame with a close frame, as a strict server does, so that a client's
// mistakes show up as a CloseError whose Err is a *ProtocolError.
//
// Servers listen on 127.0.0.1 and are closed by the test's Cleanup, with
// every connection and goroutine they started. The package is native only:
// it builds with the tag !js, and package websocket does not import it.
//
// For tests compiled to WASM, which cannot listen, the command
// websockettest/cmd/wstestserver serves the named behaviours on a local port
// (/kit/echo, /kit/close, /kit/drop, /kit/reset, /kit/refuse, /kit/frame) and
// prints its URL; POST /_control/dropall ends every open connection and
// /_control/restart also refuses handshakes for a while, for reconnection
// tests. NewHandler serves Conns the same way from a server of one's own.
package websockettest

import "context"

// Echo is a handler that sends every message back as it came, until the
// connection ends.
func Echo(c *Conn) {
	for {
		m, err := c.Read(context.Background())
		if err != nil {
			return
		}
		if c.WriteFrame(Frame{Fin: true, Opcode: byte(m.Type), Payload: m.Data}) != nil {
			return
		}
	}
}
