package websocket

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{
		"ftp://example.com/", "file:///etc/passwd", "ws://example.com/#frag", "ws://example.com/#",
		"ws://", "ws://exa<mple.com/", "ws://example.com:99999/", "javascript:alert(1)", "data:text/plain,x",
	} {
		if _, err := New(u); !errors.Is(err, ErrSyntax) {
			t.Errorf("New(%q) = %v, want an error matching ErrSyntax", u, err)
		}
	}
	// A space in the host is a SyntaxError by the URL standard, and in Node;
	// Chromium escapes it, and so does the native backend (it follows Chromium).
	ws, err := New("ws://exa mple.com/")
	if runtimeName() != "node" {
		if err != nil || ws.URL() != "ws://exa%20mple.com/" {
			t.Fatalf("New(%q) = %v, want what Chromium's WebSocket makes of it, ws://exa%%20mple.com/", "ws://exa mple.com/", err)
		}
		ws.Close()
		<-ws.Done()
	} else if !errors.Is(err, ErrSyntax) {
		t.Errorf("New(%q) = %v, want an error matching ErrSyntax", "ws://exa mple.com/", err)
	}
}

func TestNewRejectsBadProtocols(t *testing.T) {
	for _, p := range [][]string{{"a", "a"}, {"has space"}, {""}, {"a,b"}, {"é"}, {"a/b"}} {
		if _, err := New("ws://127.0.0.1:1/", p...); !errors.Is(err, ErrSyntax) {
			t.Errorf("New with protocols %q = %v, want an error matching ErrSyntax", p, err)
		}
	}
	ws, err := New(srv("/echo"), "A", "a") // case-sensitive: not duplicates
	if runtimeName() == "node" {
		// In WASM the page's constructor decides, and Node's compares protocols
		// case-insensitively (CONFORMANCE.md documents it).
		if !errors.Is(err, ErrSyntax) {
			t.Errorf(`New with protocols ["A","a"] in Node = %v, want ErrSyntax, as Node's WebSocket throws`, err)
		}
		return
	}
	if err != nil {
		t.Fatalf(`New with protocols ["A","a"]: %v`, err)
	}
	ws.Close()
	<-ws.Done()
}

