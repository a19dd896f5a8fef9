//go:build !js

package websocket_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// One opening handshake at a time per host and port (native_handshake_limit.go),
// seen from a server of the public test kit (websockettest) that holds each
// handshake until the test lets it through. The unit test of the locks is in
// native_handshake_limit_test.go.

// handshakeGate holds the opening handshakes of a kit server (its ?seq= names
// each) until release lets them through, and notes in what order they came and
// how many were held at the server when each came.
type handshakeGate struct {
	mu       sync.Mutex
	changed  chan struct{}
	arrived  []string
	inFlight []int
	held     int
	released map[string]bool
}

// newHandshakeGate starts a kit server whose handshakes g holds; once let
// through, a connection echoes. It returns g and the server's URL.
func newHandshakeGate(t *testing.T) (*handshakeGate, string) {
	g := &handshakeGate{changed: make(chan struct{}), released: map[string]bool{}}
	srv := websockettest.NewServer(t, websockettest.Echo)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		seq := r.URL.Query().Get("seq")
		g.mu.Lock()
		g.arrived = append(g.arrived, seq)
		g.inFlight = append(g.inFlight, g.held)
		g.held++
		g.notify()
		g.mu.Unlock()
		// Until released, or the client gives up (its request's context ends),
		// or 30 s pass.
		released := g.waitFor(r.Context(), 30*time.Second, func() bool { return g.released[seq] })
		g.mu.Lock()
		g.held--
		g.notify()
		g.mu.Unlock()
		if !released {
			return websockettest.Handshake{Status: http.StatusServiceUnavailable}
		}
		return websockettest.Handshake{}
	})
	return g, srv.URL
}

// notify wakes the waiters; g.mu is held.
func (g *handshakeGate) notify() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// waitFor waits until cond (called with g.mu held) is true, ctx ends or d
// passes; it reports whether cond became true.
func (g *handshakeGate) waitFor(ctx context.Context, d time.Duration, cond func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		g.mu.Lock()
		ok, ch := cond(), g.changed
		g.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		case <-timer.C:
			return false
		}
	}
}

// wait waits (up to 30 s) until n handshakes have arrived, and returns the
// arrivals and the handshakes held at each.
func (g *handshakeGate) wait(n int) (arrived []string, inFlight []int) {
	g.waitFor(context.Background(), 30*time.Second, func() bool { return len(g.arrived) >= n })
	return g.state()
}

// waitSeq waits (up to 30 s) until the handshake seq has arrived.
func (g *handshakeGate) waitSeq(seq string) (arrived []string, inFlight []int) {
	g.waitFor(context.Background(), 30*time.Second, func() bool { return slices.Contains(g.arrived, seq) })
	return g.state()
}

func (g *handshakeGate) state() (arrived []string, inFlight []int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.arrived), slices.Clone(g.inFlight)
}

// release lets the handshake seq through.
func (g *handshakeGate) release(seq string) {
	g.mu.Lock()
	g.released[seq] = true
	g.notify()
	g.mu.Unlock()
}

// closeOnOpen closes the socket as soon as it opens.
func closeOnOpen(e *websocket.Event) { e.Target.Close() }

// checkTrace fails t unless the trace and the readyStates are the ones wanted.
func checkTrace(t *testing.T, what string, wantEvents, wantStates []string, wait func() ([]string, []string)) {
	t.Helper()
	events, states := wait()
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("%s: events (-want +got):\n%s", what, diff)
	}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("%s: readyState at each event (-want +got):\n%s", what, diff)
	}
}

var (
	openedAndClosed       = []string{`open protocol="" extensions=""`, `close 1005 "" clean`}
	openedAndClosedStates = []string{"OPEN", "CLOSED"}
	failedToOpen          = []string{`error`, `close 1006 "" not clean`}
	failedToOpenStates    = []string{"CLOSED", "CLOSED"}
)

// Handshakes to one host and port go one at a time: the server, which holds
// each until the test lets it through, never sees a second while one is held.
func TestOneHandshakePerEndpoint(t *testing.T) {
	g, url := newHandshakeGate(t)
	const n = 4
	var waits []func() ([]string, []string)
	for i := 0; i < n; i++ {
		_, _, wait := dialTrace(t, fmt.Sprintf("%s/gated?seq=%d", url, i), &websocket.Options{OnOpen: closeOnOpen})
		waits = append(waits, wait)
	}
	for k := 1; k <= n; k++ {
		arrived, _ := g.wait(k)
		if len(arrived) != k {
			t.Fatalf("after %d released, the server saw %v", k-1, arrived)
		}
		g.release(arrived[k-1])
	}
	for i, wait := range waits {
		checkTrace(t, fmt.Sprintf("socket %d", i), openedAndClosed, openedAndClosedStates, wait)
	}
	arrived, inFlight := g.state()
	if len(arrived) != n || !cmp.Equal(inFlight, make([]int, n)) {
		t.Errorf("the server saw %v, with %v handshakes held at each arrival; want %d, none held", arrived, inFlight, n)
	}
	checkNoLeak(t)
}

// The next handshake starts when the one before failed: by HandshakeTimeout,
// or by Close while CONNECTING (while waiting its turn, too).
func TestHandshakeTurnPassesOnFailure(t *testing.T) {
	g, url := newHandshakeGate(t)
	u := func(seq string) string { return url + "/gated?seq=" + seq }
	_, aRec, a := dialTrace(t, u("a"), &websocket.Options{HandshakeTimeout: 300 * time.Millisecond})
	if arrived, _ := g.wait(1); !cmp.Equal(arrived, []string{"a"}) {
		t.Fatalf("arrived: %v", arrived)
	}
	_, _, b := dialTrace(t, u("b"), &websocket.Options{OnOpen: closeOnOpen})
	cws, cRec, c := dialTrace(t, u("c"), nil)
	cws.Close() // waiting for its turn
	checkTrace(t, "closed while waiting", failedToOpen, failedToOpenStates, c)
	checkTrace(t, "timed out", failedToOpen, failedToOpenStates, a)
	checkErrorEventsHaveErr(t, aRec)
	checkErrorEventsHaveErr(t, cRec)
	if arrived, _ := g.wait(2); !cmp.Equal(arrived, []string{"a", "b"}) {
		t.Fatalf("arrived: %v, want a then b", arrived)
	}
	g.release("b")
	checkTrace(t, "after the others failed", openedAndClosed, openedAndClosedStates, b)
	dws, _, d := dialTrace(t, u("d"), nil)
	dws.Close() // while CONNECTING, holding the turn
	d()
	_, _, e := dialTrace(t, u("e"), &websocket.Options{OnOpen: closeOnOpen})
	arrived, _ := g.waitSeq("e")
	g.release("e")
	checkTrace(t, "after one closed while connecting", openedAndClosed, openedAndClosedStates, e)
	if len(arrived) < 3 || arrived[len(arrived)-1] != "e" {
		t.Errorf("arrived: %v", arrived)
	}
	checkNoLeak(t)
}
