//go:build !js

package main

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/browserws/websocket/bench/payload"
)

// TestWireSize measures how small each library makes the bench's payload with
// compression on: the bytes a client writes to the server for its first message
// on a connection (frame headers and mask included), counted by a proxy in front
// of the echo server, as a fraction of the message's size. The payload package's
// doc quotes what it logs (go test -v -run WireSize .); it fails if a library
// sends the payload uncompressed (over 60 %), which would make "compression on"
// compare libraries doing different work.
func TestWireSize(t *testing.T) {
	srv := startInProcServer()
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var up atomic.Int64 // client → server bytes, over all connections
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(countingWriter{s, &up}, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	url := "ws://" + ln.Addr().String() + workload{Kind: "rtt", Compress: true}.path()
	for _, l := range libraries {
		if l.only != nil {
			continue
		}
		for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
			c, err := l.dial(url, true)
			if err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			before := up.Load() // the handshake
			// The echo has come back: the whole message has passed the proxy.
			if err := c.roundTrips(1, payload.Of(size)); err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			n := up.Load() - before
			c.close()
			r := float64(n) / float64(size)
			t.Logf("%-24s %8d B: %5.1f %%", l.name, size, 100*r)
			if r > 0.6 {
				t.Errorf("%s sends %d B of the payload as %d B (%.0f %%): not compressed", l.name, size, n, 100*r)
			}
		}
	}
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
