//go:build !js

package reconnecting_test

import (
	"net"
	"testing"
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
	checkMaxRetries(t, url, 1)
}
