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
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/browserws/websocket/examples/chat/chatserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	if err := run(*addr, chatserver.BuildClient, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run takes the port first, and only then builds the WASM client and serves:
// the build takes a while, and a port already in use (a second chat, say) must
// fail at once, not after it.
func run(addr string, build func(dir string) (*chatserver.Client, error), out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("chat: cannot listen on %s (is a chat already running? choose another with -addr): %w", addr, err)
	}
	defer ln.Close()

	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "building the WASM client…")
	client, err := build(dir)
	os.RemoveAll(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "chat: open http://%s/ (terminal client: go run ./examples/chat/term -url ws://%s/ws)\n", ln.Addr(), ln.Addr())
	return http.Serve(ln, chatserver.Site(chatserver.NewHub(), client))
}
