package websocket

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// serverURL is the ws:// base URL of the shared test server (internal/wstest,
// served by websockettest/cmd/wstestserver for WASM runs). TestMain, in package
// websocket_test (main_test.go), sets it through export_test.go before any test
// runs: an internal test cannot import internal/wstest, which imports
// websockettest, which imports this package.
var serverURL string

// step is one entry of an event trace: what a listener saw, and the state at the time.
type step struct {
	Type   string
	State  string
	Data   string // message: "text:…", "blob:N:…" or "bytes:N:…" (N = length)
	Code   int
	Reason string
	Clean  bool
	Err    bool // error event: Err was set
}

func describeData(d any) string {
	show := func(b []byte) string {
		if len(b) > 16 {
			return string(b[:16]) + "…"
		}
		return string(b)
	}
	switch v := d.(type) {
	case string:
		return "text:" + v
	case *Blob:
		return fmt.Sprintf("blob:%d:%s", v.Size(), show(v.data))
	case []byte:
		return fmt.Sprintf("bytes:%d:%s", len(v), show(v))
	}
	return fmt.Sprintf("other:%T", d)
}

// recorder makes a socket whose every event is recorded, with handlers installed
// through Options so that nothing is missed.
type recorder struct {
	mu    sync.Mutex
	steps []step
	errs  []error // the Err of each error event
	ws    *WebSocket
}

// react lets a scenario act inside listeners.
type react struct {
	open    func(*WebSocket)
	message func(*WebSocket, *MessageEvent)
}

func record(t testing.TB, url string, o Options, r react) *recorder {
	t.Helper()
	rec := &recorder{}
	add := func(s step) {
		rec.mu.Lock()
		rec.steps = append(rec.steps, s)
		rec.mu.Unlock()
	}
	o.OnOpen = func(e *Event) {
		add(step{Type: e.Type, State: e.Target.ReadyState().String()})
		if r.open != nil {
			r.open(e.Target)
		}
	}
	o.OnMessage = func(e *MessageEvent) {
		add(step{Type: e.Type, State: e.Target.ReadyState().String(), Data: describeData(e.Data)})
		if r.message != nil {
			r.message(e.Target, e)
		}
	}
	o.OnError = func(e *Event) {
		add(step{Type: e.Type, State: e.Target.ReadyState().String(), Err: e.Err != nil})
		rec.mu.Lock()
		rec.errs = append(rec.errs, e.Err)
		rec.mu.Unlock()
	}
	o.OnClose = func(e *CloseEvent) {
		add(step{Type: e.Type, State: e.Target.ReadyState().String(), Code: e.Code, Reason: e.Reason, Clean: e.WasClean})
	}
	ws, err := NewWithOptions(url, &o)
	if err != nil {
		t.Fatalf("NewWithOptions(%q): %v", url, err)
	}
	rec.ws = ws
	return rec
}

// wait waits for the socket's close event and returns the trace.
func (rec *recorder) wait(t testing.TB) []step {
	t.Helper()
	select {
	case <-rec.ws.Done():
	case <-time.After(30 * time.Second):
		t.Fatalf("no close event within 30s; trace so far: %+v", rec.snapshot())
	}
	return rec.snapshot()
}

func (rec *recorder) snapshot() []step {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]step(nil), rec.steps...)
}

// Steps, spelled out for expectations.
func opened() step { return step{Type: "open", State: "OPEN"} }
func msg(data string) step {
	return step{Type: "message", State: "OPEN", Data: data}
}
func failed() step { return step{Type: "error", State: "CLOSED", Err: true} }
func closed(code int, reason string, clean bool) step {
	return step{Type: "close", State: "CLOSED", Code: code, Reason: reason, Clean: clean}
}

// srv joins the test server's base URL and a path with query.
func srv(pathQuery string) string {
	return strings.TrimSuffix(serverURL, "/") + pathQuery
}

// netHTTPGet fetches url with net/http (in a page, its transport is fetch).
func netHTTPGet(url string) (status int, body []byte, err error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}
