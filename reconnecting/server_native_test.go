//go:build !js

package reconnecting

import "github.com/browserws/websocket/internal/wstest"

// startTestServer runs the test server in this process.
func startTestServer() (url string, stop func(), err error) {
	s := wstest.Start()
	return s.WSURL(), s.Close, nil
}

// native tells the backend under test: the native one here.
const native = true
