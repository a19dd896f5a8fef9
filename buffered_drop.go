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
// inside Send itself, so sent only adds them to those drained, which are taken
// off between tasks: as the dispatch of an event begins and ends (handle), and,
// when no event comes, by a timer, so that a goroutine polling BufferedAmount
// sees it reach 0. In WASM the page's own bufferedAmount behaves so already.

// dropDelay is the timer's period: well after the Send that wrote the bytes, and
// soon for a goroutine polling. An atomic so that a test can lengthen it.
var dropDelay atomic.Int64

func init() { dropDelay.Store(int64(2 * time.Millisecond)) }

// bufferedDrop holds the bytes written but not yet taken off the socket's count
// (buffered), and the timer that takes them off when no event comes: only those
// already written when it last fired (old), so bytes stay counted for one to two
// periods and a Send from a goroutine that is no listener still counts its
// message when it returns. A socket that sends nothing arms nothing.
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
// takes everything off), it takes off old, moves fresh to old and re-arms.
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

// begin takes off everything written as the dispatch of an event begins.
func (d *bufferedDrop) begin(buffered *atomic.Uint64) { d.take(buffered, true) }

// end takes off everything written, also by the listeners, once they returned.
func (d *bufferedDrop) end(buffered *atomic.Uint64) { d.take(buffered, false) }

// settle takes off what earlier Sends wrote as a Send begins outside a
// listener: such a Send is a task of its own, so a sender that polls
// BufferedAmount sees its earlier messages leave without waiting for the timer.
func (d *bufferedDrop) settle(buffered *atomic.Uint64) {
	d.mu.Lock()
	if !d.inTask {
		d.takeLocked(buffered)
	}
	d.mu.Unlock()
}

func (d *bufferedDrop) take(buffered *atomic.Uint64, inTask bool) {
	d.mu.Lock()
	d.takeLocked(buffered)
	d.inTask = inTask
	d.mu.Unlock()
}

// takeLocked takes everything written off the count; d.mu is held.
func (d *bufferedDrop) takeLocked(buffered *atomic.Uint64) {
	buffered.Add(-(d.fresh + d.old))
	d.fresh, d.old = 0, 0
}

// drained is what was written but is still counted, which Send's limit
// (MaxBufferedAmount) leaves out.
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
