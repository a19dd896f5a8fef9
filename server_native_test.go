//go:build !js

package websocket_test

import "github.com/browserws/websocket/internal/wstest"

// startTestServer runs the shared test server in this process.
func startTestServer() (url string, stop func(), err error) {
	s := wstest.Start()
	return "ws" + s.URL[len("http"):], s.Close, nil
}
