//go:build !js

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cws "github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

// checkOutput runs the example against a server made of handler and compares
// what it prints with want.
func checkOutput(t *testing.T, handler http.HandlerFunc, want string) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	if err := run(&out, "ws"+strings.TrimPrefix(srv.URL, "http")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestEchoAsInTheBrowser(t *testing.T) {
	// What the JavaScript original logs in a browser against the same server.
	checkOutput(t, hello, `[open] Connection established
Sending to server
[message] Data received from server: Hello, John!
[close] Connection closed cleanly, code=1000 reason=bye
`)
}

func TestEchoServerDies(t *testing.T) {
	killed := func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, nil)
		if err != nil {
			return
		}
		c.Read(r.Context())
		time.Sleep(50 * time.Millisecond)
		c.CloseNow() // no close frame: the "server process killed" case
	}
	// Chromium shows no error event for a dropped connection, only close 1006.
	checkOutput(t, killed, `[open] Connection established
Sending to server
[close] Connection died
`)
}

func TestEchoBadURL(t *testing.T) {
	if err := run(&bytes.Buffer{}, "ftp://example.com/"); err == nil || !strings.Contains(err.Error(), "SyntaxError") {
		t.Fatalf("run(ftp://…) = %v, want a SyntaxError", err)
	}
}
