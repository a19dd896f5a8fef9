//go:build !js

package reconnecting_test

import (
	"testing"

	"github.com/browserws/websocket/reconnecting"
	"github.com/browserws/websocket/websockettest"
)

// Natively the events are recorded by the kit's Recorder.
type (
	recorder = websockettest.Recorder
	event    = websockettest.Event
)

// dial makes a reconnecting socket to url with o and a recorder of its events,
// installed before the first connection starts; the test's cleanup closes the
// socket and waits for its Done.
func dial(t *testing.T, url string, o *reconnecting.Options) (*reconnecting.WebSocket, *recorder) {
	t.Helper()
	return websockettest.DialReconnecting(t, url, o)
}
