//go:build !js

package websocket

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var gateSeq atomic.Int64

type gateState struct {
	Arrived  []string
	InFlight []int
}

// gateOp calls the test server's /gate control (see internal/wstest/gate.go).
func gateOp(t *testing.T, query string) gateState {
	t.Helper()
	u := "http" + strings.TrimPrefix(srv("/gate?"+query), "ws")
	status, body, err := httpGet(u)
	if err != nil || status != 200 {
		t.Fatalf("GET %s: %d %s %v", u, status, body, err)
	}
	var g gateState
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatalf("gate %s: %v", body, err)
	}
	return g
}

// Handshakes to one host and port go one at a time: the server, which holds
// each until the test lets it through, never sees a second while one is held.
func TestOneHandshakePerEndpoint(t *testing.T) {
	key := fmt.Sprint("one-", gateSeq.Add(1))
	const n = 4
	var recs []*recorder
	for i := 0; i < n; i++ {
		recs = append(recs, record(t, srv(fmt.Sprintf("/gated?key=%s&seq=%d", key, i)), Options{}, react{open: func(ws *WebSocket) { ws.Close() }}))
	}
	for k := 1; k <= n; k++ {
		g := gateOp(t, fmt.Sprintf("op=wait&key=%s&n=%d", key, k))
		if len(g.Arrived) != k {
			t.Fatalf("after %d released, the server saw %v", k-1, g.Arrived)
		}
		gateOp(t, fmt.Sprintf("op=release&key=%s&seq=%s", key, g.Arrived[k-1]))
	}
	for i, rec := range recs {
		if diff := cmp.Diff([]step{opened(), closed(1005, "", true)}, rec.wait(t)); diff != "" {
			t.Errorf("socket %d: (-want +got):\n%s", i, diff)
		}
	}
	g := gateOp(t, "op=state&key="+key)
	if len(g.Arrived) != n || !cmp.Equal(g.InFlight, make([]int, n)) {
		t.Errorf("the server saw %v, with %v handshakes held at each arrival; want %d, none held", g.Arrived, g.InFlight, n)
	}
	checkNoLeak(t)
}

// The next handshake starts when the one before failed: by HandshakeTimeout,
// or by Close while CONNECTING (while waiting its turn, too).
func TestHandshakeTurnPassesOnFailure(t *testing.T) {
	key := fmt.Sprint("fail-", gateSeq.Add(1))
	u := func(seq string) string { return srv(fmt.Sprintf("/gated?key=%s&seq=%s", key, seq)) }
	a := record(t, u("a"), Options{HandshakeTimeout: 300 * time.Millisecond}, react{})
	if g := gateOp(t, "op=wait&n=1&key="+key); !cmp.Equal(g.Arrived, []string{"a"}) {
		t.Fatalf("arrived: %v", g.Arrived)
	}
	b := record(t, u("b"), Options{}, react{open: func(ws *WebSocket) { ws.Close() }})
	c := record(t, u("c"), Options{}, react{})
	c.ws.Close() // waiting for its turn
	fail := []step{failed(), closed(1006, "", false)}
	if diff := cmp.Diff(fail, c.wait(t)); diff != "" {
		t.Errorf("closed while waiting: (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(fail, a.wait(t)); diff != "" {
		t.Errorf("timed out: (-want +got):\n%s", diff)
	}
	g := gateOp(t, "op=wait&n=2&key="+key)
	if !cmp.Equal(g.Arrived, []string{"a", "b"}) {
		t.Fatalf("arrived: %v, want a then b", g.Arrived)
	}
	gateOp(t, "op=release&seq=b&key="+key)
	if diff := cmp.Diff([]step{opened(), closed(1005, "", true)}, b.wait(t)); diff != "" {
		t.Errorf("after the others failed: (-want +got):\n%s", diff)
	}
	d := record(t, u("d"), Options{}, react{})
	d.ws.Close() // while CONNECTING, holding the turn
	d.wait(t)
	e := record(t, u("e"), Options{}, react{open: func(ws *WebSocket) { ws.Close() }})
	g = gateOp(t, "op=wait&seq=e&key="+key)
	gateOp(t, "op=release&seq=e&key="+key)
	if diff := cmp.Diff([]step{opened(), closed(1005, "", true)}, e.wait(t)); diff != "" {
		t.Errorf("after one closed while connecting: (-want +got):\n%s", diff)
	}
	if len(g.Arrived) < 3 || g.Arrived[len(g.Arrived)-1] != "e" {
		t.Errorf("arrived: %v", g.Arrived)
	}
	checkNoLeak(t)
}

func TestEndpointLocksFIFO(t *testing.T) {
	var l = endpointLocks{held: map[string][]chan struct{}{}}
	ctx := context.Background()
	first, err := l.lock(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 3)
	for i := 1; i <= 3; i++ {
		ready := make(chan struct{})
		go func() {
			close(ready)
			unlock, err := l.lock(ctx, "k")
			if err != nil {
				t.Error(err)
				return
			}
			got <- i
			unlock()
			unlock() // twice is harmless
		}()
		<-ready
		// Wait until it queues, so that the order is known.
		for {
			l.mu.Lock()
			queued := len(l.held["k"])
			l.mu.Unlock()
			if queued == i {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	first()
	for want := 1; want <= 3; want++ {
		if g := <-got; g != want {
			t.Fatalf("lock %d taken before %d", g, want)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.held) != 0 {
		t.Errorf("locks left: %v", l.held)
	}
}
