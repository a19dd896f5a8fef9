//go:build !js

package websocket

import "github.com/browserws/websocket/internal/wstest"

// startTestServer runs the test server in this process.
func startTestServer() (url string, stop func(), err error) {
	s := wstest.Start()
	return "ws" + s.URL[len("http"):], s.Close, nil
}
