//go:build !js

package websocket

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The rest of the fault matrix is in faults_kit_test.go, written with the
// public test kit (websockettest). This case stays here: it shortens the
// package variable closingHandshakeTimeout, which an external test cannot
// reach, and without it the test would take Chromium's full 60 s.

// A server that never answers the close frame: the socket still reaches CLOSED,
// not clean, after Chromium's closing handshake timeout (60 s; shortened here).
func TestFaultServerIgnoresCloseFrame(t *testing.T) {
	defer func(d time.Duration) { closingHandshakeTimeout = d }(closingHandshakeTimeout)
	closingHandshakeTimeout = time.Second
	start := time.Now()
	rec := record(t, srv("/noclose"), Options{}, react{open: func(ws *WebSocket) { ws.CloseWithCode(1000, "") }})
	want := []step{opened(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	t.Logf("closed after %v", time.Since(start).Round(time.Millisecond))
	checkNoLeak(t)
}
