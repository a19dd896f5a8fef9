//go:build !js

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket/bench/payload"
	cws "github.com/coder/websocket"
)

// TestNodePayload runs node/bench.mjs, as the bench command does, against an echo
// server that checks every binary message against payload.Of: Node must send
// the Go clients' bytes.
func TestNodePayload(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node")
	}
	var good, bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if typ == cws.MessageBinary {
				if bytes.Equal(b, payload.Of(len(b))) {
					good.Add(1)
				} else {
					bad.Add(1)
				}
			}
			if c.Write(r.Context(), typ, b) != nil {
				return
			}
		}
	}))
	defer srv.Close()
	defer func(d time.Duration) { *flagTime = d }(*flagTime)
	*flagTime = 5 * time.Millisecond
	res := &results{Node: map[string][]sample{}}
	for _, s := range []int{16, 1 << 10, 64 << 10} {
		res.Workloads = append(res.Workloads, workload{Kind: "rtt", Size: s})
	}
	n := newNodeRunner("ws"+strings.TrimPrefix(srv.URL, "http"), res)
	if n == nil {
		t.Fatal(res.Errors)
	}
	defer n.cleanup()
	n.round(0, res)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if bad.Load() > 0 || good.Load() == 0 || len(res.Node) != len(res.Workloads) {
		t.Fatalf("Node sent %d messages equal to the payload, %d different; %d of %d workloads measured", good.Load(), bad.Load(), len(res.Node), len(res.Workloads))
	}
	t.Logf("Node sent %d messages, all the payload's bytes", good.Load())
}
