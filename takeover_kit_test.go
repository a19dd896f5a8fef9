//go:build !js

package websocket_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// The takeover of a blocked listener (takeover.go) over the network, against
// servers of the public test kit (websockettest); its unit tests, on sockets
// without a transport, are in takeover_test.go.

var benchMessage = []byte("ping")

// BenchmarkTakeoverRoundTrip is a message round trip over loopback through the
// package: the listener sends the next message when the echo of the last arrives.
func BenchmarkTakeoverRoundTrip(b *testing.B) {
	srv := websockettest.NewServer(b, websockettest.Echo)
	opened := make(chan struct{})
	done := make(chan struct{})
	left := b.N // set before New, so that the listener's reads follow it (go statements)
	ws, err := websocket.NewWithOptions(srv.URL, &websocket.Options{
		DisableCompression: true,
		OnOpen:             func(*websocket.Event) { close(opened) },
		OnMessage: func(e *websocket.MessageEvent) {
			left--
			if left == 0 {
				close(done)
				return
			}
			e.Target.Send(benchMessage)
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	<-opened
	b.ReportAllocs()
	b.ResetTimer()
	ws.Send(benchMessage)
	<-done
	b.StopTimer()
}

func TestTakeoverManySocketsBlocked(t *testing.T) {
	// 200 sockets, each with a listener that blocks until every server has had
	// the answer to its ping: only a socket whose reading was handed over answers,
	// so the listeners return only if all 200 were handed over.
	const n = 200
	var pinged sync.WaitGroup
	pinged.Add(n)
	allPinged := make(chan struct{})
	go func() { pinged.Wait(); close(allPinged) }()
	var pingErrs atomic.Int32
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		// The kit reads (and takes the pong) in the background.
		if err := c.SendText("block"); err != nil {
			pingErrs.Add(1)
			pinged.Done()
			return
		}
		pctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if err := c.Ping(pctx, nil); err != nil {
			pingErrs.Add(1)
		}
		cancel()
		pinged.Done()
		<-c.Done()
	})
	sockets := make([]*websocket.WebSocket, n)
	for i := range sockets {
		ws, err := websocket.NewWithOptions(srv.URL, &websocket.Options{OnMessage: func(e *websocket.MessageEvent) {
			select {
			case <-allPinged:
			case <-time.After(90 * time.Second):
			}
			e.Target.Close()
		}})
		if err != nil {
			t.Fatal(err)
		}
		sockets[i] = ws
	}
	within(t, allPinged, "every server's ping answered")
	if e := pingErrs.Load(); e > 0 {
		t.Fatalf("%d of %d pings unanswered while the listeners blocked", e, n)
	}
	for i, ws := range sockets {
		select {
		case <-ws.Done():
		case <-time.After(30 * time.Second):
			t.Fatalf("socket %d not done 30 s after its listener returned", i)
		}
	}
	checkNoLeak(t)
}
