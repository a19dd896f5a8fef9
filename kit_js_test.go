//go:build js

package websocket

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// The command websockettest/cmd/wstestserver serves the kit's behaviours under
// /kit/ and its control endpoints to tests compiled to WASM: an echo through
// /kit/echo, then POST /_control/dropall (only this test's connection, by its
// tag, since the reconnecting package's tests share the server) ends the
// connection without a close frame.
func TestKitEchoAndDropAll(t *testing.T) {
	tag := "kit" + strconv.FormatInt(time.Now().UnixNano(), 36)
	opened := make(chan struct{}, 1)
	got := make(chan any, 1)
	closed := make(chan *CloseEvent, 1)
	ws, err := NewWithOptions(srv("/kit/echo?tag="+tag), &Options{
		OnOpen:    func(*Event) { opened <- struct{}{} },
		OnMessage: func(e *MessageEvent) { got <- e.Data },
		OnClose:   func(e *CloseEvent) { closed <- e },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	waitFor(t, opened, "open event", closed)
	ws.Send("hello kit")
	if m := waitFor(t, got, "echo", closed); m != "hello kit" {
		t.Fatalf("echo: got %v, want hello kit", m)
	}

	control := "http" + strings.TrimPrefix(strings.TrimSuffix(serverURL, "/"), "ws") + "/_control/dropall?tag=" + tag
	status, body, err := httpPost(control)
	if err != nil || status != 200 || !strings.Contains(body, "dropped 1 connection(s)") {
		t.Fatalf("POST %s: status %d %q, %v; want 200 and 1 connection dropped", control, status, body, err)
	}
	e := waitFor(t, closed, "close event after dropall", nil)
	if e.Code != 1006 || e.WasClean {
		t.Errorf("after dropall: close event %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
	}
}

// waitFor waits for a value of ch; a close event first (when closed is not
// nil) or nothing within 30 s fails the test.
func waitFor[T any](t *testing.T, ch <-chan T, what string, closed <-chan *CloseEvent) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case e := <-closed:
		t.Fatalf("close event %d %q before the %s", e.Code, e.Reason, what)
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30s", what)
	}
	var zero T
	return zero
}

// httpPost posts nothing to url with the runtime's fetch (Node's net/http in
// Go does not use fetch) and returns the answer's status and text.
func httpPost(url string) (int, string, error) {
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	var onResp, onText, onErr js.Func
	var st int
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	onText = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{status: st, body: args[0].String()}
		return nil
	})
	onResp = js.FuncOf(func(_ js.Value, args []js.Value) any {
		st = args[0].Get("status").Int()
		args[0].Call("text").Call("then", onText, onErr)
		return nil
	})
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	js.Global().Call("fetch", url, init).Call("then", onResp, onErr)
	select {
	case r := <-done:
		onResp.Release()
		onText.Release()
		onErr.Release()
		return r.status, r.body, r.err
	case <-time.After(30 * time.Second): // the functions stay, for a late answer
		return 0, "", fmt.Errorf("no answer from %s within 30s", url)
	}
}
