package reconnecting

import "time"

// The tests live in the external package reconnecting_test, which can import
// package websockettest (the module's test kit, which imports this package, so
// that tests inside it cannot). They drive the loop's timers by hand, so that
// no test depends on how long anything takes; this file exposes the clock seam
// for that, and nothing else.

// TimerKind says what a timer of the loop is for.
type TimerKind = timerKind

// The kinds of timer.
const (
	BackoffTimer = backoffTimer // the wait before an attempt
	ConnectTimer = connectTimer // ConnectionTimeout of an attempt
	UptimeTimer  = uptimeTimer  // MinUptime of an open connection
)

// Timer is a timer of the loop; its methods, C and Stop, are exported, so that
// a fake one can be made outside the package.
type Timer = timer

// SetClock makes the socket made with o take its timers from newTimer instead
// of the real clock.
func SetClock(o *Options, newTimer func(d time.Duration, kind TimerKind) Timer) {
	o.clock = clockFunc(newTimer)
}

type clockFunc func(time.Duration, timerKind) timer

func (f clockFunc) newTimer(d time.Duration, kind timerKind) timer { return f(d, kind) }
