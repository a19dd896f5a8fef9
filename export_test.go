package websocket

// The bridge between the internal tests (package websocket) and the external
// ones (package websocket_test). No internal test may import websockettest,
// which imports this package (an import cycle), nor internal/wstest, which is
// built on websockettest; so the test servers are started by TestMain in
// package websocket_test (main_test.go), which hands their URL over here, and
// the few unexported things an external test needs are exposed here.

// SetServerURL sets the ws:// base URL of the shared test server that srv
// joins paths to. TestMain calls it before any test runs.
func SetServerURL(url string) { serverURL = url }

// DispatchRunning reports whether a dispatch of ws's events is under way. The
// external tests of bufferedAmount (buffered_kit_test.go) wait for it to be
// false after "open", so that a Send of theirs is a task of its own rather than
// part of the open listener's, as the internal ones do with ws.events.
func DispatchRunning(ws *WebSocket) bool {
	ws.events.mu.Lock()
	defer ws.events.mu.Unlock()
	return ws.events.running
}
