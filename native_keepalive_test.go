//go:build !js

package websocket

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cws "github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

// pingServer counts the pings it receives; with read false it never reads, so
// it never answers one.
func pingServer(t *testing.T, read bool) (url string, pings *atomic.Int32) {
	pings = new(atomic.Int32)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{
			OnPingReceived: func(context.Context, []byte) bool { pings.Add(1); return true },
		})
		if err != nil {
			return
		}
		defer c.CloseNow()
		if !read {
			<-r.Context().Done()
			return
		}
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(r.Context(), typ, b)
		}
	}))
	t.Cleanup(s.Close)
	return "ws" + strings.TrimPrefix(s.URL, "http"), pings
}

func TestPingTimeoutFailsTheConnection(t *testing.T) {
	// The server stops reading: no pong comes back, and the connection fails
	// after the interval and the timeout.
	url, _ := pingServer(t, false)
	rec := record(t, url, Options{PingInterval: 100 * time.Millisecond, PingTimeout: 200 * time.Millisecond}, react{})
	got := rec.wait(t)
	want := []step{opened(), failed(), closed(1006, "", false)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(rec.errs) != 1 || !errors.Is(rec.errs[0], ErrPingTimeout) {
		t.Errorf("error event's Err = %v, want ErrPingTimeout", rec.errs)
	}
	if len(rec.errs) == 1 && !strings.HasPrefix(rec.errs[0].Error(), "websocket: ") || !strings.Contains(rec.errs[0].Error(), url) {
		t.Errorf("Err %q should start with websocket: and name %s", rec.errs[0], url)
	}
	checkNoLeak(t)
}

func TestAnsweredPingsKeepTheConnection(t *testing.T) {
	// An answering server is never failed: 10 pings go by, then a clean close.
	url, pings := pingServer(t, true)
	rec := record(t, url, Options{PingInterval: 20 * time.Millisecond, PingTimeout: 10 * time.Second}, react{})
	deadline := time.Now().Add(30 * time.Second)
	for pings.Load() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d pings in 30 s", pings.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	rec.ws.Close()
	want := []step{opened(), closed(1005, "", true)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}

func TestNoPingsByDefault(t *testing.T) {
	// As browsers: PingInterval 0 sends none, however long the socket lives.
	url, pings := pingServer(t, true)
	const n = 50
	count := 0
	rec := record(t, url, Options{}, react{
		open: func(ws *WebSocket) { ws.Send("0") },
		message: func(ws *WebSocket, e *MessageEvent) {
			if count++; count == n {
				time.Sleep(300 * time.Millisecond)
				ws.Close()
				return
			}
			ws.Send("x")
		},
	})
	rec.wait(t)
	if p := pings.Load(); p != 0 {
		t.Errorf("the server received %d pings with PingInterval 0", p)
	}
}

// The pings stop once the closing handshake has begun: a server that sent its
// close frame answers no ping (and keeps TCP open here), and the close is
// Chromium's clean one after its 2 s wait, not a ping timeout.
func TestNoPingTimeoutDuringTheClosingHandshake(t *testing.T) {
	rec := record(t, srv("/raw?hex=880203e8&hold_ms=5000"), Options{PingInterval: 50 * time.Millisecond, PingTimeout: 50 * time.Millisecond}, react{})
	if diff := cmp.Diff([]step{opened(), closed(1000, "", true)}, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
