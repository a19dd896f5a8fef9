package reconnecting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/browserws/websocket"
)

// The defaults of reconnecting-websocket, used for the Options fields left at 0.
const (
	DefaultMinReconnectionDelay        = 1 * time.Second
	DefaultMaxReconnectionDelay        = 10 * time.Second
	DefaultReconnectionDelayGrowFactor = 1.3
	DefaultMinUptime                   = 5 * time.Second
	DefaultConnectionTimeout           = 4 * time.Second
)

// Options configures a reconnecting WebSocket. The zero value gives
// reconnecting-websocket's defaults: back-off from 1 s to 10 s growing ×1.3 (with
// jitter), 5 s of uptime to reset the retry count, 4 s for a connection to open,
// no limit on retries or on the queue, and a connection started at once.
type Options struct {
	// Options is used for every connection: Protocols, the native-only fields
	// (Header, HTTPClient …), and the On* handlers, which are installed once on
	// the reconnecting socket and called for the events of every connection.
	websocket.Options

	// MinReconnectionDelay is the back-off before the first reconnection attempt
	// (DefaultMinReconnectionDelay if 0). Each failed attempt multiplies it by
	// ReconnectionDelayGrowFactor, up to MaxReconnectionDelay
	// (DefaultMaxReconnectionDelay if 0). Jitter adds up to one more growth step
	// at random, never past MaxReconnectionDelay.
	MinReconnectionDelay time.Duration
	MaxReconnectionDelay time.Duration
	// ReconnectionDelayGrowFactor is how much the back-off grows per failed
	// attempt, at least 1 (DefaultReconnectionDelayGrowFactor if 0).
	ReconnectionDelayGrowFactor float64
	// MinUptime is how long a connection must stay open for RetryCount to go
	// back to 0 (DefaultMinUptime if 0). A connection that ends sooner counts as
	// a failed attempt: the back-off keeps growing.
	MinUptime time.Duration
	// ConnectionTimeout is how long an attempt may take to open
	// (DefaultConnectionTimeout if 0); then it is abandoned: "error" (Err
	// matching ErrConnectionTimeout), "close" (1006), and the next back-off.
	ConnectionTimeout time.Duration
	// MaxRetries is how many reconnection attempts in a row may fail (since the
	// last connection that stayed open MinUptime) before the socket gives up and
	// Done is closed. 0 means no limit.
	MaxRetries int
	// MaxEnqueuedMessages is how many messages Send keeps while the socket is not
	// OPEN. When the queue is full, the new message is dropped (Send returns
	// ErrQueueFull) and the queue keeps the oldest, as reconnecting-websocket
	// does. 0 means no limit.
	MaxEnqueuedMessages int
	// StartClosed makes New connect nothing until Reconnect is called; until
	// then ReadyState is CLOSED.
	StartClosed bool
	// ShouldReconnect, if set, is called after each connection's "close" event
	// that Close or Reconnect did not cause; returning false stops reconnecting
	// for good and Done is closed. Nil means always reconnect. It runs on the
	// socket's own goroutine, between connections, and may call its methods.
	ShouldReconnect func(*websocket.CloseEvent) bool
	// URLProvider, if set, is called before every attempt, the first included,
	// and gives the URL to connect to (reconnecting-websocket's UrlProvider: a
	// fresh token, another server). An error, or a URL that websocket.New
	// rejects, makes a failed attempt: "error" with that error, "close" (1006),
	// and the next back-off. ctx is cancelled by Close; Done waits for the
	// provider to return.
	URLProvider func(ctx context.Context) (string, error)

	clock clock // nil: the real one; tests drive the waits through their own
}

// Errors of the reconnecting socket.
var (
	// ErrQueueFull is returned by Send when the socket is not OPEN and already
	// holds MaxEnqueuedMessages messages: the message is dropped.
	ErrQueueFull = errors.New("websocket: reconnecting: queue full (MaxEnqueuedMessages), message dropped")
	// ErrConnectionTimeout is carried by the "error" event of an attempt that did
	// not open within ConnectionTimeout.
	ErrConnectionTimeout = errors.New("websocket: reconnecting: connection timeout")
)

// settings are the Options with the defaults applied.
type settings struct {
	minDelay, maxDelay    time.Duration
	grow                  float64
	minUptime, connectTO  time.Duration
	maxRetries, maxQueued int
	clock                 clock
}

// settle checks o and applies the defaults. Negative values are refused: a
// clear error at New rather than a socket that misbehaves later.
func settle(o *Options) (settings, error) {
	s := settings{
		minDelay: o.MinReconnectionDelay, maxDelay: o.MaxReconnectionDelay,
		grow: o.ReconnectionDelayGrowFactor, minUptime: o.MinUptime, connectTO: o.ConnectionTimeout,
		maxRetries: o.MaxRetries, maxQueued: o.MaxEnqueuedMessages, clock: o.clock,
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"MinReconnectionDelay", &s.minDelay, DefaultMinReconnectionDelay},
		{"MaxReconnectionDelay", &s.maxDelay, DefaultMaxReconnectionDelay},
		{"MinUptime", &s.minUptime, DefaultMinUptime},
		{"ConnectionTimeout", &s.connectTO, DefaultConnectionTimeout},
	} {
		if *d.v < 0 {
			return s, fmt.Errorf("websocket: reconnecting: Options.%s is negative (%v)", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if s.minDelay > s.maxDelay {
		return s, fmt.Errorf("websocket: reconnecting: Options.MinReconnectionDelay (%v) is above MaxReconnectionDelay (%v)", s.minDelay, s.maxDelay)
	}
	switch {
	case s.grow == 0:
		s.grow = DefaultReconnectionDelayGrowFactor
	case !(s.grow >= 1) || s.grow > 1e6: // NaN too
		return s, fmt.Errorf("websocket: reconnecting: Options.ReconnectionDelayGrowFactor must be at least 1 (and finite), not %v", s.grow)
	}
	if s.maxRetries < 0 || s.maxQueued < 0 {
		return s, fmt.Errorf("websocket: reconnecting: Options.MaxRetries and MaxEnqueuedMessages must not be negative (%d, %d)", s.maxRetries, s.maxQueued)
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	return s, nil
}
