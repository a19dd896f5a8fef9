//go:build !js

package wstest

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/browserws/websocket/websockettest"
)

func newGates() *gates {
	return &gates{changed: make(chan struct{}), byKey: map[string]*gate{}}
}

// gates holds handshakes until the test lets them through, to show in what
// order, and how many at a time, a client sends its handshakes.
type gates struct {
	mu      sync.Mutex
	changed chan struct{}
	byKey   map[string]*gate
}

// gate is one key's state: the arrivals, in order, with how many handshakes of
// the key were held at the server when each came; and the seqs let through.
type gate struct {
	Arrived  []string
	InFlight []int
	held     int
	released map[string]bool
}

func (g *gates) get(key string) *gate {
	if g.byKey[key] == nil {
		g.byKey[key] = &gate{released: map[string]bool{}}
	}
	return g.byKey[key]
}

// notify wakes the waiters; g.mu is held.
func (g *gates) notify() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// waitFor waits until cond (called with g.mu held) is true, up to d; it reports
// whether it became true.
func (g *gates) waitFor(d time.Duration, done <-chan struct{}, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		g.mu.Lock()
		ok, ch := cond(), g.changed
		g.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		case <-done:
			return false
		}
	}
}

// gated holds a /gated handshake (?key=&seq=) until /gate?op=release lets
// that seq through, then accepts it as echoing does, and the connection
// echoes (endpoints.go). When 30 s pass first, or the client gives up, or the server
// shuts down, it answers 200 without a body instead.
func (h *handler) gated(r *http.Request) websockettest.Handshake {
	key, seq := r.URL.Query().Get("key"), r.URL.Query().Get("seq")
	g := h.gates
	g.mu.Lock()
	k := g.get(key)
	k.Arrived = append(k.Arrived, seq)
	k.InFlight = append(k.InFlight, k.held)
	k.held++
	g.notify()
	g.mu.Unlock()
	// A client that gives up ends the request: wake the wait below.
	defer context.AfterFunc(r.Context(), func() {
		g.mu.Lock()
		g.notify()
		g.mu.Unlock()
	})()
	released := g.waitFor(30*time.Second, h.done, func() bool { return k.released[seq] || r.Context().Err() != nil })
	g.mu.Lock()
	k.held--
	g.notify()
	g.mu.Unlock()
	if !released || r.Context().Err() != nil {
		return websockettest.Handshake{Status: http.StatusOK}
	}
	return echoing(r)
}

// gateControl: ?op=release&key=&seq= lets a held handshake through;
// ?op=wait&key=&n= waits (up to 10 s) until n handshakes have arrived (with
// &seq=, until that one has) and
// answers the gate's state as JSON (Arrived, InFlight).
func (h *handler) gateControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	key := q.Get("key")
	g := h.gates
	switch q.Get("op") {
	case "release":
		g.mu.Lock()
		g.get(key).released[q.Get("seq")] = true
		g.notify()
		g.mu.Unlock()
	case "wait":
		n, seq := queryInt(r, "n", 1), q.Get("seq")
		g.waitFor(10*time.Second, h.done, func() bool {
			k := g.get(key)
			if seq != "" {
				return slices.Contains(k.Arrived, seq)
			}
			return len(k.Arrived) >= n
		})
	}
	g.mu.Lock()
	b, _ := json.Marshal(g.get(key))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
