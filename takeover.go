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
// listeners itself when nothing waits in the event queue (deliver). But a listener
// may block for as long as it likes, and the socket must keep reading meanwhile, so
// that pings are answered and the closing handshake completes. A single
// process-wide watchdog notices a reader that has been inside one dispatch for a
// whole tick and hands reading over to a fresh goroutine; the old one finishes as
// the socket's dispatcher (what the new reader reads waits in the queue for it)
// and ends when the queue is empty. Noticing costs nothing per message: the reader
// bumps a counter of its own, and the watchdog compares counters between ticks.

// takeoverTick is how often the watchdog looks: a reader stuck in a listener is
// replaced between one and two ticks after the listener started.
const takeoverTick = 20 * time.Millisecond

// readerGuard is a socket's side of the takeover. phase and seq are atomics so
// that the watchdog reads them without locks; phase only changes under the
// socket's event-queue lock, so that handing over and finishing a dispatch
// cannot both win.
type readerGuard struct {
	phase atomic.Uint32 // guardReading, guardDispatching or guardHandedOver
	seq   atomic.Uint32 // bumped at every item the reader dispatches
	seen  uint32        // the watchdog's: seq at its last tick
	// handOver starts a new reading goroutine; set before the guard is watched.
	handOver func()
	q        *eventQueue // the socket's, whose lock guards changes of phase
}

const (
	guardReading     = iota // the reader reads (or no dispatch runs on it)
	guardDispatching        // the reader runs listeners
	guardHandedOver         // a new goroutine reads; the old one only dispatches
)

// deliver is how a reading goroutine reports what it read (an open or a message).
// When no dispatcher runs and nothing waits, it dispatches it at once, on the
// calling goroutine, and then whatever was queued meanwhile; otherwise it queues
// it (a message first waits while the queue is full, so that TCP pushes back). It
// reports whether the caller is still the socket's reader: false means reading was
// handed over while a listener ran, and the caller must stop reading and end.
func (ws *WebSocket) deliver(it item) bool {
	q := &ws.events
	q.mu.Lock()
	for q.running && it.kind == itemMessage && q.messages >= maxQueuedMessages {
		q.notFull.Wait()
	}
	if q.running {
		if it.kind == itemMessage {
			q.messages++
		}
		q.pushLocked(it) // a dispatcher runs: nothing to start
		q.mu.Unlock()
		return true
	}
	q.running = true
	g := &ws.guard
	g.seq.Add(1)
	g.phase.Store(guardDispatching)
	q.mu.Unlock()

	last := ws.handle(it)
	for !last {
		q.mu.Lock()
		if q.head == len(q.buf) {
			q.running = false
			still := g.phase.Load() == guardDispatching
			g.phase.Store(guardReading)
			q.mu.Unlock()
			return still
		}
		it := q.takeLocked()
		q.mu.Unlock()
		g.seq.Add(1)
		last = ws.handle(it)
	}
	// "close" was dispatched inline: only a reader that has ended queues it.
	return false
}

// watch puts g under the watchdog, from the start of reading until the reader ends.
func (g *readerGuard) watch() {
	watchdog.mu.Lock()
	if watchdog.guards == nil {
		watchdog.guards = map[*readerGuard]struct{}{}
	}
	watchdog.guards[g] = struct{}{}
	if !watchdog.running {
		watchdog.running = true
		watchdog.stop = make(chan struct{})
		go watchdog.run(watchdog.stop)
	}
	watchdog.mu.Unlock()
}

// unwatch takes g from the watchdog; the watchdog ends with the last guard.
func (g *readerGuard) unwatch() {
	watchdog.mu.Lock()
	delete(watchdog.guards, g)
	if len(watchdog.guards) == 0 && watchdog.running {
		watchdog.running = false
		close(watchdog.stop)
	}
	watchdog.mu.Unlock()
}

// watchdog is the process-wide takeover watchdog. It runs only while some socket
// is reading.
var watchdog takeoverWatchdog

type takeoverWatchdog struct {
	mu      sync.Mutex
	guards  map[*readerGuard]struct{}
	running bool
	stop    chan struct{}
}

func (w *takeoverWatchdog) run(stop chan struct{}) {
	t := time.NewTicker(takeoverTick)
	defer t.Stop()
	var stuck []*readerGuard
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		stuck = stuck[:0]
		w.mu.Lock()
		for g := range w.guards {
			s := g.seq.Load()
			if g.phase.Load() == guardDispatching && s == g.seen {
				stuck = append(stuck, g)
			}
			g.seen = s
		}
		w.mu.Unlock()
		for _, g := range stuck {
			g.takeOver()
		}
		clear(stuck)
	}
}

// takeOver hands reading to a new goroutine if the reader is still inside the
// dispatch the watchdog saw.
func (g *readerGuard) takeOver() {
	q := g.q
	q.mu.Lock()
	ok := g.phase.Load() == guardDispatching
	if ok {
		g.phase.Store(guardHandedOver)
	}
	q.mu.Unlock()
	if ok {
		g.handOver()
	}
}
