//go:build !js

package websocket_test

import (
	"context"
	"net/http"
	"net/http/httptest"

	"github.com/browserws/websocket/internal/wstest"
	"github.com/browserws/websocket/websockettest"
)

// startTestServer runs the shared test server in this process: the endpoints
// of internal/wstest, as websockettest/cmd/wstestserver serves them to WASM
// runs, and, for native runs only, /kit/sink: a server of the public test kit
// that reads and drops every message and never sends one, for the internal
// tests of bufferedAmount (buffered_test.go), which cannot import the kit.
func startTestServer() (url string, stop func(), err error) {
	own := wstest.Handler()
	sink := websockettest.NewHandler(func(c *websockettest.Conn) {
		for {
			if _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	})
	mux := http.NewServeMux()
	mux.Handle("/kit/sink", sink)
	mux.Handle("/", own)
	s := httptest.NewServer(mux)
	return "ws" + s.URL[len("http"):], func() {
		sink.Close()
		own.Shutdown()
		s.Close()
	}, nil
}
