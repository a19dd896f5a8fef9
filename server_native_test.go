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
// of internal/wstest, and /kit/sink (a kit server that reads and drops every
// message and never sends one, for the internal tests of bufferedAmount in
// buffered_test.go, which cannot import the kit), as
// websockettest/cmd/wstestserver serves them (to WASM runs, or to a native
// run given its URL in BROWSERWS_TEST_SERVER).
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
