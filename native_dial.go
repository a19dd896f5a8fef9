//go:build !js

package websocket

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// The seams of dialing, variables so that tests can put a resolver that knows
// made-up hosts and a dial that hangs in their place (native_dial_test.go);
// nothing else assigns them.
var (
	// lookupNetIP resolves the URL's host for lock.
	lookupNetIP = net.DefaultResolver.LookupNetIP
	// dialAddr makes one connection, to an IP address and port (or, for a
	// proxy, to the address the transport asks for).
	dialAddr = dialer.DialContext
)

// fallbackDelay is how long the first address's family has before the other
// family's addresses are dialed too: net.Dialer's default FallbackDelay, and
// Chromium's IPv6 fallback time (RFC 8305 §5 recommends 250 ms).
const fallbackDelay = 300 * time.Millisecond

// minAddrTimeout is the least time one address of several is given, as
// net.Dialer gives it (its saneMinimum), so that a long list does not leave
// each address too little to connect.
const minAddrTimeout = 2 * time.Second

// dialResult is what one family's racer ends with: a connection and the
// unlock of its endpoint's lock, or the family's first error.
type dialResult struct {
	conn    net.Conn
	unlock  func()
	err     error
	primary bool
}

// dialParallel races the families as net.Dialer does (RFC 8305, "Happy
// Eyeballs"): primaries (the first address's family) at once, fallbacks after
// fallbackDelay or as soon as every primary failed. The first connection wins;
// the other racer is cancelled and waited for, and a connection it made anyway
// is closed and its endpoint's lock released, so that nothing of the loser
// outlives the call. When both fail the primaries' first error is returned, as
// net.Dialer returns it.
func (s *handshakeSlot) dialParallel(ctx context.Context, network, port string, primaries, fallbacks []netip.Addr) (net.Conn, func(), error) {
	if len(fallbacks) == 0 {
		return s.dialSerial(ctx, network, port, primaries)
	}
	results := make(chan dialResult, 2) // a racer never blocks on it
	start := func(primary bool) context.CancelFunc {
		rctx, cancel := context.WithCancel(ctx)
		addrs := primaries
		if !primary {
			addrs = fallbacks
		}
		go func() {
			c, unlock, err := s.dialSerial(rctx, network, port, addrs)
			results <- dialResult{conn: c, unlock: unlock, err: err, primary: primary}
		}()
		return cancel
	}
	// Every return below comes after each racer started has sent its result,
	// so no racer outlives the call.
	cancelPrimary := start(true)
	cancelFallback := context.CancelFunc(func() {})
	defer func() { cancelPrimary(); cancelFallback() }()
	timer := time.NewTimer(fallbackDelay)
	defer timer.Stop()
	fallbackStarted := false
	var primaryErr, fallbackErr error
	for {
		select {
		case <-timer.C:
			if !fallbackStarted {
				fallbackStarted = true
				cancelFallback = start(false)
			}
		case res := <-results:
			if res.err == nil {
				cancelPrimary()
				cancelFallback()
				if fallbackStarted && primaryErr == nil && fallbackErr == nil {
					// The other racer has not ended: it does now that it is
					// cancelled, and a connection it made meanwhile is not used.
					if lost := <-results; lost.err == nil {
						lost.conn.Close()
						lost.unlock()
					}
				}
				return res.conn, res.unlock, nil
			}
			if res.primary {
				primaryErr = res.err
			} else {
				fallbackErr = res.err
			}
			if primaryErr != nil && fallbackErr != nil {
				return nil, nil, primaryErr
			}
			if res.primary && !fallbackStarted {
				// No reason to wait out the delay: every primary failed.
				fallbackStarted = true
				cancelFallback = start(false)
			}
		}
	}
}

// dialSerial tries addrs one after another, as net.Dialer tries the addresses
// of one family, each under its endpoint's lock (lockEndpoint). ctx's deadline
// is split as net.Dialer splits it (partialDeadline), so that an address that
// hangs leaves time for the next. It returns the connection with the unlock to
// hold while its handshake is in flight, or the first error.
func (s *handshakeSlot) dialSerial(ctx context.Context, network, port string, addrs []netip.Addr) (net.Conn, func(), error) {
	var firstErr error
	portNum, _ := strconv.ParseUint(port, 10, 16)
	for i, ip := range addrs {
		endpoint := net.JoinHostPort(ip.String(), port)
		// fail keeps an error of the attempt's own, worded as net.Dialer's.
		fail := func(err error) {
			if firstErr == nil {
				firstErr = &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(portNum))), Err: err}
			}
		}
		if ctx.Err() != nil {
			fail(ctx.Err())
			break
		}
		unlock, err := s.lockEndpoint(ctx, ip, endpoint)
		if err != nil {
			fail(err)
			break
		}
		dctx, cancel := ctx, context.CancelFunc(func() {})
		if deadline, ok := ctx.Deadline(); ok {
			partial, err := partialDeadline(time.Now(), deadline, len(addrs)-i)
			if err != nil {
				unlock()
				fail(err)
				break
			}
			if partial.Before(deadline) {
				dctx, cancel = context.WithDeadline(ctx, partial)
			}
		}
		c, err := dialAddr(dctx, network, endpoint)
		cancel()
		if err == nil {
			return c, unlock, nil
		}
		unlock() // no connection to it is in flight any more
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, nil, firstErr
}

// lockEndpoint takes the lock of the endpoint an attempt connects to: the one
// lock took for the first address, while it is unused, or else the endpoint's
// lock, waiting while another handshake to it is in flight (RFC 6455 §4.1).
func (s *handshakeSlot) lockEndpoint(ctx context.Context, ip netip.Addr, endpoint string) (func(), error) {
	s.mu.Lock()
	first := s.first
	if first != nil && ip == s.ips[0].Unmap() {
		s.first = nil
	} else {
		first = nil
	}
	s.mu.Unlock()
	if first != nil {
		return first, nil
	}
	return handshakeLocks.lock(ctx, endpoint)
}

// partition splits ips into the first address's family and the other one,
// keeping their order, as net.Dialer does before racing them. IPv4-mapped IPv6
// addresses count as IPv4 and are unmapped, so that their locks are the IPv4
// address's.
func partition(ips []netip.Addr) (primaries, fallbacks []netip.Addr) {
	for _, ip := range ips {
		ip = ip.Unmap()
		if len(primaries) == 0 || ip.Is4() == primaries[0].Is4() {
			primaries = append(primaries, ip)
		} else {
			fallbacks = append(fallbacks, ip)
		}
	}
	return primaries, fallbacks
}

// partialDeadline is net.Dialer's share of the time left for one of
// addrsRemaining addresses: an equal part, but at least minAddrTimeout (or
// what is left, if less). It fails when the deadline has passed.
func partialDeadline(now, deadline time.Time, addrsRemaining int) (time.Time, error) {
	left := deadline.Sub(now)
	if left <= 0 {
		return time.Time{}, context.DeadlineExceeded
	}
	timeout := left / time.Duration(addrsRemaining)
	if timeout < minAddrTimeout {
		timeout = min(left, minAddrTimeout)
	}
	return now.Add(timeout), nil
}
