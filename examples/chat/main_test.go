package main

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/browserws/websocket/examples/chat/chatserver"
)

// A port already in use fails at once, before the WASM client is built.
func TestPortInUseFailsBeforeTheBuild(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	built := false
	err = run(ln.Addr().String(), func(string) (*chatserver.Client, error) {
		built = true
		return nil, errors.New("not built in this test")
	}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("run on a port in use = %v, want address already in use", err)
	}
	if built {
		t.Fatal("the WASM client was built before the port was checked")
	}
}
