//go:build !js

package websocket_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/browserws/websocket"
	cws "github.com/coder/websocket"
)

// echoServer starts a WebSocket server that sends every message back.
func echoServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{Subprotocols: []string{"chat"}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, data, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(r.Context(), typ, data)
		}
	}))
}

func wsURL(s *httptest.Server) string { return "ws" + s.URL[len("http"):] }

// The JavaScript pattern: make the socket, then set its handlers right away.
func ExampleNew() {
	srv := echoServer()
	defer srv.Close()

	ws, err := websocket.New(wsURL(srv), "chat")
	if err != nil {
		panic(err)
	}
	ws.OnOpen(func(e *websocket.Event) {
		fmt.Println("open, protocol", ws.Protocol())
		ws.Send("hello")
	})
	ws.OnMessage(func(e *websocket.MessageEvent) {
		fmt.Println("message:", e.Data)
		ws.CloseWithCode(1000, "done")
	})
	ws.OnClose(func(e *websocket.CloseEvent) {
		fmt.Println("close:", e.Code, e.Reason, e.WasClean)
	})
	<-ws.Done()
	// Output:
	// open, protocol chat
	// message: hello
	// close: 1000 done true
}

// Invalid input gives the error a browser would throw.
func ExampleNew_errors() {
	_, err := websocket.New("ftp://example.com/")
	fmt.Println(errors.Is(err, websocket.ErrSyntax))
	_, err = websocket.New("ws://example.com/", "chat", "chat")
	fmt.Println(errors.Is(err, websocket.ErrSyntax))
	// Output:
	// true
	// true
}

// Send queues data and returns at once; BufferedAmount counts what is not yet
// written. Binary data arrives as a *Blob unless the binary type says otherwise.
func ExampleWebSocket_Send() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.NewWithOptions(wsURL(srv), &websocket.Options{
		OnOpen: func(e *websocket.Event) {
			ws := e.Target
			ws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
			ws.Send([]byte{1, 2, 3})
			ws.Send(websocket.NewBlob([]byte("blob"), "text/plain"))
		},
		OnMessage: func(e *websocket.MessageEvent) {
			fmt.Printf("%T %v\n", e.Data, e.Data)
			if b, _ := e.Data.([]byte); string(b) == "blob" {
				e.Target.Close()
			}
		},
	})
	<-ws.Done()
	// Output:
	// []uint8 [1 2 3]
	// []uint8 [98 108 111 98]
}

// Close validates its code and reason like a browser; while CONNECTING it fails
// the connection.
func ExampleWebSocket_CloseWithCode() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.NewWithOptions(wsURL(srv), &websocket.Options{
		OnError: func(e *websocket.Event) { fmt.Println("error") },
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close", e.Code, e.WasClean) },
	})
	err := ws.CloseWithCode(1001, "")
	fmt.Println(errors.Is(err, websocket.ErrInvalidAccess))
	ws.CloseWithCode(1000, "bye") // while CONNECTING: CLOSING, then error and close
	<-ws.Done()
	// Output:
	// true
	// error
	// close 1006 false
}

// AddEventListener takes typed listeners; the registration removes them again.
func ExampleWebSocket_AddEventListener() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.NewWithOptions(wsURL(srv), &websocket.Options{
		OnOpen: func(e *websocket.Event) { e.Target.Send("one"); e.Target.Send("two") },
	})
	ws.AddEventListener(websocket.MessageListener(func(e *websocket.MessageEvent) {
		fmt.Println("once:", e.Data)
	}), websocket.ListenerOptions{Once: true})
	// The listener may run before AddEventListener returns: hand it its
	// registration through a channel.
	reg := make(chan *websocket.Registration, 1)
	reg <- ws.AddEventListener(websocket.MessageListener(func(e *websocket.MessageEvent) {
		fmt.Println("every:", e.Data)
		if e.Data == "two" {
			ws.RemoveEventListener(<-reg)
			ws.Close()
		}
	}))
	<-ws.Done()
	// Output:
	// once: one
	// every: one
	// every: two
}

// Options install handlers before the connection starts and set what only a Go
// program can.
func ExampleNewWithOptions() {
	srv := echoServer()
	defer srv.Close()

	ws, err := websocket.NewWithOptions(wsURL(srv), &websocket.Options{
		Protocols:          []string{"chat"},
		Header:             http.Header{"Authorization": {"Bearer secret"}},
		DisableCompression: true,
		HandshakeTimeout:   5 * time.Second,
		OnOpen: func(e *websocket.Event) {
			fmt.Printf("open: %q %q\n", e.Target.Protocol(), e.Target.Extensions())
			e.Target.Close()
		},
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code) },
	})
	if err != nil {
		panic(err)
	}
	<-ws.Done()
	// Output:
	// open: "chat" ""
	// close: 1005
}

// Close starts the closing handshake; the close event reports what the server
// sent back. ReadyState is CLOSING until then.
func ExampleWebSocket_Close() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.New(wsURL(srv))
	ws.OnOpen(func(e *websocket.Event) {
		ws.Close()
		fmt.Println("after Close:", ws.ReadyState())
		fmt.Println("Close again:", ws.Close()) // nothing happens while CLOSING
	})
	ws.OnClose(func(e *websocket.CloseEvent) {
		fmt.Println("close:", e.Code, e.WasClean, ws.ReadyState())
	})
	<-ws.Done()
	// Output:
	// after Close: CLOSING
	// Close again: <nil>
	// close: 1005 true CLOSED
}

// OnMessage gets text as a string and binary data as the binary type says: a
// *Blob by default, as in browsers.
func ExampleWebSocket_OnMessage() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.New(wsURL(srv))
	ws.OnOpen(func(e *websocket.Event) {
		ws.Send("text")
		ws.Send([]byte("binary"))
	})
	ws.OnMessage(func(e *websocket.MessageEvent) {
		switch data := e.Data.(type) {
		case string:
			fmt.Println("string:", data)
		case *websocket.Blob:
			fmt.Println("blob:", data.Size(), "bytes:", data.Text())
			ws.Close()
		}
	})
	<-ws.Done()
	// Output:
	// string: text
	// blob: 6 bytes: binary
}

// Options set limits a browser decides by itself. A message over MaxMessageSize
// fails the connection (the server gets close code 1009): error, then close 1006.
func ExampleOptions() {
	srv := echoServer()
	defer srv.Close()

	ws, _ := websocket.NewWithOptions(wsURL(srv), &websocket.Options{
		MaxMessageSize: 1 << 10,
		OnOpen:         func(e *websocket.Event) { e.Target.Send(make([]byte, 4<<10)) },
		OnError:        func(e *websocket.Event) { fmt.Println("error:", e.Err != nil) },
		OnClose:        func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean) },
	})
	<-ws.Done()
	// Output:
	// error: true
	// close: 1006 false
}
