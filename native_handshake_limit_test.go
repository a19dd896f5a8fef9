//go:build !js

package websocket

import (
	"context"
	"testing"
	"time"
)

// The locks of native_handshake_limit.go; how they order the handshakes a
// server sees is tested with the public test kit, in
// native_handshake_limit_kit_test.go.

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
