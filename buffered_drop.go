package websocket

import (
	"sync"
	"sync/atomic"
	"time"
)

// The deferred drop of bufferedAmount.
//
// Why: Chromium lowers bufferedAmount in a task of its own, once the network has
// taken the bytes, so a script reads it unchanged for the rest of the task that
// called send() (conformance row 130). Natively the bytes often reach the kernel
// inside Send itself, so the transport's report (sent) only adds them to those
// drained, and they are taken off between tasks: when the dispatch of an event
// begins and when it ends (handle), and, when no event comes, by a timer, so
// that a goroutine polling BufferedAmount still sees it reach 0. While a
// listener runs nothing falls, not even what another goroutine sent (as in
// Chromium, where nothing changes during a task). In WASM the page's own
// bufferedAmount already behaves so: there sent lowers the count at once
// (deferDrop is false), as the bytes move to the page's count.

// dropDelay is the timer's period: long enough to be well after the Send that
// wrote the bytes, short enough for a goroutine polling the amount. It is an
// atomic only so that a test can lengthen it while older sockets still run.
var dropDelay atomic.Int64

func init() { dropDelay.Store(int64(2 * time.Millisecond)) }

// bufferedDrop holds the bytes written to the network but not yet taken off the
// socket's count (buffered), and the timer that takes them off when no event
// comes. The timer takes off only the bytes that were already written when it
// last fired (old): bytes stay counted for one to two periods, so a Send from a
// goroutine that is no listener still counts its message when it returns. A
// socket that sends nothing arms nothing.
type bufferedDrop struct {
	mu         sync.Mutex
	fresh, old uint64 // written since the timer last fired, and before that
	inTask     bool   // an event is being dispatched: nothing falls until it ends
	armed      atomic.Bool
	timer      *time.Timer // nil until first armed
	stopped    bool        // the socket is CLOSED: nothing is armed again
}

// written reports n bytes on the network (the transport's sent). Inside a
// dispatch the end of that dispatch takes them off; otherwise the timer does.
func (d *bufferedDrop) written(n uint64, buffered *atomic.Uint64) {
	if n == 0 {
		return
	}
	d.mu.Lock()
	d.fresh += n
	if !d.inTask && !d.stopped && !d.armed.Load() {
		d.arm(buffered)
	}
	d.mu.Unlock()
}

// arm sets the timer; d.mu is held.
func (d *bufferedDrop) arm(buffered *atomic.Uint64) {
	d.armed.Store(true)
	delay := time.Duration(dropDelay.Load())
	if d.timer == nil {
		d.timer = time.AfterFunc(delay, func() { d.fire(buffered) })
	} else {
		d.timer.Reset(delay)
	}
}

// fire is the timer's function. Unless an event is being dispatched (whose end
// takes everything off), it takes off old, moves the bytes written since to
// old, and arms itself again for them.
func (d *bufferedDrop) fire(buffered *atomic.Uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.armed.Store(false)
	if d.stopped || d.inTask {
		return
	}
	buffered.Add(-d.old)
	d.old, d.fresh = d.fresh, 0
	if d.old != 0 {
		d.arm(buffered)
	}
}

// begin is called as the dispatch of an event begins, after the last one has
// ended: between tasks, it takes off everything written.
func (d *bufferedDrop) begin(buffered *atomic.Uint64) { d.take(buffered, true) }

// end is called once the event's listeners have all returned: it takes off
// everything written, also while they ran.
func (d *bufferedDrop) end(buffered *atomic.Uint64) { d.take(buffered, false) }

func (d *bufferedDrop) take(buffered *atomic.Uint64, inTask bool) {
	d.mu.Lock()
	buffered.Add(-(d.fresh + d.old))
	d.fresh, d.old, d.inTask = 0, 0, inTask
	d.mu.Unlock()
}

// drained is what was written but is still counted: Send's limit
// (MaxBufferedAmount) is on the bytes the socket holds, not on the count it
// shows.
func (d *bufferedDrop) drained() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fresh + d.old
}

// stop is called as "close" is dispatched: it takes everything off and stops
// the timer, so that a closed socket holds none.
func (d *bufferedDrop) stop(buffered *atomic.Uint64) {
	d.end(buffered)
	d.mu.Lock()
	d.stopped = true
	d.armed.Store(false)
	if d.timer != nil {
		d.timer.Stop()
	}
	d.mu.Unlock()
}
