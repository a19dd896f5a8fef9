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

	"github.com/browserws/websocket"
)

// In WASM the servers are behaviours of the command
// websockettest/cmd/wstestserver: the kit's under /kit/ where it has them, and
// two of internal/wstest's (also served there) where it has none: /silent (a
// handshake never answered) and /restartable (a server of one's own that the
// test takes down and brings back; the command's /_control/restart takes down
// every connection on the port, those of the other packages' tests that share
// it included, and comes back after a time rather than when the test says).

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

func silentURL(*testing.T) string { return srv("/silent") }

var names atomic.Int64

// restartable is a server of its own that the test takes down and brings back
// on the same port (internal/wstest's Restartable, driven through the
// command's /restartable endpoint): down closes its listener and ends every
// connection without a close frame, so that attempts are refused; up listens
// again.
type restartable struct{ name, base string }

func newRestartable(t *testing.T) *restartable {
	s := &restartable{name: fmt.Sprintf("%s-%d-%d", t.Name(), time.Now().UnixNano(), names.Add(1))}
	s.base = s.do(t, "up")
	t.Cleanup(func() { s.do(t, "down") })
	return s
}

func (s *restartable) echoURL() string   { return s.base + "/echo" }
func (s *restartable) down(t *testing.T) { s.do(t, "down") }
func (s *restartable) up(t *testing.T)   { s.do(t, "up") }

// do asks the command to take s up or down, and returns its URL.
func (s *restartable) do(t *testing.T, what string) string {
	t.Helper()
	var answer atomic.Value
	ws, err := websocket.NewWithOptions(srv("/restartable?name="+s.name+"&do="+what), &websocket.Options{
		OnMessage: func(e *websocket.MessageEvent) { answer.Store(e.Data) },
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ws.Done():
	case <-time.After(wait):
		t.Fatalf("restartable %s: no answer", what)
	}
	a, _ := answer.Load().(string)
	if !strings.HasPrefix(a, "ws://") {
		t.Fatalf("restartable %s: answer %q", what, a)
	}
	return a
}
