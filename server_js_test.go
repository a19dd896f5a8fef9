//go:build js

package websocket_test

import "errors"

// startTestServer cannot run here: WASM cannot listen. A WASM test run without a
// server fails; it never skips.
func startTestServer() (string, func(), error) {
	return "", nil, errors.New("BROWSERWS_TEST_SERVER is not set: start websockettest/cmd/wstestserver and pass its URL (WASM cannot listen)")
}
