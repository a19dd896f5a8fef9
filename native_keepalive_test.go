//go:build !js

package websocket_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// Keepalive pings (native_keepalive.go), against servers of the public test kit
// (websockettest).

// pingServer starts a kit server behind a kit proxy, which counts the pings
// the client sends (pings); with read false the server stops reading at once,
// so it never answers one, else it echoes (and answers every ping). url is the
// proxy's.
func pingServer(t *testing.T, read bool) (url string, pings func() int) {
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		if !read {
			c.StopReading()
			<-c.Done()
			return
		}
		websockettest.Echo(c)
	})
	proxy := websockettest.NewProxy(t, srv.URL)
	return proxy.URL, func() int {
		n := 0
		for _, c := range proxy.Conns() {
			for _, f := range c.Frames() {
				if f.Dir == websockettest.ToServer && f.Frame.Opcode == websockettest.OpPing {
					n++
				}
			}
		}
		return n
	}
}

func TestPingTimeoutFailsTheConnection(t *testing.T) {
	// The server stops reading: no pong comes back, and the connection fails
	// after the interval and the timeout.
	url, _ := pingServer(t, false)
	_, rec, wait := dialTrace(t, url, &websocket.Options{PingInterval: 100 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
	events, states := wait()
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `error`, `close 1006 "" not clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	var errs []error
	for _, e := range rec.Events() {
		if e.Type == websocket.TypeError {
			errs = append(errs, e.Err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], websocket.ErrPingTimeout) {
		t.Errorf("error event's Err = %v, want ErrPingTimeout", errs)
	}
	if len(errs) == 1 && !strings.HasPrefix(errs[0].Error(), "websocket: ") || !strings.Contains(errs[0].Error(), url) {
		t.Errorf("Err %q should start with websocket: and name %s", errs[0], url)
	}
	checkNoLeak(t)
}

func TestAnsweredPingsKeepTheConnection(t *testing.T) {
	// An answering server is never failed: 10 pings go by, then a clean close.
	url, pings := pingServer(t, true)
	ws, _, wait := dialTrace(t, url, &websocket.Options{PingInterval: 20 * time.Millisecond, PingTimeout: 10 * time.Second})
	deadline := time.Now().Add(30 * time.Second)
	for pings() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d pings in 30 s", pings())
		}
		time.Sleep(10 * time.Millisecond)
	}
	ws.Close()
	events, states := wait()
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `close 1005 "" clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}

func TestNoPingsByDefault(t *testing.T) {
	// As browsers: PingInterval 0 sends none, however long the socket lives.
	url, pings := pingServer(t, true)
	const n = 50
	count := 0
	_, _, wait := dialTrace(t, url, &websocket.Options{
		OnOpen: func(e *websocket.Event) { e.Target.Send("0") },
		OnMessage: func(e *websocket.MessageEvent) {
			if count++; count == n {
				time.Sleep(300 * time.Millisecond)
				e.Target.Close()
				return
			}
			e.Target.Send("x")
		},
	})
	wait()
	if count != n {
		t.Errorf("%d echoes, want %d", count, n)
	}
	if p := pings(); p != 0 {
		t.Errorf("the server received %d pings with PingInterval 0", p)
	}
}

// The pings stop once the closing handshake has begun: a server that sent its
// close frame answers no ping (and keeps TCP open here, for up to 5 s), and the
// close is Chromium's clean one after its 2 s wait, not a ping timeout. The
// close frame comes in the same write as the 101 answer, so that no ping is
// due before it, however late the machine runs.
func TestNoPingTimeoutDuringTheClosingHandshake(t *testing.T) {
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			c.Drop()
		}
	})
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		return websockettest.Handshake{NoCloseReply: true, Raw: []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + websockettest.AcceptKey(r.Header.Get("Sec-WebSocket-Key")) + "\r\n\r\n\x88\x02\x03\xe8")}
	})
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{PingInterval: 50 * time.Millisecond, PingTimeout: 50 * time.Millisecond})
	events, states := wait()
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `close 1000 "" clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
}
