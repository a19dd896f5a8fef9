// Command echo is the JavaScript "simple example" of a WebSocket client, ported
// line by line to Go with github.com/browserws/websocket:
//
//	const ws = new WebSocket(url);
//	ws.onopen = () => ws.send("My name is John");
//	ws.onmessage = (e) => console.log(`[message] ${e.data}`);
//	ws.onclose = (e) => console.log(e.wasClean
//	  ? `[close] clean, code=${e.code} reason=${e.reason}`
//	  : "[close] connection died");
//	ws.onerror = () => console.log("[error]");
//
// Without -url it starts a local echo server that closes the connection a moment
// after the first reply, so `go run ./examples/echo` runs on its own.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/browserws/websocket"
	cws "github.com/coder/websocket"
)

func main() {
	url := flag.String("url", "", "WebSocket URL to talk to (default: a local echo server)")
	flag.Parse()
	if *url == "" {
		srv := httptest.NewServer(http.HandlerFunc(echoThenClose))
		defer srv.Close()
		*url = "ws" + srv.URL[len("http"):]
	}

	ws, err := websocket.New(*url)
	if err != nil {
		log.Fatal(err)
	}
	ws.OnOpen(func(e *websocket.Event) {
		fmt.Println("[open] Connection established")
		fmt.Println("Sending to server")
		ws.Send("My name is John")
	})
	ws.OnMessage(func(e *websocket.MessageEvent) {
		fmt.Printf("[message] Data received from server: %v\n", e.Data)
	})
	ws.OnClose(func(e *websocket.CloseEvent) {
		if e.WasClean {
			fmt.Printf("[close] Connection closed cleanly, code=%d reason=%s\n", e.Code, e.Reason)
		} else {
			// e.g. the server process was killed or the network is down
			fmt.Println("[close] Connection died")
		}
	})
	ws.OnError(func(e *websocket.Event) {
		fmt.Println("[error]", e.Err)
	})

	<-ws.Done() // JavaScript keeps the page alive; a Go program waits for the end.
	if ws.ReadyState() != websocket.Closed {
		os.Exit(1)
	}
}

// echoThenClose echoes the first message, then closes with 1000 "bye" after a while.
func echoThenClose(w http.ResponseWriter, r *http.Request) {
	c, err := cws.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	typ, data, err := c.Read(ctx)
	if err != nil {
		return
	}
	if err := c.Write(ctx, typ, append([]byte("Hello, "), data[len("My name is "):]...)); err != nil {
		return
	}
	time.Sleep(500 * time.Millisecond)
	c.Close(cws.StatusNormalClosure, "bye")
}
