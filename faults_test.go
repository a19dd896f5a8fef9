//go:build !js

package websocket

import (
	"crypto/x509"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/browserws/websocket/internal/wstest"
	"github.com/google/go-cmp/cmp"
)

// A fault before the handshake completes: "error" then "close" 1006, with the
// cause in Event.Err.
func expectHandshakeFault(t *testing.T, url string, o Options, cause func(error) bool) {
	t.Helper()
	rec := record(t, url, o, react{})
	want := []step{failed(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(rec.errs) != 1 || !cause(rec.errs[0]) {
		t.Errorf("error event's Err = %v: not the expected cause", rec.errs)
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
	expectHandshakeFault(t, "ws://"+addr+"/", Options{}, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) })
}

func TestFaultDNSFailure(t *testing.T) {
	expectHandshakeFault(t, "ws://no-such-host.invalid/", Options{}, func(err error) bool {
		var dns *net.DNSError
		return errors.As(err, &dns)
	})
}

func TestFaultUntrustedCertificate(t *testing.T) {
	s := wstest.StartTLS()
	defer s.Close()
	url := "wss" + s.URL[len("https"):] + "/echo"
	expectHandshakeFault(t, url, Options{}, func(err error) bool {
		var unknown x509.UnknownAuthorityError
		return errors.As(err, &unknown)
	})

	// With a client that trusts the server's certificate it opens.
	rec := record(t, url, Options{HTTPClient: s.Client()}, react{open: func(ws *WebSocket) { ws.Send("tls") }, message: func(ws *WebSocket, _ *MessageEvent) { ws.Close() }})
	want := []step{opened(), msg("text:tls"), closed(1005, "", true)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("trusted TLS (-want +got):\n%s", diff)
	}
}

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

// A server that drops the connection in the middle of a fragmented message: the
// part already received is not delivered, and, as in Chromium, only "close" 1006
// follows (coder/websocket alone would report the part as a whole message).
func TestFaultDropMidFragment(t *testing.T) {
	rec := record(t, srv("/fragdrop"), Options{}, react{})
	want := []step{opened(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}
