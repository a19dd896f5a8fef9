//go:build !js

// Package websockettest is a test kit for WebSocket clients, as
// net/http/httptest is for HTTP (and Playwright's page.routeWebSocket,
// jest-websocket-mock and mockttp are in JavaScript). It is for tests of
// package websocket's clients, of code built on them, or of any other client,
// and for tests of a real server driven by page-like clients. It has three
// parts: a server the test drives step by step and that misbehaves on cue; a
// recorder of a socket's events, compared as text; and a fault proxy between
// a client and a real server.
//
// # The server
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
// frame), Reset (a TCP reset), CloseWrite (the server's side of TCP ends, it
// goes on reading), StopReading and ResumeReading (the client's writes back
// up), WriteFrame (any frame, broken or not, in pieces with pauses if asked)
// and WriteRaw (any bytes); FrameCounts tells which frames the client sent.
// Server.SetHandshake chooses how each opening handshake is answered: refused
// with a status, headers and body, late, with a protocol or extension of the
// test's choosing, or with raw bytes; and whether the server answers the
// client's close frame itself or leaves that to the test (NoCloseReply).
//
// Why the server speaks the protocol itself rather than through
// github.com/coder/websocket, the module's server library: coder's Accept
// takes the connection over and hides it, so that none of the above would be
// possible on a connection it accepted, and a connection cannot know at its
// handshake whether the test will later want to drop it, stop reading it or
// write a broken frame on it. The server side of RFC 6455 is small (read
// masked frames, join fragments, answer pings, complete the closing
// handshake, write unmasked frames), so the package does it all, on the
// connection net/http hands over, and every Conn can do everything. When a
// test answers permessage-deflate, the server does what a server that
// negotiated it does: it inflates what the client compresses
// (Message.Compressed tells which messages came compressed), and compresses
// the messages it sends with SendText, SendBinary and Echo (from
// Handshake.CompressThreshold bytes), so that the client's inflating is
// tested too; WriteFrame sends its frame as it is. It checks what the client
// sends (masking, reserved bits, opcodes, fragments, UTF-8 in text) and
// answers a broken frame with a close frame, as a strict server does, so that
// a client's mistakes show up as a CloseError whose Err is a *ProtocolError.
//
// # The recorder
//
// A Recorder keeps every event of a *websocket.WebSocket or a
// *reconnecting.WebSocket in order. Dial (DialReconnecting) makes the socket
// with the recorder's handlers installed before the connection starts, so
// that no event is missed, and closes it when the test ends; Record starts
// recording a socket right after websocket.New, and RecordOptions installs the
// recorder in Options the test then passes to NewWithOptions or
// reconnecting.New. Next and WaitFor wait for events with a context, failing
// with what was seen instead. Each event has a one-line text form
// (Event.String) made to be compared, so a whole trace is checked with
// github.com/google/go-cmp:
//
//	_, rec := websockettest.Dial(t, srv.URL, &websocket.Options{PageURL: "https://chat.example/room"})
//	rec.WaitFor(ctx, "close")
//	want := []string{`open protocol="" extensions=""`, `message text "hi"`, `close 1000 "bye" clean`}
//	if diff := cmp.Diff(want, rec.Strings()); diff != "" {
//		t.Errorf("events (-want +got):\n%s", diff)
//	}
//
// The websocket.Options given to Dial may set PageURL, which makes the client
// act like a page of that URL: its handshake sends the page's origin as
// Origin, as a browser does, so that a server that checks Origin sees what it
// would see from the page.
//
// # The fault proxy
//
// NewProxy starts a proxy between a client and a real server (the one under
// test, or a Server): the client connects to the proxy's URL, and the proxy
// forwards the opening handshake, then every frame, as it is, recording both
// directions (ProxyConn.Strings, in a text form like the recorder's). On each
// connection (Proxy.Accept, Proxy.OnConn, Proxy.Conns) the test can Pause and
// Resume a direction, Drop or Reset the connection, Hold a frame, Rewrite or
// discard frames and Inject frames of its own. For reconnection tests,
// Proxy.DropAll ends every open connection as a lost network does, and
// Proxy.SetRefuse answers new handshakes with a status (such as 503) as a
// server that is down would, until SetRefuse(0) lets them through again;
// PauseHandshakes holds them unanswered until ResumeHandshakes.
//
// # Which to use
//
//   - To test a client against a server that misbehaves (a broken frame, a
//     refused or odd handshake, a drop at a chosen moment, a server that stops
//     reading), use a Server and play its part with Accept, or give it a
//     handler.
//   - To test a real server as a browser would reach it, connect page-like
//     clients (Options.PageURL) to it with Dial and check their traces.
//   - To test how a client and a real server cope with the network between
//     them (drops, stalls, a restart, frames lost or changed on the way), put
//     a Proxy between them.
//   - In every case, check what the client saw with a Recorder.
//
// Servers and proxies listen on 127.0.0.1 and are closed by the test's
// Cleanup, with every connection and goroutine they started; Dial's sockets
// are closed by it too. The package is native only: it builds with the tag
// !js, and package websocket does not import it.
//
// For tests compiled to WASM, which cannot listen, the command
// websockettest/cmd/wstestserver serves the named behaviours on a local port
// (/kit/echo, /kit/sink, /kit/close, /kit/drop, /kit/reset, /kit/refuse,
// /kit/frame, /kit/late) and prints its URL; POST /_control/dropall ends the open
// connections, /_control/restart also refuses their handshakes for a while
// (or until /_control/up), each for every connection or those of a tag, for
// reconnection tests. NewHandler serves Conns the same way from a server of
// one's own.
package websockettest

import "context"

// Echo is a handler that sends every message back as it came (compressed
// when permessage-deflate was answered, as SendText does), until the
// connection ends.
func Echo(c *Conn) {
	for {
		m, err := c.Read(context.Background())
		if err != nil {
			return
		}
		if c.send(byte(m.Type), m.Data) != nil {
			return
		}
	}
}
