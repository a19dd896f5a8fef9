package websocket

import (
	"sync"
	"sync/atomic"
	"time"
)

// The deferred drop of bufferedAmount.
//
// Why: Chromium lowers bufferedAmount in a task of its own, posted once the
// network has taken the bytes, so a script reads it unchanged for the rest of
// the task that called send(): right after ws.send(x), ws.bufferedAmount counts
// x (wpt Send-data, conformance row 130). Natively the bytes often reach the
// kernel inside Send itself (writeNow writes on the caller's goroutine), and
// lowering the count at once made a Go listener read 0 where Chromium reads
// len(x). So the transport's report (sent) only adds the bytes to those drained,
// and they are taken off the socket's count between tasks:
//
//   - when the dispatch of an event begins, and when it ends (handle): each
//     dispatch is a task, and what its listeners sent falls once they have all
//     returned;
//   - when no event comes, by a timer, so that a goroutine polling
//     BufferedAmount still sees it reach 0. The timer never takes bytes off while
//     an event is being dispatched (the end of that dispatch does), and takes off
//     only bytes that were already drained when it last fired: bytes stay counted
//     for at least dropDelay (and at most about twice that) after they were
//     written, so a Send from a goroutine that is no listener, which arms the
//     timer, still counts its message when it returns, and the drop falls
//     neither inside that Send nor right after it.
//
// While a listener runs, nothing falls, not even for bytes another goroutine
// sent (as in Chromium, where nothing changes during a task): a goroutine that
// polls BufferedAmount sees it fall once the listener returns.
//
// In WASM the page's own bufferedAmount already behaves so, and the socket's
// count only holds what is not yet handed to the page: there sent lowers it at
// once (deferDrop is false), as the bytes move to the page's count.

// dropDelay is the timer's period: long enough to be well after the Send that
// wrote the bytes, short enough for a goroutine polling the amount. It is an
// atomic only so that a test can lengthen it while older sockets still run.
var dropDelay atomic.Int64

func init() { dropDelay.Store(int64(2 * time.Millisecond)) }

// inTask, the top bit of bufferedDrop.word, is set while an event is being
// dispatched; the lower bits count the drained bytes.
const inTask = 1 << 63

// bufferedDrop holds the bytes written to the network but not yet taken off the
// socket's count (buffered), and the timer that takes them off when no event
// comes. A socket that sends nothing arms nothing, and one that has stopped
// sending arms nothing once its last bytes are off.
type bufferedDrop struct {
	// word is the bytes drained since the timer last fired, and inTask. One
	// word, so that the timer's move of the bytes to old and the start of a
	// dispatch are ordered: the move is a compare-and-swap that fails once a
	// dispatch has begun, so the timer never takes off bytes that a listener
	// running now has sent.
	word atomic.Uint64
	// old is the bytes the timer moved out of word when it last fired; it takes
	// them off when it fires next. It changes only under mu; begin and end read
	// it without the lock, and take the lock only when it is not 0.
	old atomic.Uint64
	// armed: the timer is set, or its function is about to run. written reads
	// it without the lock, so that a steady sender takes the lock at most once
	// per dropDelay; it changes under mu.
	armed   atomic.Bool
	mu      sync.Mutex
	timer   *time.Timer // nil until first armed
	stopped bool        // the socket is CLOSED: nothing is armed again
}

// written reports n bytes on the network (the transport's sent). Inside a
// dispatch the end of that dispatch takes them off; otherwise the timer does.
func (d *bufferedDrop) written(n uint64, buffered *atomic.Uint64) {
	if n == 0 {
		return
	}
	if d.word.Add(n)&inTask != 0 || d.armed.Load() {
		return
	}
	d.mu.Lock()
	d.armLocked(buffered)
	d.mu.Unlock()
}

// armLocked sets the timer unless it is set already or the socket is closed.
func (d *bufferedDrop) armLocked(buffered *atomic.Uint64) {
	if d.stopped || d.armed.Load() {
		return
	}
	d.armed.Store(true)
	delay := time.Duration(dropDelay.Load())
	if d.timer == nil {
		d.timer = time.AfterFunc(delay, func() { d.fire(buffered) })
	} else {
		d.timer.Reset(delay)
	}
}

// fire is the timer's function. Unless an event is being dispatched (whose end
// takes everything off), it takes off the bytes it moved aside when it last
// fired, and moves aside those drained since, arming itself again for them.
func (d *bufferedDrop) fire(buffered *atomic.Uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	// Disarmed before word is read: bytes written from now on arm it again
	// (it is re-armed below anyway when it moves some aside).
	d.armed.Store(false)
	if d.word.Load()&inTask != 0 {
		return
	}
	// A dispatch that begins now finds old not 0 and waits for mu, so these
	// bytes are off before its listeners run; once old is 0 again, they are
	// off already.
	d.takeOldLocked(buffered)
	for {
		v := d.word.Load()
		if v == 0 || v&inTask != 0 {
			return
		}
		if d.word.CompareAndSwap(v, 0) {
			d.old.Store(v)
			d.armLocked(buffered)
			return
		}
	}
}

// takeOldLocked takes old off the count: first off buffered, then old is 0, so
// that whoever reads old as 0 knows the bytes are off.
func (d *bufferedDrop) takeOldLocked(buffered *atomic.Uint64) {
	if o := d.old.Load(); o != 0 {
		buffered.Add(-o)
		d.old.Store(0)
	}
}

// begin is called as the dispatch of an event begins, after the last one has
// ended: between tasks, it takes off everything drained, and marks the dispatch.
func (d *bufferedDrop) begin(buffered *atomic.Uint64) {
	d.take(d.word.Swap(inTask), buffered)
}

// end is called once the event's listeners have all returned: it takes off
// everything drained, also what was drained while they ran, and ends the
// dispatch.
func (d *bufferedDrop) end(buffered *atomic.Uint64) {
	d.take(d.word.Swap(0), buffered)
}

// take takes off v, the word begin or end swapped out, and old.
func (d *bufferedDrop) take(v uint64, buffered *atomic.Uint64) {
	if v &^= inTask; v != 0 {
		buffered.Add(-v)
	}
	if d.old.Load() != 0 {
		d.mu.Lock()
		d.takeOldLocked(buffered)
		d.mu.Unlock()
	}
}

// drained is what was written but is still counted. Send's limit
// (MaxBufferedAmount) is on the bytes the socket holds, not on the count it
// shows. Read while bytes are being taken off, it may for a moment be high by
// them (the caller floors the difference).
func (d *bufferedDrop) drained() uint64 { return d.word.Load()&^inTask + d.old.Load() }

// stop is called as "close" has been dispatched: it ends the dispatch like end
// and stops the timer, so that a closed socket holds none. The transport
// reports nothing after "close" is queued, so nothing arms it again; stopped
// makes sure.
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
