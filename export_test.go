package websocket

// What the external test package (websocket_test) needs of this package's
// internal tests. The internal tests may not import internal/wstest or
// websockettest (both import this package: an import cycle), so the test
// servers are started by TestMain in package websocket_test (main_test.go) and
// their URLs handed over here.

// SetServerURL sets the ws:// base URL of the shared test server that srv
// joins paths to. TestMain calls it before any test runs.
func SetServerURL(url string) { serverURL = url }
