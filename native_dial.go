//go:build !js

package websocket

import (
	"cmp"
	"context"
	"net"
	"net/netip"
	"time"
)

// Seams, so that tests can put a resolver of made-up hosts and a dial that
// hangs in their place. dialAddr connects to one address (or a proxy's).
var lookupNetIP, dialAddr = net.DefaultResolver.LookupNetIP, dialer.DialContext

var dialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second} // as http.DefaultTransport's

// As net.Dialer: the first family has fallbackDelay before the other is dialed
// too (Chromium's too; RFC 8305 §5 says 250 ms), and an address of several has
// at least minAddrTimeout, so that a long list leaves each enough to connect.
const fallbackDelay, minAddrTimeout = 300 * time.Millisecond, 2 * time.Second

// dialContext is the DialContext of the socket's own transport. It connects to
// the addresses lock resolved as net.Dialer would, but each attempt under its
// endpoint's lock, held until release by the winner only. dialer.Timeout
// bounds the whole dial, waits for a turn included. (A proxy is dialed as is.)
func (s *handshakeSlot) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.ctx != nil {
		defer context.AfterFunc(s.ctx, cancel)()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || len(s.fams) == 0 || host != s.host || port != s.port {
		return dialAddr(ctx, network, addr)
	}
	ctx, cancel = context.WithTimeout(ctx, dialer.Timeout)
	defer cancel()
	c, unlock, err := s.dialParallel(ctx, network)
	if err != nil {
		return nil, err
	}
	s.hold(unlock, false)
	return c, nil
}

// dialParallel races the families as net.Dialer does (RFC 8305): the next
// starts after fallbackDelay, or once every racer so far failed. The first
// connection wins; the others are cancelled and waited for, a connection one
// made anyway closed and its lock released, so that no loser outlives the
// call. When all fail, the first family's error is returned, as net's is.
func (s *handshakeSlot) dialParallel(ctx context.Context, network string) (net.Conn, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := len(s.fams)
	conns, unlocks, errs := make([]net.Conn, n), make([]func(), n), make([]error, n)
	done := make(chan int, n) // a racer's family, once its results are set
	started, ended := 0, 0
	timer := time.NewTimer(fallbackDelay)
	defer timer.Stop()
	for next := true; ; {
		if next && started < n {
			go func(i int) {
				conns[i], unlocks[i], errs[i] = s.dialSerial(ctx, network, s.fams[i])
				done <- i
			}(started)
			started++
		}
		select {
		case <-timer.C:
			next = true
		case i := <-done:
			if ended++; errs[i] == nil {
				cancel()
				for ; ended < started; ended++ { // the others end, cancelled
					if j := <-done; errs[j] == nil {
						conns[j].Close()
						unlocks[j]()
					}
				}
				return conns[i], unlocks[i], nil
			}
			if ended == n {
				return nil, nil, errs[0]
			}
			next = ended == started // no need to wait out the delay
		}
	}
}

// dialSerial tries a family's addresses in turn, each under its endpoint's
// lock: lock's for the first address while unused, else one it waits for while
// another handshake to it is in flight. The time left is shared out as
// net.Dialer's partialDeadline does, so that a hanging address leaves time for
// the next. It returns the connection and its unlock, or the first error.
func (s *handshakeSlot) dialSerial(ctx context.Context, network string, addrs []netip.AddrPort) (net.Conn, func(), error) {
	var firstErr error
	for i, ap := range addrs {
		var unlock func()
		err := ctx.Err()
		s.mu.Lock()
		if err == nil && ap == s.fams[0][0] {
			unlock, s.first = s.first, nil
		}
		s.mu.Unlock()
		if err == nil && unlock == nil {
			unlock, err = handshakeLocks.lock(ctx, ap.String())
		}
		deadline, _ := ctx.Deadline() // dialContext set one
		left := time.Until(deadline)
		if err == nil && left <= 0 {
			unlock()
			err = context.DeadlineExceeded
		}
		if err != nil { // the attempt's own error, worded as net.Dialer's
			return nil, nil, cmp.Or[error](firstErr, &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(ap), Err: err})
		}
		dctx, cancel := context.WithTimeout(ctx, max(left/time.Duration(len(addrs)-i), min(left, minAddrTimeout)))
		c, err := dialAddr(dctx, network, ap.String())
		cancel()
		if err == nil {
			return c, unlock, nil
		}
		unlock() // no connection to it is in flight any more
		firstErr = cmp.Or(firstErr, err)
	}
	return nil, nil, firstErr
}