func TestCloseRejectsBadCodesAndReasons(t *testing.T) {
	ws, err := New(srv("/silent"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	for _, code := range []int{0, 999, 1001, 1005, 1006, 2999, 5000, 70000, -1} {
		if err := ws.CloseWithCode(code, ""); !errors.Is(err, ErrInvalidAccess) {
			t.Errorf("CloseWithCode(%d) = %v, want an error matching ErrInvalidAccess", code, err)
		}
	}
	long := strings.Repeat("é", 62) // 124 bytes of UTF-8
	if err := ws.CloseWithCode(1000, long); !errors.Is(err, ErrSyntax) {
		t.Errorf("CloseWithCode(1000, 124 bytes) = %v, want an error matching ErrSyntax", err)
	}
	if err := ws.CloseWithCode(999, long); !errors.Is(err, ErrInvalidAccess) {
		t.Errorf("CloseWithCode(999, 124 bytes) = %v, want ErrInvalidAccess (the code is checked first)", err)
	}
	if got := ws.ReadyState(); got != Connecting {
		t.Errorf("after rejected Close calls ReadyState = %v, want CONNECTING", got)
	}
}

func TestURLSerialization(t *testing.T) {
	for in, want := range map[string]string{
		"ws://example.com":             "ws://example.com/",
		"http://example.com":           "ws://example.com/",
		"https://Example.COM:443/a":    "wss://example.com/a",
		"ws://example.com:80/":         "ws://example.com/",
		"wss://example.com:8443/x?y=z": "wss://example.com:8443/x?y=z",
		"ws://example.com/a b?c d":     "ws://example.com/a%20b?c%20d",
		"WS://example.com/./a/../b":    "ws://example.com/b",
		"ws://[::1]:9000/":             "ws://[::1]:9000/",
		"ws://[0:0::1]:9000/":          "ws://[::1]:9000/",
		"ws://[2001:DB8:0:0:1:0:0:1]/": "ws://[2001:db8::1:0:0:1]/",
		"ws://[1:0:0:2:0:0:0:3]/":      "ws://[1:0:0:2::3]/",
		"ws://[::ffff:1.2.3.4]/":       "ws://[::ffff:102:304]/",
		"  ws://example.com/\t":        "ws://example.com/",
		"ws://user:pw@example.com/":    "ws://user:pw@example.com/",
		"ws://example.com/?":           "ws://example.com/?",
		`ws://example.com\a\b?q=\`:     "ws://example.com/a/b?q=\\",
		"ws://example.com/caf%C3%A9":   "ws://example.com/caf%C3%A9",
		"ws://example.com/?q=\"<x>'":   "ws://example.com/?q=%22%3Cx%3E%27",
	} {
		ws, err := New(in)
		if err != nil {
			t.Errorf("New(%q): %v", in, err)
			continue
		}
		if got := ws.URL(); got != want {
			t.Errorf("New(%q).URL() = %q, want %q", in, got, want)
		}
		ws.Close()
		<-ws.Done()
	}
}

func TestSendAndCloseWhileConnecting(t *testing.T) {
	rec := record(t, srv("/silent"), Options{}, react{})
	ws := rec.ws
	if got := ws.ReadyState(); got != Connecting {
		t.Fatalf("ReadyState right after New = %v, want CONNECTING", got)
	}
	if err := ws.Send("x"); !errors.Is(err, ErrInvalidState) {
		t.Errorf("Send while CONNECTING = %v, want an error matching ErrInvalidState", err)
	}
	if got := ws.BufferedAmount(); got != 0 {
		t.Errorf("BufferedAmount after a refused Send = %d, want 0", got)
	}
	ws.Close()
	// CLOSING at once. In JavaScript the close event waits for a later task; Go has
	// no tasks, so the dispatcher may already have made it CLOSED.
	if got := ws.ReadyState(); got != Closing && got != Closed {
		t.Errorf("ReadyState right after Close while CONNECTING = %v, want CLOSING", got)
	}
	want := []step{failed(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
	if got := ws.ReadyState(); got != Closed {
		t.Errorf("ReadyState after Done = %v, want CLOSED", got)
	}
}

func TestBufferedAmountGrowsAfterClosed(t *testing.T) {
	rec := record(t, srv("/close?code=1000"), Options{}, react{})
	rec.wait(t)
	ws := rec.ws
	before := ws.BufferedAmount()
	if err := ws.Send("hello"); err != nil {
		t.Fatalf("Send after CLOSED: %v", err)
	}
	if err := ws.Send([]byte{1, 2, 3}); err != nil {
		t.Fatalf("Send after CLOSED: %v", err)
	}
	if got := ws.BufferedAmount() - before; got != 8 {
		t.Errorf("BufferedAmount grew by %d after sending 5+3 bytes while CLOSED, want 8", got)
	}
	if err := ws.Send("é"); err != nil || ws.BufferedAmount()-before != 10 {
		t.Errorf("Send(\"é\") while CLOSED: err %v, growth %d, want 10 (UTF-8 length)", err, ws.BufferedAmount()-before)
	}
	if err := ws.Send(42); !errors.Is(err, ErrUnsupportedData) {
		t.Errorf("Send(42) = %v, want ErrUnsupportedData", err)
	}
	ws.Close() // nothing happens when CLOSED
	if got := ws.ReadyState(); got != Closed {
		t.Errorf("ReadyState after Close while CLOSED = %v", got)
	}
}

func TestReadyStateStrings(t *testing.T) {
	got := []string{Connecting.String(), Open.String(), Closing.String(), Closed.String(), ReadyState(7).String()}
	want := []string{"CONNECTING", "OPEN", "CLOSING", "CLOSED", "ReadyState(7)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if Connecting != 0 || Open != 1 || Closing != 2 || Closed != 3 {
		t.Error("ready state values differ from JavaScript's 0–3")
	}
}

func TestBlob(t *testing.T) {
	src := []byte("hello world")
	b := NewBlob(src, "Text/Plain")
	src[0] = 'X'
	if got := b.Text(); got != "hello world" {
		t.Errorf("Blob changed with its source slice: %q", got)
	}
	if b.Type() != "text/plain" || b.Size() != 11 {
		t.Errorf("Type %q Size %d", b.Type(), b.Size())
	}
	out := b.Bytes()
	out[0] = 'Y'
	if b.Text() != "hello world" {
		t.Error("Bytes returned the Blob's own memory")
	}
	cases := []struct {
		s, e int
		want string
	}{{0, 5, "hello"}, {-5, 11, "world"}, {6, -1, "worl"}, {-100, 3, "hel"}, {8, 3, ""}, {0, 100, "hello world"}}
	for _, c := range cases {
		if got := b.Slice(c.s, c.e, "").Text(); got != c.want {
			t.Errorf("Slice(%d, %d) = %q, want %q", c.s, c.e, got, c.want)
		}
	}
	if got := NewBlob(nil, "a\x01b").Type(); got != "" {
		t.Errorf("type with a control character = %q, want \"\"", got)
	}
	if got := NewBlob([]byte{0xff, 'a'}, "").Text(); got != "\uFFFDa" {
		t.Errorf("Text of invalid UTF-8 = %q", got)
	}
}
