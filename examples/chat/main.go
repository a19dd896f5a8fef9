// Command chat is the classic WebSocket chat, in Go on both sides: it builds the
// page's client (Go compiled to WebAssembly with github.com/browserws/websocket),
// serves the page and the room, and prints the URL to open.
//
//	go run ./examples/chat                 # then open the printed URL in a few tabs
//	go run ./examples/chat/term -url …/ws  # the same client code, in a terminal
//
// Every message is cut to 50 characters and sent to everyone in the room.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/browserws/websocket/examples/chat/chatserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()

	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("building the WASM client…")
	client, err := chatserver.BuildClient(dir)
	os.RemoveAll(dir)
	if err != nil {
		log.Fatal(err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("chat: open http://%s/ (terminal client: go run ./examples/chat/term -url ws://%s/ws)\n", ln.Addr(), ln.Addr())
	log.Fatal(http.Serve(ln, chatserver.Site(chatserver.NewHub(), client)))
}
