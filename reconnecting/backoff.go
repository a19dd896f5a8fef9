package reconnecting

import (
	"math"
	"math/rand/v2"
	"time"
)

// delay is the back-off before attempt number retry, reconnecting-websocket's
// formula: 0 for retry 0 (the first connection, or the first after Reconnect),
// else MinReconnectionDelay × ReconnectionDelayGrowFactor^(retry−1), at most
// MaxReconnectionDelay. Jitter then moves it, uniformly at random, up to where
// the next step would be (never past MaxReconnectionDelay): clients that lost the
// same server spread out instead of all coming back in the same instant, and a
// delay never falls below the one the formula gives.
func (o *settings) delay(retry int) time.Duration {
	if retry <= 0 {
		return 0
	}
	base := float64(o.minDelay) * math.Pow(o.grow, float64(retry-1))
	top := base * o.grow
	max := float64(o.maxDelay)
	if base >= max {
		return o.maxDelay
	}
	if top > max {
		top = max
	}
	return time.Duration(base + rand.Float64()*(top-base))
}
