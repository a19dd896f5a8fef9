//go:build !js

package websocket

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCheckAnswer(t *testing.T) {
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	const accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" // RFC 6455 §1.3's example
	base := func(extra ...string) http.Header {
		h := http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Accept": {accept}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Add(extra[i], extra[i+1])
		}
		return h
	}
	for _, c := range []struct {
		name    string
		h       http.Header
		offered []string
		ok      bool
	}{
		{"usual", base(), nil, true},
		{"Upgrade in another case", http.Header{"Upgrade": {"WebSocket"}, "Connection": {"keep-alive, upgrade"}, "Sec-Websocket-Accept": {accept}}, nil, true},
		{"Upgrade with two tokens", http.Header{"Upgrade": {"websocket, h2c"}, "Connection": {"Upgrade"}, "Sec-Websocket-Accept": {accept}}, nil, false},
		{"no Connection", http.Header{"Upgrade": {"websocket"}, "Sec-Websocket-Accept": {accept}}, nil, false},
		{"wrong accept", http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Accept": {"x"}}, nil, false},
		{"two Upgrade headers", base("Upgrade", "websocket"), nil, false},
		{"two accepts", base("Sec-WebSocket-Accept", accept), nil, false},
		{"protocol not asked for", base("Sec-WebSocket-Protocol", ""), nil, false},
		{"protocol asked for", base("Sec-WebSocket-Protocol", "a"), []string{"a"}, true},
		{"protocol in another case", base("Sec-WebSocket-Protocol", "A"), []string{"a"}, false},
		{"protocol not offered", base("Sec-WebSocket-Protocol", "b"), []string{"a"}, false},
		{"two protocols", base("Sec-WebSocket-Protocol", "a", "Sec-WebSocket-Protocol", "a"), []string{"a"}, false},
		{"empty extensions", base("Sec-WebSocket-Extensions", " "), nil, false},
		{"unknown extension", base("Sec-WebSocket-Extensions", "x-webkit-deflate-frame"), nil, false},
		{"deflate twice", base("Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate"), nil, false},
		{"deflate", base("Sec-WebSocket-Extensions", "permessage-deflate"), nil, true},
	} {
		if _, err := checkAnswer(c.h, key, c.offered, true); (err == nil) != c.ok {
			t.Errorf("%s: checkAnswer = %v, want ok=%v", c.name, err, c.ok)
		}
	}
	if _, err := checkAnswer(base("Sec-WebSocket-Extensions", "permessage-deflate"), key, nil, false); err == nil {
		t.Errorf("permessage-deflate accepted though not offered")
	}
}

// checkDeflateResponse is parseExtensions's verdict on an answer to the offer.
func checkDeflateResponse(values []string) error {
	_, err := parseExtensions(values, true)
	return err
}

func TestCheckPort(t *testing.T) {
	for origin, blocked := range map[string]bool{
		"ws://example.com": false, "ws://example.com:25": true, "wss://[::1]:6667": true, "ws://[::1]": false,
		"ws://127.0.0.1:8080": false, "ws://h:10080": true,
	} {
		if err := checkPort(origin); (err != nil) != blocked {
			t.Errorf("checkPort(%q) = %v, want blocked=%v", origin, err, blocked)
		}
	}
}

// A refused 101 answer fails at once, as in a browser, even when the server
// keeps the connection open (coder/websocket alone waits 3 s reading it).
func TestRefusedUpgradeFailsAtOnce(t *testing.T) {
	start := time.Now()
	rec := record(t, srv("/badaccept"), Options{}, react{})
	if diff := cmp.Diff([]step{failed(), closed(1006, "", false)}, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the close event came after %v", d)
	}
}

// With Options.PageURL the handshake carries the page's origin as Origin, as a
// browser on that page sends it; an Origin in Options.Header wins.
func TestPageURLSendsOrigin(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{PageURL: "https://app.example:8443/chat/index.html"}, "https://app.example:8443"},
		{Options{PageURL: "http://app.example/", Header: http.Header{"Origin": {"http://mine.example"}}}, "http://mine.example"},
		{Options{}, ""},
	} {
		var got map[string]string
		rec := record(t, srv("/echoheaders"), c.o, react{message: func(ws *WebSocket, e *MessageEvent) {
			if s, ok := e.Data.(string); ok && got == nil {
				if err := json.Unmarshal([]byte(s), &got); err != nil {
					t.Errorf("%s", err)
				}
				ws.Close()
			}
		}})
		rec.wait(t)
		if got["Origin"] != c.want {
			t.Errorf("PageURL %q, Header %v: the server saw Origin %q, want %q", c.o.PageURL, c.o.Header, got["Origin"], c.want)
		}
	}
}
