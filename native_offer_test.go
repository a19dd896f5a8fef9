//go:build !js

package websocket

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var offerSeq atomic.Int64

// The handshake request carries Chromium's extension offer and protocol list
// formatting, and its cache headers.
func TestHandshakeRequestAsChromium(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want map[string]string
	}{
		{"default", Options{}, map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
			"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits", "Sec-WebSocket-Protocol": "",
			"Pragma": "no-cache", "Cache-Control": "no-cache"}},
		{"protocols", Options{Protocols: []string{"soap", "wamp"}}, map[string]string{"Connection": "Upgrade", "Upgrade": "websocket",
			"Sec-WebSocket-Version": "13", "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
			"Sec-WebSocket-Protocol": "soap, wamp", "Pragma": "no-cache", "Cache-Control": "no-cache"}},
		{"no compression, own cache header", Options{DisableCompression: true, Header: http.Header{"Cache-Control": {"max-age=0"}}},
			map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
				"Sec-WebSocket-Extensions": "", "Sec-WebSocket-Protocol": "", "Pragma": "no-cache", "Cache-Control": "max-age=0"}},
	} {
		var got map[string]string
		rec := record(t, srv("/requestheaders"), c.o, react{message: func(ws *WebSocket, e *MessageEvent) {
			if err := json.Unmarshal([]byte(e.Data.(string)), &got); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			ws.Close()
		}})
		if trace := rec.wait(t); len(trace) != 3 {
			t.Fatalf("%s: trace %+v", c.name, trace)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: headers the server saw (-want +got):\n%s", c.name, diff)
		}
	}
}

// A server that limits the client's window to 12 bits (as Python's websockets
// does when offered client_max_window_bits) is accepted; Extensions() reports its
// answer as sent; the client's messages reach it uncompressed, whatever their
// size; the server's compressed messages are read.
func TestSmallClientWindow(t *testing.T) {
	id := fmt.Sprint("window-", offerSeq.Add(1))
	big := strings.Repeat("a window of 4 KiB must do; ", 2000) // 54 KB, very compressible
	sent := []string{"small", big, strings.Repeat("x", 127), strings.Repeat("y", 128)}
	var ext string
	var got []string
	rec := record(t, srv("/smallwindow?id="+id), Options{}, react{
		open: func(ws *WebSocket) {
			ext = ws.Extensions()
			for _, s := range sent {
				ws.Send(s)
			}
			ws.Send([]byte(big))
		},
		message: func(ws *WebSocket, e *MessageEvent) {
			switch d := e.Data.(type) {
			case string:
				got = append(got, d)
			case *Blob:
				got = append(got, "blob:"+d.Text())
			}
			if len(got) == len(sent)+1 {
				ws.Close()
			}
		},
	})
	trace := rec.wait(t)
	if want := "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12"; ext != want {
		t.Errorf("Extensions() = %q, want %q", ext, want)
	}
	if diff := cmp.Diff(append(sent, "blob:"+big), got); diff != "" {
		t.Errorf("echoed messages (-want +got):\n%s", diff)
	}
	if last := trace[len(trace)-1]; last != closed(1005, "", true) {
		t.Errorf("trace %+v", trace)
	}
	r := serverRecord(t, id)
	if r.Code != 1005 || r.Err != "" {
		t.Errorf("the server saw close code %d and %q", r.Code, r.Err)
	}
}

// serverRecord returns what the test server recorded of the connection id.
func serverRecord(t *testing.T, id string) (r struct {
	Code        int
	Reason, Err string
}) {
	t.Helper()
	u := "http" + strings.TrimPrefix(srv("/record?wait_ms=5000&id="+id), "ws")
	status, body, err := httpGet(u)
	if err != nil || status != 200 {
		t.Fatalf("GET %s: %d %s %v", u, status, body, err)
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("record %s: %v", body, err)
	}
	return r
}

