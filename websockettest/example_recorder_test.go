//go:build !js

package websockettest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
	"github.com/browserws/websocket/websockettest"
	cws "github.com/coder/websocket"
)

// recExampleServer starts a server that runs handle for each connection; the
// caller closes it.
func recExampleServer(handle func(ctx context.Context, c *cws.Conn)) (url string, stop func()) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		handle(r.Context(), c)
	}))
	return "ws" + strings.TrimPrefix(srv.URL, "http"), srv.Close
}

// Record a socket right after New: the trace is the events in their text form.
func ExampleRecord() {
	url, stop := recExampleServer(func(ctx context.Context, c *cws.Conn) {
		c.Write(ctx, cws.MessageText, []byte("hi"))
		c.Write(ctx, cws.MessageBinary, []byte{1, 2})
		c.Close(cws.StatusNormalClosure, "bye")
	})
	defer stop()

	ws, err := websocket.New(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := websockettest.Record(ws)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := rec.WaitFor(ctx, "close"); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rec.Strings() {
		fmt.Println(s)
	}
	// Output:
	// open protocol="" extensions=""
	// message text "hi"
	// message blob "\x01\x02"
	// close 1000 "bye" clean
}

// A wait that ends without its event fails with what was seen.
func ExampleRecorder_WaitFor() {
	url, stop := recExampleServer(func(ctx context.Context, c *cws.Conn) {
		c.CloseNow() // no closing handshake: close 1006
	})
	defer stop()

	var o websocket.Options
	rec := websockettest.RecordOptions(&o)
	if _, err := websocket.NewWithOptions(url, &o); err != nil {
		fmt.Println(err)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := rec.WaitFor(ctx, "message")
	fmt.Println(err)
	// Output:
	// websockettest: no "message" event before the context ended; saw: open protocol="" extensions=""; close 1006 "" not clean
}

// RecordOptions on the websocket.Options inside reconnecting.Options records
// the events of every connection of a reconnecting socket. Its own handlers
// still run.
func ExampleRecordOptions_reconnecting() {
	var conns atomic.Int32
	url, stop := recExampleServer(func(ctx context.Context, c *cws.Conn) {
		if conns.Add(1) == 1 {
			c.CloseNow() // drop the first connection
			return
		}
		c.Close(4000, "done")
	})
	defer stop()

	o := &reconnecting.Options{
		MinReconnectionDelay: 10 * time.Millisecond, // short, for the example
		MaxReconnectionDelay: 20 * time.Millisecond,
		ShouldReconnect:      func(e *websocket.CloseEvent) bool { return e.Code != 4000 },
	}
	o.OnOpen = func(*websocket.Event) { fmt.Println("(handler) open") }
	rec := websockettest.RecordOptions(&o.Options)
	rws, err := reconnecting.New(url, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	<-rws.Done()
	for _, e := range rec.Events() {
		fmt.Println(e)
	}
	// Output:
	// (handler) open
	// (handler) open
	// open protocol="" extensions=""
	// close 1006 "" not clean
	// open protocol="" extensions=""
	// close 4000 "done" clean
}
