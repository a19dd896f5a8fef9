//go:build !js

package websocket_test

// The fault matrix, written with the public test kit (issue #22): what a
// page's socket sees when the network or the server fails. The one case that
// needs the package's internals, a server that never answers the close frame
// (it shortens the package's closingHandshakeTimeout), stays in faults_test.go.

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// faultWait bounds the wait for a socket's close event.
const faultWait = 30 * time.Second

// ownGoroutine reports whether a goroutine's stack is package websocket's (not
// its tests', nor the kit's: "websockettest.(*" does not contain
// "websocket.(*").
func ownGoroutine(g string) bool {
	return strings.Contains(g, "browserws/websocket.(*") && !strings.Contains(g, "_test.go")
}

// checkNoLeak fails t if goroutines of the package outlive the test by 5 s.
func checkNoLeak(t *testing.T) {
	t.Helper()
	leakcheck.Check(t, "of the package", ownGoroutine)
}

// faultDial dials url through the kit's recorder, with o's handlers (o may be
// nil) wrapped so that the readyState at each event is noted too: the one-line
// text forms do not show it. It returns the recorder and a function that waits
// for the close event and returns the trace and the states.
func faultDial(t *testing.T, url string, o *websocket.Options) (*websockettest.Recorder, func() ([]string, []string)) {
	t.Helper()
	var opts websocket.Options
	if o != nil {
		opts = *o
	}
	var mu sync.Mutex
	var states []string
	note := func(ws *websocket.WebSocket) {
		mu.Lock()
		states = append(states, ws.ReadyState().String())
		mu.Unlock()
	}
	onOpen, onMessage, onError, onClose := opts.OnOpen, opts.OnMessage, opts.OnError, opts.OnClose
	opts.OnOpen = func(e *websocket.Event) {
		note(e.Target)
		if onOpen != nil {
			onOpen(e)
		}
	}
	opts.OnMessage = func(e *websocket.MessageEvent) {
		note(e.Target)
		if onMessage != nil {
			onMessage(e)
		}
	}
	opts.OnError = func(e *websocket.Event) {
		note(e.Target)
		if onError != nil {
			onError(e)
		}
	}
	opts.OnClose = func(e *websocket.CloseEvent) {
		note(e.Target)
		if onClose != nil {
			onClose(e)
		}
	}
	_, rec := websockettest.Dial(t, url, &opts)
	return rec, func() ([]string, []string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), faultWait)
		defer cancel()
		if _, err := rec.WaitFor(ctx, "close"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return rec.Strings(), append([]string(nil), states...)
	}
}

// A fault before the handshake completes: "error" then "close" 1006, both
// while CLOSED, with the cause in the error event's Err.
func expectHandshakeFault(t *testing.T, url string, o *websocket.Options, cause func(error) bool) {
	t.Helper()
	rec, wait := faultDial(t, url, o)
	events, states := wait()
	if diff := cmp.Diff([]string{`error`, `close 1006 "" not clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CLOSED", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	var errs []error
	for _, e := range rec.Events() {
		if e.Type == websocket.TypeError {
			errs = append(errs, e.Err)
		}
	}
	if len(errs) != 1 || errs[0] == nil || !cause(errs[0]) {
		t.Errorf("error event's Err = %v: not the expected cause", errs)
	}
	checkNoLeak(t)
}

func TestFaultConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	expectHandshakeFault(t, "ws://"+addr+"/", nil, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) })
}

func TestFaultDNSFailure(t *testing.T) {
	expectHandshakeFault(t, "ws://no-such-host.invalid/", nil, func(err error) bool {
		var dns *net.DNSError
		return errors.As(err, &dns)
	})
}

func TestFaultUntrustedCertificate(t *testing.T) {
	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	url := srv.URL + "/echo"
	expectHandshakeFault(t, url, nil, func(err error) bool {
		var unknown x509.UnknownAuthorityError
		return errors.As(err, &unknown)
	})

	// With a client that trusts the server's certificate it opens.
	o := srv.Options()
	o.OnOpen = func(e *websocket.Event) { e.Target.Send("tls") }
	o.OnMessage = func(e *websocket.MessageEvent) { e.Target.Close() }
	_, wait := faultDial(t, url, &o)
	events, states := wait()
	want := []string{`open protocol="" extensions=""`, `message text "tls"`, `close 1005 "" clean`}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("trusted TLS events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("trusted TLS readyState at each event (-want +got):\n%s", diff)
	}
}

// A server that drops the connection in the middle of a fragmented message: the
// part already received is not delivered, and, as in Chromium, only "close" 1006
// follows (coder/websocket alone would report the part as a whole message).
func TestFaultDropMidFragment(t *testing.T) {
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		// FIN=0, text, "hel": the first fragment of a message never finished.
		if err := c.WriteFrame(websockettest.Frame{Opcode: websockettest.OpText, Payload: []byte("hel")}); err != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
		c.Drop()
	})
	_, wait := faultDial(t, srv.URL+"/fragdrop", nil)
	events, states := wait()
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `close 1006 "" not clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}
