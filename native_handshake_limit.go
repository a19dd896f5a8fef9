//go:build !js

package websocket

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"sync"
)

// handshakeLocks lets one opening handshake per endpoint (IP address and port)
// be in flight in the process, as RFC 6455 §4.1 asks and Chromium does, the
// next starting when it ended, in the order they asked. held has a key while
// its lock is held, listing who waits; a waiter's channel closes on its turn.
var handshakeLocks = endpointLocks{held: map[string][]chan struct{}{}}

type endpointLocks struct {
	mu   sync.Mutex
	held map[string][]chan struct{}
}

// lock takes key's lock in its turn, or returns ctx's error if ctx ends first.
// unlock may be called more than once.
func (l *endpointLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	var once sync.Once
	unlock = func() { once.Do(func() { l.release(key) }) }
	l.mu.Lock()
	waiters, busy := l.held[key]
	if !busy {
		l.held[key] = nil
		l.mu.Unlock()
		return unlock, nil
	}
	ch := make(chan struct{})
	l.held[key] = append(waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return unlock, nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	i := slices.Index(l.held[key], ch)
	if i >= 0 {
		l.held[key] = slices.Delete(l.held[key], i, i+1)
	}
	l.mu.Unlock()
	if i < 0 {
		unlock() // it was handed to us meanwhile: pass it on
	}
	return nil, ctx.Err()
}

// release passes key's lock to the first waiter, or frees it.
func (l *endpointLocks) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if waiters := l.held[key]; len(waiters) > 0 {
		l.held[key] = waiters[1:]
		close(waiters[0])
	} else {
		delete(l.held, key)
	}
}

// handshakeSlot is one socket's hold on handshakeLocks, until its handshake
// ends. first is the lock lock took, until the attempt to its address takes
// it over (dialSerial); unlocks has it too, for a handshake that never dials.
type handshakeSlot struct {
	ctx        context.Context    // the handshake's: waiting and dialing end with it
	host, port string             // set by lock for dialContext: the URL's,
	fams       [][]netip.AddrPort // and its addresses, by family
	mu         sync.Mutex
	unlocks    []func()
	first      func()
	done       bool
}

// hold keeps unlock (as first, if asked) until release, after which it unlocks
// at once: a dial that ended after the handshake gave up.
func (s *handshakeSlot) hold(unlock func(), first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		unlock()
		return
	}
	s.unlocks = append(s.unlocks, unlock)
	if first {
		s.first = unlock
	}
}

// release ends the slot's hold: the handshake opened or failed.
func (s *handshakeSlot) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	for _, u := range s.unlocks {
		u()
	}
	s.unlocks, s.first = nil, nil // a later dial waits its turn again
}

// lock takes the socket's turn before its handshake starts, so that a socket
// waiting for it holds nothing but its goroutine. The key is the first address
// the URL's host resolves to with the socket's own transport (resolve), or,
// through the caller's HTTPClient, whose dialing is not ours, the URL's host.
func (s *handshakeSlot) lock(ctx context.Context, href string, resolve bool) error {
	u, err := url.Parse(href)
	if err != nil {
		return err
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[bool]string{false: "80", true: "443"}[u.Scheme == "wss"]
	}
	key := net.JoinHostPort(host, port)
	if resolve {
		ips, err := lookupNetIP(ctx, "ip", host)
		if err == nil && len(ips) == 0 {
			err = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
		if err != nil {
			return err
		}
		n, _ := strconv.ParseUint(port, 10, 16)
		for _, ip := range ips { // by family, as net.Dialer races them; IPv4-mapped is IPv4
			ap := netip.AddrPortFrom(ip.Unmap(), uint16(n))
			i := slices.IndexFunc(s.fams, func(f []netip.AddrPort) bool { return f[0].Addr().Is4() == ap.Addr().Is4() })
			if i < 0 {
				i, s.fams = len(s.fams), append(s.fams, nil)
			}
			s.fams[i] = append(s.fams[i], ap)
		}
		s.host, s.port, key = host, port, s.fams[0][0].String()
	}
	unlock, err := handshakeLocks.lock(ctx, key)
	if err != nil {
		return err
	}
	s.hold(unlock, resolve)
	return nil
}
