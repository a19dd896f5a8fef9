package websocket

import (
	"sync"
	"sync/atomic"
	"time"
)

// The listener takeover.
//
// Why: handing every message from the reading goroutine to a dispatcher goroutine
// costs a goroutine switch per message (a second OS thread woken on every round
// trip), which raw coder/websocket does not pay. So the reading goroutine runs the
// listeners itself when nothing waits (deliver). But a listener may block, and the
// socket must keep reading meanwhile, to answer pings and complete the closing
// handshake: a timer of the socket's own notices a reader inside one dispatch for
// a whole tick and hands reading over to a fresh goroutine; the old one finishes
// as the socket's dispatcher and ends when the queue is empty.
//
// Why a timer per socket, armed lazily: a process-wide watchdog scanning every
// reading socket costs CPU for every idle socket, forever; an idle socket here
// has no timer armed. Arming (Reset) and stopping the timer around every
// dispatch was measured: about 60 ns more per dispatch (BenchmarkTakeoverDeliver)
// and 4 µs more per loopback round trip (BenchmarkTakeoverRoundTrip), mostly
// because a Reset before the netpoller's wake-up time wakes it (a futex call in
// runtime.wakeNetPoller). Instead the first dispatch after the socket went
// quiet arms the timer, and a firing re-arms it only while a dispatch runs: a
// busy socket pays one Reset and one firing per tick, not per message.

// takeoverTick is how long the timer waits: a reader stuck in a listener is
// replaced between one and two ticks after the listener started.
const takeoverTick = 20 * time.Millisecond

// readerGuard is a socket's side of the takeover. The event queue's lock (q.mu),
// which deliver holds when a dispatch starts and between items, guards its fields
// but fireMu and fired, so that a dispatch cannot both finish and be handed over.
type readerGuard struct {
	handOver func()      // starts a new reading goroutine; set before watch
	q        *eventQueue // the socket's, whose lock guards what follows

	phase    uint8       // guardReading, guardDispatching or guardHandedOver
	watching bool        // between watch and unwatch: only then is the timer armed
	armed    bool        // the timer is pending, or its firing has not yet looked
	seq      uint32      // bumped at every item the reader dispatches
	seen     uint32      // seq when the timer was armed
	timer    *time.Timer // made at the first arming, then Reset; fires fire

	// fireMu is held by fire throughout and by unwatch, so that once unwatch returns
	// no firing is under way (Timer.Stop does not wait) and a later one does nothing.
	fireMu sync.Mutex
	fired  atomic.Uint32 // how often the timer fired: lets a test see that an idle socket costs nothing
}

const (
	guardReading     = iota // the reader reads (or no dispatch runs on it)
	guardDispatching        // the reader runs listeners
	guardHandedOver         // a new goroutine reads; the old one only dispatches
)

// deliver is how a reading goroutine reports what it read. When no dispatcher
// runs, it dispatches it at once, on the calling goroutine, and then whatever was
// queued meanwhile; otherwise it queues it (a message first waits while the queue
// is full, so that TCP pushes back). It reports false when reading was handed
// over while a listener ran: the caller must stop reading and end.
func (ws *WebSocket) deliver(it item) bool {
	q := &ws.events
	q.mu.Lock()
	for q.running && it.kind == itemMessage && q.messages >= maxQueuedMessages {
		q.notFull.Wait()
	}
	if q.running {
		q.pushLocked(it) // a dispatcher runs: nothing to start
		q.mu.Unlock()
		return true
	}
	q.running = true
	g := &ws.guard
	g.seq++
	g.phase = guardDispatching
	if !g.armed && g.watching {
		g.arm() // the first dispatch since the socket went quiet
	}
	q.mu.Unlock()

	last := ws.handle(it)
	for !last {
		q.mu.Lock()
		if q.head == len(q.buf) {
			q.running = false
			still := g.phase == guardDispatching
			g.phase = guardReading
			q.mu.Unlock()
			return still
		}
		it := q.takeLocked()
		g.seq++
		q.mu.Unlock()
		last = ws.handle(it)
	}
	// "close" was dispatched inline: only a reader that has ended queues it.
	return false
}

// arm starts the timer for a tick, remembering which dispatch runs now. The caller
// holds q.mu, so that arming cannot follow unwatch's Stop.
func (g *readerGuard) arm() {
	g.armed = true
	g.seen = g.seq
	if g.timer == nil {
		g.timer = time.AfterFunc(takeoverTick, g.fire)
	} else {
		g.timer.Reset(takeoverTick)
	}
}

// fire is the timer's function. If the reader is still inside the dispatch it
// saw when armed (seq unchanged), it hands reading over; if another dispatch
// runs, it looks again a tick later; if none runs, it leaves the timer unarmed
// until the next dispatch, so that a quiet socket has no timer pending.
func (g *readerGuard) fire() {
	g.fireMu.Lock()
	defer g.fireMu.Unlock()
	g.fired.Add(1)
	q := g.q
	q.mu.Lock()
	switch {
	case !g.watching:
		g.armed = false // unwatch came first: the reader has ended
	case g.phase == guardDispatching && g.seq == g.seen:
		g.armed = false // the next inline dispatch, on the new reader, arms it again
		g.phase = guardHandedOver
		q.mu.Unlock()
		g.handOver()
		return
	case g.phase == guardDispatching:
		g.seen = g.seq
		g.timer.Reset(takeoverTick)
	default:
		g.armed = false
	}
	q.mu.Unlock()
}

// watch puts g under its timer until unwatch; the first dispatch arms it.
func (g *readerGuard) watch() {
	g.q.mu.Lock()
	g.watching = true
	g.q.mu.Unlock()
}

// unwatch ends the watching, for good: when it returns no firing runs, and none
// that starts later (Stop may be too late for one) hands over or re-arms.
func (g *readerGuard) unwatch() {
	g.fireMu.Lock()
	defer g.fireMu.Unlock()
	g.q.mu.Lock()
	g.watching, g.armed = false, false
	t := g.timer
	g.q.mu.Unlock()
	if t != nil {
		t.Stop()
	}
}
