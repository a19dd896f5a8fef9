//go:build !js

package websocket_test

// Helpers of the external native tests, which run on the public test kit
// (websockettest): the counterpart of trace_test.go's recorder, whose text
// forms are the kit's (Event.String), and the checks every test shares.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/websockettest"
)

// traceWait bounds the wait for a socket's close event.
const traceWait = 30 * time.Second

// checkNoLeak fails t if goroutines of the package outlive the test by 5 s.
func checkNoLeak(t *testing.T) { t.Helper(); leakcheck.CheckWebsocket(t) }

// dialTrace dials url through the kit's recorder, with o's handlers (o may be
// nil) wrapped so that the readyState at each event is noted too: the one-line
// text forms do not show it. It returns the socket, the recorder and a function
// that waits for the close event and returns the trace and the states.
func dialTrace(t *testing.T, url string, o *websocket.Options) (*websocket.WebSocket, *websockettest.Recorder, func() ([]string, []string)) {
	t.Helper()
	var opts websocket.Options
	if o != nil {
		opts = *o
	}
	var mu sync.Mutex
	var states []string
	note := func(ws *websocket.WebSocket) {
		mu.Lock()
		states = append(states, ws.ReadyState().String())
		mu.Unlock()
	}
	onOpen, onMessage, onError, onClose := opts.OnOpen, opts.OnMessage, opts.OnError, opts.OnClose
	opts.OnOpen = func(e *websocket.Event) {
		note(e.Target)
		if onOpen != nil {
			onOpen(e)
		}
	}
	opts.OnMessage = func(e *websocket.MessageEvent) {
		note(e.Target)
		if onMessage != nil {
			onMessage(e)
		}
	}
	opts.OnError = func(e *websocket.Event) {
		note(e.Target)
		if onError != nil {
			onError(e)
		}
	}
	opts.OnClose = func(e *websocket.CloseEvent) {
		note(e.Target)
		if onClose != nil {
			onClose(e)
		}
	}
	ws, rec := websockettest.Dial(t, url, &opts)
	return ws, rec, func() ([]string, []string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), traceWait)
		defer cancel()
		if _, err := rec.WaitFor(ctx, "close"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return rec.Strings(), append([]string(nil), states...)
	}
}

// within fails t unless ch is closed within a generous bound.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: not within 30 s", what)
	}
}

// checkErrorEventsHaveErr fails t if an error event of rec came without its
// Err (the internal tests' step{Err: true}).
func checkErrorEventsHaveErr(t *testing.T, rec *websockettest.Recorder) {
	t.Helper()
	for i, e := range rec.Events() {
		if e.Type == websocket.TypeError && e.Err == nil {
			t.Errorf("event %d: an error event without Err", i)
		}
	}
}