func TestCheckDeflateResponseClientWindow(t *testing.T) {
	for ext, ok := range map[string]bool{
		"permessage-deflate; client_max_window_bits=12":  true,
		"permessage-deflate; client_max_window_bits=8":   true,
		"permessage-deflate; client_max_window_bits=15":  true,
		"permessage-deflate; client_max_window_bits":     false,
		"permessage-deflate; client_max_window_bits=7":   false,
		"permessage-deflate; client_max_window_bits=16":  false,
		"permessage-deflate; client_max_window_bits=012": false,
	} {
		if err := checkDeflateResponse([]string{ext}); (err == nil) != ok {
			t.Errorf("checkDeflateResponse(%q) = %v, want ok=%v", ext, err, ok)
		}
	}
}

// A refused handshake's error event carries a *HandshakeError with the status,
// the answer's headers and the socket's URL.
func TestHandshakeErrorTyped(t *testing.T) {
	for _, c := range []struct {
		path, header, value string
		status              int
	}{
		{"/reject?status=403", "", "", 403},
		{"/reject?status=404", "", "", 404},
		{"/auth", "Www-Authenticate", `Basic realm="test"`, 401},
		{"/redirect", "Location", "/echo", 302},
	} {
		url := srv(c.path)
		rec := record(t, url, Options{}, react{})
		if diff := cmp.Diff([]step{failed(), closed(1006, "", false)}, rec.wait(t)); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", c.path, diff)
		}
		var he *HandshakeError
		if len(rec.errs) != 1 || !errors.As(rec.errs[0], &he) {
			t.Fatalf("%s: error event's Err = %v, not a *HandshakeError", c.path, rec.errs)
		}
		if he.StatusCode != c.status || he.URL != url {
			t.Errorf("%s: HandshakeError{StatusCode: %d, URL: %q}, want %d, %q", c.path, he.StatusCode, he.URL, c.status, url)
		}
		if c.header != "" && (len(he.Header[c.header]) != 1 || he.Header[c.header][0] != c.value) {
			t.Errorf("%s: Header[%s] = %q, want %q", c.path, c.header, he.Header[c.header], c.value)
		}
		msg := he.Error()
		if !strings.HasPrefix(msg, "websocket: ") || !strings.Contains(msg, url) || !strings.Contains(msg, fmt.Sprint(c.status)) ||
			strings.Contains(msg, "http://") {
			t.Errorf("%s: Error() = %q", c.path, msg)
		}
		if c.status == 302 && !strings.Contains(msg, "/echo") {
			t.Errorf("%s: Error() = %q does not say where the redirect goes", c.path, msg)
		}
	}
	checkNoLeak(t)
}

// Every failure to connect reads "websocket: …", names the ws: URL and never an
// http:// one, and keeps its cause for errors.As.
func TestConnectErrorsNameTheURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "ws://" + ln.Addr().String() + "/x"
	ln.Close()
	for _, c := range []struct {
		url   string
		cause func(error) bool
	}{
		{"ws://no-such-host.invalid/chat", func(err error) bool { var d *net.DNSError; return errors.As(err, &d) }},
		{dead, func(err error) bool { var o *net.OpError; return errors.As(err, &o) }},
		{srv("/badaccept"), func(err error) bool { return true }},
		{srv("/protocol?pick=other"), func(err error) bool { return true }},
	} {
		rec := record(t, c.url, Options{}, react{})
		rec.wait(t)
		if len(rec.errs) != 1 || rec.errs[0] == nil {
			t.Fatalf("%s: error events %v", c.url, rec.errs)
		}
		msg := rec.errs[0].Error()
		if !strings.HasPrefix(msg, "websocket: ") || !strings.Contains(msg, c.url) || strings.Contains(msg, "http://") ||
			strings.Contains(msg, "failed to WebSocket dial") {
			t.Errorf("%s: Err = %q", c.url, msg)
		}
		if !c.cause(rec.errs[0]) {
			t.Errorf("%s: Err = %q has lost its cause", c.url, msg)
		}
	}
}
