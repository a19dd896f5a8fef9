//go:build js

package websocket

import (
	"errors"
	"syscall/js"
)

// httpGet fetches url and waits for it: in a page with net/http, whose transport
// is the browser's fetch; under Node, where Go's net/http does not use fetch, with
// fetch called directly. Either way it waits for a JavaScript promise, which is
// what a listener must be able to do without deadlocking the page.
func httpGet(url string) (status int, body []byte, err error) {
	if runtimeName() == "chromium" {
		return netHTTPGet(url)
	}
	type result struct {
		status int
		body   []byte
		err    error
	}
	done := make(chan result, 1)
	var onResp, onText, onErr js.Func
	defer func() { onResp.Release(); onText.Release(); onErr.Release() }()
	var st int
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	onText = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{status: st, body: []byte(args[0].String())}
		return nil
	})
	onResp = js.FuncOf(func(_ js.Value, args []js.Value) any {
		st = args[0].Get("status").Int()
		args[0].Call("text").Call("then", onText, onErr)
		return nil
	})
	js.Global().Call("fetch", url).Call("then", onResp, onErr)
	r := <-done
	return r.status, r.body, r.err
}

// runtimeName names the JavaScript engine under the test: "node" or "chromium".
func runtimeName() string {
	if js.Global().Get("process").Type() == js.TypeObject && js.Global().Get("window").IsUndefined() {
		return "node"
	}
	return "chromium"
}
