//go:build js

// Package jsfetch posts to a URL with the JavaScript runtime's fetch, for the
// WASM tests that drive websockettest/cmd/wstestserver's control endpoints:
// net/http compiled to WASM does not use fetch under Node.
package jsfetch

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"
)

// Post posts nothing to url and returns the answer's status and text, or an
// error when fetch fails or gives no answer within 30 seconds.
func Post(url string) (status int, body string, err error) {
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
