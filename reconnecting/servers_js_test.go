//go:build js

package reconnecting_test

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket/internal/jsfetch"
)

// In WASM the servers are behaviours of the command
// websockettest/cmd/wstestserver: the kit's, under /kit/, and its control
// endpoints, scoped by a tag of the test's own (the command serves the
// tests of every package at once).

func echoURL(*testing.T) string { return srv("/kit/echo") }

func greetURL(_ *testing.T, text string) string {
	frame := append([]byte{0x81, byte(len(text))}, text...) // a text frame, FIN, of at most 125 bytes
	return srv("/kit/frame?hex=" + hex.EncodeToString(frame))
}

func dropURL(*testing.T) string { return srv("/kit/drop") }

func closeURL(_ *testing.T, code int, reason string) string {
	return srv(fmt.Sprintf("/kit/close?now=1&code=%d&reason=%s", code, url.QueryEscape(reason)))
}

func refusingURL(*testing.T) string { return srv("/kit/refuse?status=503") }

// silentURL's handshake is answered after ten minutes: never, for a test.
func silentURL(*testing.T) string { return srv("/kit/late?delay_ms=600000") }

var names atomic.Int64

// restartable is an echo server that the test takes down and brings back:
// the command's /kit/echo with a tag of the test's own, which
// /_control/restart takes down (every connection with the tag ends without a
// close frame; handshakes are refused with 503) until /_control/up.
type restartable struct{ tag string }

func newRestartable(t *testing.T) *restartable {
	s := &restartable{tag: fmt.Sprintf("restart-%d-%d", time.Now().UnixNano(), names.Add(1))}
	t.Cleanup(func() { s.up(t) })
	return s
}

func (s *restartable) echoURL() string   { return srv("/kit/echo?tag=" + s.tag) }
func (s *restartable) down(t *testing.T) { s.control(t, "/_control/restart?down_ms=600000&tag="+s.tag) }
func (s *restartable) up(t *testing.T)   { s.control(t, "/_control/up?tag="+s.tag) }

// control posts to a control endpoint of the command.
func (s *restartable) control(t *testing.T, pathQuery string) {
	t.Helper()
	u := "http" + strings.TrimPrefix(srv(pathQuery), "ws")
	if status, body, err := jsfetch.Post(u); err != nil || status != 200 {
		t.Fatalf("POST %s: status %d %q, %v", u, status, body, err)
	}
}
