// Command client is the smallest useful WASM client of the package: it connects,
// prints every message and returns when the socket is closed. Its size, against
// the same program written on syscall/js (../plain), is what the package costs a
// page; .ci/wasmsize checks it (see BENCHMARKS.md, "Binary size").
package main

import (
	"fmt"
	"os"

	"github.com/browserws/websocket"
)

func main() {
	url := "ws://localhost:8080/echo"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	ws, err := websocket.New(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.OnMessage(func(e *websocket.MessageEvent) { fmt.Println(e.Data) })
	<-ws.Done()
}
