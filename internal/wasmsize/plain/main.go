//go:build js && wasm

// Command plain is ../client written directly against syscall/js, with fmt: the
// baseline the package's size is measured against (see BENCHMARKS.md, "Binary
// size").
package main

import (
	"fmt"
	"os"
	"syscall/js"
)

func main() {
	url := "ws://localhost:8080/echo"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	ws, err := newWebSocket(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan struct{})
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fmt.Println(args[0].Get("data").String())
		return nil
	})
	onClose := js.FuncOf(func(js.Value, []js.Value) any {
		close(done)
		return nil
	})
	ws.Set("onmessage", onMessage)
	ws.Set("onclose", onClose)
	<-done
	onMessage.Release()
	onClose.Release()
}

// newWebSocket is new WebSocket(url), with the exception it may throw as an error.
func newWebSocket(url string) (ws js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("new WebSocket: %v", r)
		}
	}()
	return js.Global().Get("WebSocket").New(url), nil
}
