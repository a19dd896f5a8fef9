//go:build !js

package websocket_test

// The fault matrix, written with the public test kit (issue #22): what a
// page's socket sees when the network or the server fails. The one case that
// needs the package's internals, a server that never answers the close frame
// (it shortens the package's closingHandshakeTimeout), stays in faults_test.go.

import (
	"crypto/x509"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// A fault before the handshake completes: "error" then "close" 1006, both
// while CLOSED, with the cause in the error event's Err.
func expectHandshakeFault(t *testing.T, url string, o *websocket.Options, cause func(error) bool) {
	t.Helper()
	_, rec, wait := dialTrace(t, url, o)
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
	_, _, wait := dialTrace(t, url, &o)
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
	_, _, wait := dialTrace(t, srv.URL+"/fragdrop", nil)
	events, states := wait()
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `close 1006 "" not clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}
