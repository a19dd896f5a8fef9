package websocket

import (
	"bytes"
	"testing"
)

// The copies of queued messages (outgoing.owned): equal to the data, never
// sharing the caller's memory, in a buffer of the right class that goes back to
// that class; a message that is not borrowed is kept as it is.
func TestOwnedCopy(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 128, 129, 4096, 1 << 20, 1<<20 + 1} {
		data := bytes.Repeat([]byte{'x'}, n)
		m := outgoing{data: data, borrowed: true}.owned()
		if !bytes.Equal(m.data, data) || m.borrowed {
			t.Fatalf("%d bytes: the copy differs, or is still borrowed", n)
		}
		if n > 0 && &m.data[0] == &data[0] {
			t.Fatalf("%d bytes: the copy shares the caller's memory", n)
		}
		if kept := (outgoing{data: data}).owned(); n > 0 && &kept.data[0] != &data[0] {
			t.Fatalf("%d bytes: a message of its own was copied", n)
		}
		pooled := m.pooled
		if want := n > 0 && n <= 1<<20; pooled != want {
			t.Fatalf("%d bytes: pooled %v, want %v", n, pooled, want)
		}
		if pooled {
			if c := cap(m.data); c < n || c >= 2*max(n, minSendBuf) {
				t.Fatalf("%d bytes: buffer of %d bytes", n, c)
			}
			releaseSendBuf(m) // must find its class without panicking
			if again := (outgoing{data: data, borrowed: true}).owned(); cap(again.data) != cap(m.data) {
				t.Fatalf("%d bytes: a buffer of %d bytes, then %d", n, cap(m.data), cap(again.data))
			}
		}
	}
}

// A queue that never empties keeps its order and does not grow past about twice
// what waits in it.
func TestQueueCompacts(t *testing.T) {
	var q sendQueue
	if !q.turnOrQueue(outgoing{code: -1}) {
		t.Fatal("the first message did not get the turn")
	}
	want := 0
	for i := range 100000 {
		if q.turnOrQueue(outgoing{code: i}) {
			t.Fatalf("message %d got the turn while it was held", i)
		}
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
