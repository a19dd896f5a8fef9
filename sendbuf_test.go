package websocket

import (
	"bytes"
	"runtime"
	"testing"
)

// Send's copies: equal to the data, never sharing the caller's memory, in a
// buffer of the right class that goes back to that class. In WASM nothing is
// copied: the page copies before Send returns (viewForSend).
func TestCopyForSend(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 128, 129, 4096, 1 << 20, 1<<20 + 1} {
		data := bytes.Repeat([]byte{'x'}, n)
		m := copyForSend(data)
		if !bytes.Equal(m.data, data) {
			t.Fatalf("%d bytes: the copy differs", n)
		}
		if shared := n > 0 && &m.data[0] == &data[0]; shared != (runtime.GOOS == "js" && n > 0) {
			t.Fatalf("%d bytes: shares the caller's memory: %v", n, shared)
		}
		if s := copyForSend(string(data)); !bytes.Equal(s.data, data) {
			t.Fatalf("%d bytes: the copy of the string differs", n)
		}
		pooled := m.pooled
		if want := n > 0 && n <= 1<<20 && runtime.GOOS != "js"; pooled != want {
			t.Fatalf("%d bytes: pooled %v, want %v", n, pooled, want)
		}
		if pooled {
			if c := cap(m.data); c < n || c >= 2*max(n, minSendBuf) {
				t.Fatalf("%d bytes: buffer of %d bytes", n, c)
			}
			releaseSendBuf(m) // must find its class without panicking
			if again := copyForSend(data); cap(again.data) != cap(m.data) {
				t.Fatalf("%d bytes: a buffer of %d bytes, then %d", n, cap(m.data), cap(again.data))
			}
		}
	}
}

// A queue that never empties keeps its order and does not grow past about twice
// what waits in it.
func TestQueueCompacts(t *testing.T) {
	var q sendQueue
	want := 0
	for i := range 100000 {
		q.push(outgoing{code: i})
		if i < 10 {
			continue // from now on about ten entries always wait
		}
		m, ok := q.next()
		if !ok || m.code != want {
			t.Fatalf("took %d (%v), want %d", m.code, ok, want)
		}
		want++
	}
	if waiting := len(q.buf) - q.head; waiting != 10 || cap(q.buf) > 64 {
		t.Fatalf("%d entries wait in room for %d", waiting, cap(q.buf))
	}
}
