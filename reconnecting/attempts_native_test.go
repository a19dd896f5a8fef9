//go:build !js

package reconnecting_test

import (
	"net"
	"testing"

	"github.com/browserws/websocket/reconnecting"
)

// A port where nothing listens refuses the TCP connection itself (the other
// attempt tests meet servers that refuse the handshake): each attempt gives
// "error" and "close" 1006, the retries follow their back-offs, and MaxRetries
// ends them.
func TestMaxRetriesOnAClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ws://" + ln.Addr().String() + "/"
	ln.Close()
	fc := newFakeClock()
	rws, rec := dial(t, url, fc.opts(reconnecting.Options{MaxRetries: 1}))
	for i := 0; i < 2; i++ { // the first connection, then 1 retry
		expect(t, rec, "error")
		expect(t, rec, "close", 1006, false)
		if i < 1 {
			fc.next(t, reconnecting.BackoffTimer).fire(t)
		}
	}
	finished(t, rws, rec)
	if n := rws.RetryCount(); n != 1 || fc.pending(reconnecting.BackoffTimer) != 0 {
		t.Fatalf("RetryCount() = %d, %d more back-off(s); want 1, 0", n, fc.pending(reconnecting.BackoffTimer))
	}
}
