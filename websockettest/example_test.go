//go:build !js

package websockettest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// exampleT stands, in these examples, for the *testing.T of a test: it runs
// the Cleanup functions when the example ends.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A server that just runs: Echo sends every message back.
func ExampleNewServer() {
	t := &exampleT{}
	defer t.done()

	srv := websockettest.NewServer(t, websockettest.Echo)
	closed := make(chan struct{})
	websocket.NewWithOptions(srv.URL, &websocket.Options{
		OnOpen:    func(e *websocket.Event) { e.Target.Send("hello") },
		OnMessage: func(e *websocket.MessageEvent) { fmt.Println("echo:", e.Data); e.Target.Close() },
		OnClose:   func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean); close(closed) },
	})
	<-closed
	// Output:
	// echo: hello
	// close: 1005 true
}

// The test plays the server's part step by step.
func ExampleServer_Accept() {
	t := &exampleT{}
	defer t.done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := websockettest.NewServer(t)
	messages := make(chan any, 1)
	closed := make(chan *websocket.CloseEvent, 1)
	ws, _ := websocket.NewWithOptions(srv.URL+"/chat", &websocket.Options{
		Protocols: []string{"chat.v1"},
		OnMessage: func(e *websocket.MessageEvent) { messages <- e.Data },
		OnClose:   func(e *websocket.CloseEvent) { closed <- e },
	})

	conn := srv.Accept(ctx)
	fmt.Println("path:", conn.Request().URL.Path, "protocol:", conn.Protocol())
	conn.SendText("welcome")
	fmt.Println("client got:", <-messages)
	ws.Send("thanks")
	m, _ := conn.Read(ctx)
	fmt.Println("server got:", m)
	conn.Close(1000, "bye")
	e := <-closed
	fmt.Println("client close:", e.Code, e.Reason, e.WasClean)
	// Output:
	// path: /chat protocol: chat.v1
	// client got: welcome
	// server got: text "thanks"
	// client close: 1000 bye true
}

// A frame no server may send (RSV2 set), written in two pieces with a pause:
// the client fails the connection, and the server sees its close frame.
func ExampleConn_WriteFrame() {
	t := &exampleT{}
	defer t.done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := websockettest.NewServer(t)
	opened := make(chan struct{})
	closed := make(chan struct{})
	websocket.NewWithOptions(srv.URL, &websocket.Options{
		OnOpen:  func(*websocket.Event) { close(opened) },
		OnError: func(e *websocket.Event) { fmt.Println("error event") },
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean); close(closed) },
	})
	conn := srv.Accept(ctx)
	<-opened

	bad := websockettest.Frame{Fin: true, RSV2: true, Opcode: websockettest.OpText, Payload: []byte("hi")}
	conn.WriteFrame(bad, websockettest.Split{At: []int{1}, Pause: 10 * time.Millisecond})
	<-closed
	ce, _ := conn.WaitClosed(ctx)
	fmt.Println("the server got close", ce.Code)
	// Output:
	// error event
	// close: 1006 false
	// the server got close 1002
}

// A refused handshake reaches the client as a *websocket.HandshakeError.
func ExampleServer_SetHandshake() {
	t := &exampleT{}
	defer t.done()

	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		return websockettest.Handshake{
			Status: http.StatusUnauthorized,
			Header: http.Header{"Www-Authenticate": {`Bearer realm="chat"`}},
			Body:   "log in first",
		}
	})
	closed := make(chan struct{})
	websocket.NewWithOptions(srv.URL, &websocket.Options{
		OnError: func(e *websocket.Event) {
			var he *websocket.HandshakeError
			if errors.As(e.Err, &he) {
				fmt.Println("refused:", he.StatusCode, he.Header["Www-Authenticate"][0])
			}
		},
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code); close(closed) },
	})
	<-closed
	// Output:
	// refused: 401 Bearer realm="chat"
	// close: 1006
}

// Drop ends TCP without a close frame, as a crashed server does.
func ExampleConn_Drop() {
	t := &exampleT{}
	defer t.done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := websockettest.NewServer(t)
	opened := make(chan struct{})
	closed := make(chan struct{})
	websocket.NewWithOptions(srv.URL, &websocket.Options{
		OnOpen:  func(*websocket.Event) { close(opened) },
		OnError: func(e *websocket.Event) { fmt.Println("error event") },
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean); close(closed) },
	})
	conn := srv.Accept(ctx)
	<-opened
	conn.Drop()
	<-closed
	// Output:
	// close: 1006 false
}

// A wss:// server; Options (or Client) trusts its certificate.
func ExampleNewTLSServer() {
	t := &exampleT{}
	defer t.done()

	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	o := srv.Options()
	done := make(chan struct{})
	o.OnOpen = func(e *websocket.Event) { e.Target.Send("over TLS") }
	o.OnMessage = func(e *websocket.MessageEvent) { fmt.Println("echo:", e.Data); e.Target.Close() }
	o.OnClose = func(*websocket.CloseEvent) { close(done) }
	websocket.NewWithOptions(srv.URL, &o)
	<-done
	fmt.Println(srv.URL[:6])
	// Output:
	// echo: over TLS
	// wss://
}
