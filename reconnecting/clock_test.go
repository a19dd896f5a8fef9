package reconnecting_test

import (
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket/reconnecting"
)

// fakeClock hands the loop's timers to the test, which fires them: no test
// depends on how long anything takes. Install it with opts.
type fakeClock struct {
	mu          sync.Mutex
	all         []*fakeTimer
	waiting     map[reconnecting.TimerKind][]*fakeTimer
	changed     chan struct{}
	autoBackoff bool // back-off timers fire at once
	maxActive   int
}

type fakeTimer struct {
	fc            *fakeClock
	c             chan time.Time
	d             time.Duration
	kind          reconnecting.TimerKind
	stopped, shot bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{changed: make(chan struct{}), waiting: map[reconnecting.TimerKind][]*fakeTimer{}}
}

// opts returns o with the clock installed (reconnecting.SetClock).
func (fc *fakeClock) opts(o reconnecting.Options) *reconnecting.Options {
	reconnecting.SetClock(&o, fc.newTimer)
	return &o
}

func (fc *fakeClock) newTimer(d time.Duration, kind reconnecting.TimerKind) reconnecting.Timer {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	t := &fakeTimer{fc: fc, c: make(chan time.Time, 1), d: d, kind: kind}
	fc.all = append(fc.all, t)
	if fc.autoBackoff && kind == reconnecting.BackoffTimer {
		t.shot = true
		t.c <- time.Now()
	} else {
		fc.waiting[kind] = append(fc.waiting[kind], t)
	}
	fc.maxActive = max(fc.maxActive, fc.activeLocked())
	close(fc.changed)
	fc.changed = make(chan struct{})
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() {
	t.fc.mu.Lock()
	t.stopped = true
	t.fc.mu.Unlock()
}

// fire makes the timer go off, as if its duration had passed.
func (t *fakeTimer) fire(tb testing.TB) {
	tb.Helper()
	t.fc.mu.Lock()
	defer t.fc.mu.Unlock()
	if t.stopped || t.shot {
		tb.Fatalf("firing a timer already stopped (%v) or fired (%v)", t.stopped, t.shot)
	}
	t.shot = true
	t.c <- time.Now()
}

func (t *fakeTimer) isStopped() bool {
	t.fc.mu.Lock()
	defer t.fc.mu.Unlock()
	return t.stopped
}

// next returns the oldest running timer of kind that the test has not yet
// taken, waiting for one.
func (fc *fakeClock) next(t *testing.T, kind reconnecting.TimerKind) *fakeTimer {
	t.Helper()
	deadline := time.After(wait)
	for {
		fc.mu.Lock()
		for q := fc.waiting[kind]; len(q) > 0; q = fc.waiting[kind] {
			fc.waiting[kind] = q[1:]
			if !q[0].stopped { // stopped ones were for connections already gone
				fc.mu.Unlock()
				return q[0]
			}
		}
		ch := fc.changed
		fc.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no timer of kind %d within %v", kind, wait)
		}
	}
}

// pending is how many timers of kind the test has not taken.
func (fc *fakeClock) pending(kind reconnecting.TimerKind) int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return len(fc.waiting[kind])
}

// active is how many timers are neither stopped nor fired.
func (fc *fakeClock) active() int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.activeLocked()
}

func (fc *fakeClock) activeLocked() int {
	n := 0
	for _, t := range fc.all {
		if !t.stopped && !t.shot {
			n++
		}
	}
	return n
}
