//go:build js

package websocket

// The parked dispatcher (WASM only).
//
// Why: natively every dispatch is a new goroutine (dispatcher_other.go). In
// WASM, where each round trip is a burst of its own, that made every message a
// new goroutine, whose first stack the listener outgrew (a Send is enough):
// the goroutine's creation, exit and stack growth were about a sixth of the
// page time of a round trip (BenchmarkPagePingPong's profile, BENCHMARKS.md).
// So in WASM one goroutine per socket runs every dispatch, parked on a channel
// between them, and keeps its grown stack. It starts with the socket's first
// event and ends once "close" has been dispatched, so that a finished socket
// holds no goroutine; a socket never used holds none either.

// parkedDispatcher is the socket's dispatcher goroutine between dispatches.
type parkedDispatcher struct {
	// wake starts the next dispatch; nil until the first. Only the caller
	// that set the queue's running, which is one at a time, sends on it, and
	// the goroutine takes each send before the queue can be running again, so
	// one slot is enough and a send never waits.
	wake chan struct{}
}

// startDispatch hands the queue to the socket's dispatcher goroutine, starting
// it for the socket's first dispatch. The caller has just set running.
func (q *eventQueue) startDispatch() {
	if q.parked.wake == nil {
		q.parked.wake = make(chan struct{}, 1)
		go q.parkedLoop(q.parked.wake)
	}
	q.parked.wake <- struct{}{}
}

// parkedLoop is the socket's dispatcher goroutine. A dispatch that returns with
// the queue still running dispatched "close" (it returns otherwise only when
// it found the queue empty, which clears running): nothing follows, and the
// goroutine ends.
func (q *eventQueue) parkedLoop(wake <-chan struct{}) {
	for range wake {
		q.dispatch()
		q.mu.Lock()
		ended := q.running
		q.mu.Unlock()
		if ended {
			return
		}
	}
}

// deferDrop is false in WASM: the transport's sent moves the bytes to the
// page's own bufferedAmount, which falls between tasks already, so the
// socket's count drops at once (buffered_drop.go).
const deferDrop = false
