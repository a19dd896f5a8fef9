// Command wstestserver runs the test server of internal/wstest in a process of its
// own, for WASM tests, which cannot listen. It prints its ws:// URL on the first
// line of standard output, then serves until it is interrupted or, with -stdin,
// until its standard input closes.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/browserws/websocket/internal/wstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	stdin := flag.Bool("stdin", false, "stop when standard input closes")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	h := wstest.Handler()
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	fmt.Printf("ws://%s\n", ln.Addr())
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	if *stdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			stop <- os.Interrupt
		}()
	}
	<-stop
	h.Shutdown()
	srv.Close()
}
