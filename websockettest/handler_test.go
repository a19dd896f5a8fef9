//go:build !js

package websockettest_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/websockettest"
)

// A Handler on a server of the test's own serves the same Conns as a Server:
// its handler runs for each connection, SetHandshake refuses with a status,
// and Close ends the open connections without a close frame (the client sees
// 1006), waits for the handlers and answers later handshakes 503, while the
// caller's server keeps running.
func TestHandler(t *testing.T) {
	t.Run("serve", func(t *testing.T) {
		ended := make(chan *websockettest.CloseError, 1)
		h := websockettest.NewHandler(func(c *websockettest.Conn) {
			websockettest.Echo(c)
			ce, _ := c.WaitClosed(ctx(t))
			ended <- ce
		})
		ts := httptest.NewServer(h)
		defer ts.Close()
		url := "ws" + strings.TrimPrefix(ts.URL, "http")

		c := dial(t, url+"/any", websocket.Options{})
		next(t, c.open, "open event")
		c.ws.Send("hello")
		if got := next(t, c.messages, "echo"); got != "hello" {
			t.Errorf("echo: got %v, want hello", got)
		}

		h.SetHandshake(func(r *http.Request) websockettest.Handshake {
			return websockettest.Handshake{Status: http.StatusTeapot}
		})
		refused := dial(t, url, websocket.Options{})
		var he *websocket.HandshakeError
		if err := next(t, refused.errors, "error event"); !errors.As(err, &he) || he.StatusCode != http.StatusTeapot {
			t.Errorf("refused handshake: error %v, want a HandshakeError with status 418", err)
		}
		next(t, refused.closed, "close event of the refused client")

		if err := h.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if e := next(t, c.closed, "close event"); e.Code != 1006 || e.WasClean {
			t.Errorf("after Close: close event %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
		}
		if ce := next(t, ended, "end of the handler"); ce == nil || ce.Code != 1006 {
			t.Errorf("the server side ended with %v, want 1006", ce)
		}

		h.SetHandshake(nil)
		late := dial(t, url, websocket.Options{})
		if err := next(t, late.errors, "error event"); !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("handshake after Close: error %v, want a HandshakeError with status 503", err)
		}
		next(t, late.closed, "close event of the late client")
		if err := h.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
	leakcheck.Check(t, "of the kit or the client", func(stack string) bool {
		return strings.Contains(stack, "browserws/websocket") && !strings.Contains(stack, "testing.tRunner")
	})
}

func TestNewHandlerNil(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHandler(nil) did not panic")
		}
	}()
	websockettest.NewHandler(nil)
}
