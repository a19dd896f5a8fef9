//go:build !js

package websockettest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// A proxy between a client and a real server (here the kit's Echo): the
// client connects to the proxy's URL, the test rewrites what the server
// sends and reads the record of both directions.
func ExampleNewProxy() {
	t := &exampleT{}
	defer t.done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := websockettest.NewServer(t, websockettest.Echo)
	proxy := websockettest.NewProxy(t, srv.URL)
	proxy.OnConn(func(c *websockettest.ProxyConn) { // before any frame passes
		c.Rewrite(websockettest.ToClient, func(f websockettest.Frame) (websockettest.Frame, bool) {
			if f.Opcode == websockettest.OpText {
				f.Payload = bytes.ToUpper(f.Payload)
			}
			return f, true
		})
	})

	closed := make(chan struct{})
	websocket.NewWithOptions(proxy.URL+"/chat", &websocket.Options{
		OnOpen:    func(e *websocket.Event) { e.Target.Send("hello") },
		OnMessage: func(e *websocket.MessageEvent) { fmt.Println("client got:", e.Data); e.Target.Close() },
		OnClose:   func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean); close(closed) },
	})
	<-closed

	conn := proxy.Accept(ctx)
	<-conn.Done()
	for _, f := range conn.Strings() {
		fmt.Println(f)
	}
	// Output:
	// client got: HELLO
	// close: 1005 true
	// to server text "hello"
	// to client text "HELLO" rewritten
	// to server close
	// to client close
}

// A reconnection test's faults: drop every connection, then refuse new ones
// as a server that is down would, then let them through again.
func ExampleProxy_DropAll() {
	t := &exampleT{}
	defer t.done()

	srv := websockettest.NewServer(t, websockettest.Echo)
	proxy := websockettest.NewProxy(t, srv.URL)
	events := make(chan string, 10)
	ws, _ := websocket.NewWithOptions(proxy.URL, &websocket.Options{
		OnOpen:  func(*websocket.Event) { events <- "open" },
		OnClose: func(e *websocket.CloseEvent) { events <- fmt.Sprint("close ", e.Code, " ", e.WasClean) },
	})
	fmt.Println(<-events)
	proxy.SetRefuse(503)
	proxy.DropAll()
	fmt.Println(<-events)
	<-ws.Done()

	// A new client is refused with the proxy's 503.
	refused := make(chan *websocket.HandshakeError, 1)
	ws, _ = websocket.NewWithOptions(proxy.URL, &websocket.Options{
		OnError: func(e *websocket.Event) {
			var he *websocket.HandshakeError
			errors.As(e.Err, &he)
			refused <- he
		},
	})
	fmt.Println("refused:", (<-refused).StatusCode)
	<-ws.Done()

	// Then the server is back.
	proxy.SetRefuse(0)
	websocket.NewWithOptions(proxy.URL, &websocket.Options{
		OnOpen:  func(e *websocket.Event) { events <- "open again"; e.Target.Close() },
		OnClose: func(e *websocket.CloseEvent) { events <- fmt.Sprint("close ", e.Code, " ", e.WasClean) },
	})
	fmt.Println(<-events)
	fmt.Println(<-events)
	// Output:
	// open
	// close 1006 false
	// refused: 503
	// open again
	// close 1005 true
}
