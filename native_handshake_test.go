//go:build !js

package websocket

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCheckHandshakeResponse(t *testing.T) {
	base := func(extra ...string) http.Header {
		h := http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Accept": {"x"}}
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
		{"Upgrade in another case", http.Header{"Upgrade": {"WebSocket"}, "Sec-Websocket-Accept": {"x"}}, nil, true},
		{"Upgrade with two tokens", http.Header{"Upgrade": {"websocket, h2c"}, "Sec-Websocket-Accept": {"x"}}, nil, false},
		{"two Upgrade headers", base("Upgrade", "websocket"), nil, false},
		{"two accepts", base("Sec-WebSocket-Accept", "x"), nil, false},
		{"protocol not asked for", base("Sec-WebSocket-Protocol", ""), nil, false},
		{"protocol asked for", base("Sec-WebSocket-Protocol", "a"), []string{"a"}, true},
		{"two protocols", base("Sec-WebSocket-Protocol", "a", "Sec-WebSocket-Protocol", "a"), []string{"a"}, false},
		{"empty extensions", base("Sec-WebSocket-Extensions", " "), nil, false},
	} {
		if err := checkHandshakeResponse(c.h, c.offered); (err == nil) != c.ok {
			t.Errorf("%s: checkHandshakeResponse = %v, want ok=%v", c.name, err, c.ok)
		}
	}
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
