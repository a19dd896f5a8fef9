package reconnecting_test

import (
	"fmt"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// A reconnecting socket is used like a browser one. Messages sent before the
// connection opens are queued, not refused.
func ExampleNew() {
	rws, err := reconnecting.New(srv("/kit/echo"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rws.Send("sent while connecting, queued") // websocket.WebSocket would refuse it
	rws.OnMessage(func(e *websocket.MessageEvent) {
		fmt.Println(e.Data)
		rws.Close()
	})
	rws.OnClose(func(e *websocket.CloseEvent) { fmt.Println("closed, clean:", e.WasClean) })
	<-rws.Done()
	// Output:
	// sent while connecting, queued
	// closed, clean: true
}

// ShouldReconnect is the close-code policy: here a server that closes with 1008
// (policy violation) is not tried again.
func ExampleOptions_shouldReconnect() {
	rws, err := reconnecting.New(srv("/kit/close?now=1&code=1008&reason=go+away"), &reconnecting.Options{
		ShouldReconnect: func(e *websocket.CloseEvent) bool { return e.Code != 1008 },
		Options: websocket.Options{
			OnClose: func(e *websocket.CloseEvent) { fmt.Println("close", e.Code, e.Reason) },
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	<-rws.Done()
	fmt.Println("given up:", rws.ReadyState())
	// Output:
	// close 1008 go away
	// given up: CLOSED
}

// MaxRetries bounds the attempts that fail in a row; then Done is closed.
func ExampleOptions_maxRetries() {
	rws, err := reconnecting.New(srv("/kit/refuse?status=503"), &reconnecting.Options{
		MaxRetries:           2,
		MinReconnectionDelay: 10 * time.Millisecond, // short, for the example
		MaxReconnectionDelay: 20 * time.Millisecond,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	closes := 0
	rws.OnClose(func(e *websocket.CloseEvent) { closes++ })
	<-rws.Done()
	fmt.Println("attempts:", closes, "retries:", rws.RetryCount())
	// Output:
	// attempts: 3 retries: 2
}
