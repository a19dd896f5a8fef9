package reconnecting

import "time"

// clock makes the timers of the reconnection loop: the back-off wait, the
// connection timeout and the uptime that resets the retry count. It is an
// interface so that tests drive those waits by hand instead of sleeping: a test
// on a loaded machine must never depend on how long a wait really took.
type clock interface {
	newTimer(d time.Duration, what timerKind) timer
}

// timer is a one-shot timer: C fires once after its duration, unless stopped.
type timer interface {
	C() <-chan time.Time
	Stop()
}

// timerKind says what a timer is for (tests tell timers apart by it).
type timerKind uint8

const (
	backoffTimer timerKind = iota // the wait before an attempt
	connectTimer                  // ConnectionTimeout of an attempt
	uptimeTimer                   // MinUptime of an open connection
	numTimerKinds
)

// realClock is the clock of every socket outside tests.
type realClock struct{}

type realTimer struct{ t *time.Timer }

func (realClock) newTimer(d time.Duration, _ timerKind) timer {
	return realTimer{time.NewTimer(d)}
}

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop()               { t.t.Stop() }
