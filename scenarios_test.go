package websocket

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A scenario is one server behaviour and what a browser shows for it (Chromium
// 156 against internal/testserver). The same table runs natively and, compiled
// to WASM, under Node's and Chromium's own WebSocket.
type scenario struct {
	name      string
	path      string // on the test server; an id=… parameter is added
	opts      Options
	react     react
	want      []step
	serverSaw int // the close code the server must have received; 0: not checked
	// serverSawIn overrides serverSaw for one runtime ("native", "node", "chromium"):
	// what a browser itself sends is the browser's business.
	serverSawIn map[string]int
	nativeOnly  bool // needs an option that browsers do not have
}

var scenarioSeq atomic.Int64

func scenarios() []scenario {
	closeWith := func(code int, reason string) func(*WebSocket, *MessageEvent) {
		return func(ws *WebSocket, _ *MessageEvent) { ws.CloseWithCode(code, reason) }
	}
	return []scenario{
		{
			name:  "echo then close(1000, done)",
			path:  "/echo",
			react: react{open: func(ws *WebSocket) { ws.Send("hello") }, message: closeWith(1000, "done")},
			want:  []step{opened(), msg("text:hello"), closed(1000, "done", true)},
		},
		{
			name: "server closes with 4000 bye",
			path: "/close?code=4000&reason=bye",
			want: []step{opened(), closed(4000, "bye", true)},
		},
		{
			name: "server sends an empty close frame",
			path: "/close?code=1005",
			want: []step{opened(), closed(1005, "", true)},
		},
		{
			name:      "client Close() without code, echoing server",
			path:      "/echo",
			react:     react{open: func(ws *WebSocket) { ws.Close() }},
			want:      []step{opened(), closed(1005, "", true)},
			serverSaw: 1005,
		},
		{
			name: "server drops TCP after the handshake",
			path: "/drop",
			want: []step{opened(), closed(1006, "", false)},
		},
		{
			name: "server sends invalid UTF-8 text",
			path: "/badutf8",
			want: []step{opened(), failed(), closed(1006, "", false)},
			// RFC 6455 says 1007, but Chromium sends 1002, and so does the native
			// backend; Node's WebSocket just drops TCP.
			serverSaw:   1002,
			serverSawIn: map[string]int{"node": -1},
		},
		{
			name: "handshake refused with 403",
			path: "/reject?status=403",
			want: []step{failed(), closed(1006, "", false)},
		},
		{
			name: "server selects a protocol that was not offered",
			path: "/protocol?pick=zzz",
			opts: Options{Protocols: []string{"a", "b"}},
			want: []step{failed(), closed(1006, "", false)},
		},
		{
			name: "server selects no protocol when some were offered",
			path: "/protocol?pick=",
			opts: Options{Protocols: []string{"a"}},
			want: []step{failed(), closed(1006, "", false)},
		},
		{
			name: "server selects a protocol differing only in case",
			path: "/protocol?pick=A",
			opts: Options{Protocols: []string{"a"}},
			want: []step{failed(), closed(1006, "", false)},
		},
		{
			name:  "server selects an offered protocol",
			path:  "/protocol?mode=select",
			opts:  Options{Protocols: []string{"chat", "superchat"}},
			react: react{open: func(ws *WebSocket) { ws.Send(ws.Protocol()) }, message: closeWith(1000, "")},
			want:  []step{opened(), msg("text:chat"), closed(1000, "", true)},
		},
		{
			name: "blob is the default binary type",
			path: "/echo",
			react: react{
				open:    func(ws *WebSocket) { ws.Send([]byte{'a', 'b', 'c'}) },
				message: closeWith(1000, ""),
			},
			want: []step{opened(), msg("blob:3:abc"), closed(1000, "", true)},
		},
		{
			name: "arraybuffer binary type",
			path: "/echo",
			react: react{
				open:    func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer); ws.Send(NewBlob([]byte("xyz"), "")) },
				message: closeWith(1000, ""),
			},
			want: []step{opened(), msg("bytes:3:xyz"), closed(1000, "", true)},
		},
		{
			name: "listener sends 50 ping-pongs then closes",
			path: "/echo",
			react: react{
				open: func(ws *WebSocket) { ws.Send("0") },
				message: func(ws *WebSocket, e *MessageEvent) {
					var n int
					fmt.Sscan(e.Data.(string), &n)
					if n == 49 {
						ws.CloseWithCode(3001, "enough")
						return
					}
					ws.Send(fmt.Sprint(n + 1))
				},
			},
			want: func() []step {
				s := []step{opened()}
				for i := 0; i < 50; i++ {
					s = append(s, msg(fmt.Sprint("text:", i)))
				}
				return append(s, closed(3001, "enough", true))
			}(),
			serverSaw: 3001,
		},
		{
			name: "listener that blocks does not stall the socket",
			path: "/echo",
			react: react{
				open: func(ws *WebSocket) {
					ch := make(chan struct{})
					go func() { time.Sleep(20 * time.Millisecond); close(ch) }()
					<-ch                             // a blocking wait inside a listener
					time.Sleep(5 * time.Millisecond) // a sleep
					// and a request that needs the JavaScript event loop in WASM
					status, _, err := httpGet("http" + strings.TrimPrefix(srv("/record?id=none"), "ws"))
					if err != nil || status != 404 {
						ws.Send(fmt.Sprint("HTTP request from a listener: ", status, err))
						return
					}
					ws.Send("after block")
				},
				message: closeWith(1000, "ok"),
			},
			want: []step{opened(), msg("text:after block"), closed(1000, "ok", true)},
		},
		{
			name:  "server speaks first",
			path:  "/greet?text=hello",
			react: react{message: closeWith(1000, "")},
			want:  []step{opened(), msg("text:hello"), closed(1000, "", true)},
		},
	}
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("sc%d-%d", scenarioSeq.Add(1), time.Now().UnixNano())
			sep := "?"
			if strings.Contains(sc.path, "?") {
				sep = "&"
			}
			rec := record(t, srv(sc.path+sep+"id="+id), sc.opts, sc.react)
			got := rec.wait(t)
			if diff := cmp.Diff(sc.want, got); diff != "" {
				t.Errorf("event trace differs from Chromium's (-want +got):\n%s", diff)
			}
			for _, err := range rec.errs {
				// Every error the package makes starts with "websocket: " and
				// names the socket's URL.
				if msg := err.Error(); !strings.HasPrefix(msg, "websocket: ") || !strings.Contains(msg, rec.ws.URL()) {
					t.Errorf("error event's Err %q: want it to start with \"websocket: \" and name %s", msg, rec.ws.URL())
				}
			}
			want, ok := sc.serverSawIn[runtimeName()]
			if !ok {
				want = sc.serverSaw
			}
			if want != 0 {
				if code := serverCloseCode(t, id); code != want {
					t.Errorf("server received close code %d, want %d", code, want)
				}
			}
		})
	}
}

// serverCloseCode asks the test server which close code the connection with this
// id sent it (-1: none, the TCP connection just ended).
func serverCloseCode(t testing.TB, id string) int {
	t.Helper()
	u := "http" + strings.TrimPrefix(srv("/record?wait_ms=5000&id="+id), "ws")
	status, body, err := httpGet(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	if status != 200 {
		t.Fatalf("GET %s: status %d: %s", u, status, body)
	}
	var r struct{ Code int }
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("record %s: %v", body, err)
	}
	return r.Code
}
