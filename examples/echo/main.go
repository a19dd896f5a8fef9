// Command echo is the JavaScript "simple example" of a WebSocket client, ported
// line by line to Go with github.com/browserws/websocket. The JavaScript
// original (alert replaced by console.log):
//
//	let socket = new WebSocket("wss://javascript.info/article/websocket/demo/hello");
//
//	socket.onopen = function(e) {
//	  console.log("[open] Connection established");
//	  console.log("Sending to server");
//	  socket.send("My name is John");
//	};
//
//	socket.onmessage = function(event) {
//	  console.log(`[message] Data received from server: ${event.data}`);
//	};
//
//	socket.onclose = function(event) {
//	  if (event.wasClean) {
//	    console.log(`[close] Connection closed cleanly, code=${event.code} reason=${event.reason}`);
//	  } else {
//	    // e.g. server process killed or network down
//	    // event.code is usually 1006 in this case
//	    console.log('[close] Connection died');
//	  }
//	};
//
//	socket.onerror = function(error) {
//	  console.log(`[error]`);
//	};
//
// Without -url it starts a local server that answers "Hello, John!" and closes
// the connection a moment later with 1000 "bye", so `go run ./examples/echo`
// runs on its own.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/browserws/websocket"
	cws "github.com/coder/websocket"
)

func main() {
	url := flag.String("url", "", "WebSocket URL to talk to (default: a local server)")
	flag.Parse()
	if *url == "" {
		srv := httptest.NewServer(http.HandlerFunc(hello))
		defer srv.Close()
		*url = "ws" + strings.TrimPrefix(srv.URL, "http")
	}
	if err := run(os.Stdout, *url); err != nil {
		log.Fatal(err)
	}
}

// run is the JavaScript example, line by line; it returns once the socket is
// closed (a JavaScript page stays alive by itself, a Go program must wait).
func run(out io.Writer, url string) error {
	socket, err := websocket.New(url)
	if err != nil {
		return err // new WebSocket throws a SyntaxError here
	}

	socket.OnOpen(func(e *websocket.Event) {
		fmt.Fprintln(out, "[open] Connection established")
		fmt.Fprintln(out, "Sending to server")
		socket.Send("My name is John")
	})

	socket.OnMessage(func(event *websocket.MessageEvent) {
		fmt.Fprintf(out, "[message] Data received from server: %v\n", event.Data)
	})

	socket.OnClose(func(event *websocket.CloseEvent) {
		if event.WasClean {
			fmt.Fprintf(out, "[close] Connection closed cleanly, code=%d reason=%s\n", event.Code, event.Reason)
		} else {
			// e.g. server process killed or network down
			// event.Code is usually 1006 in this case
			fmt.Fprintln(out, "[close] Connection died")
		}
	})

	socket.OnError(func(error *websocket.Event) {
		fmt.Fprintln(out, "[error]")
	})

	<-socket.Done()
	return nil
}

// hello is the demo server: it answers "My name is John" with "Hello, John!",
// then closes the connection with 1000 "bye" half a second later.
func hello(w http.ResponseWriter, r *http.Request) {
	c, err := cws.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	_, data, err := c.Read(ctx)
	if err != nil {
		return
	}
	name := strings.TrimPrefix(string(data), "My name is ")
	if err := c.Write(ctx, cws.MessageText, []byte("Hello, "+name+"!")); err != nil {
		return
	}
	time.Sleep(500 * time.Millisecond)
	c.Close(cws.StatusNormalClosure, "bye")
}
