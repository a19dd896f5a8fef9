//go:build !js

package websocket

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"sync"
	"time"
)

// handshakeLocks lets at most one opening handshake per endpoint (IP address
// and port) be in flight in the process, as RFC 6455 §4.1 asks ("MUST NOT have
// more than one connection in a CONNECTING state") and Chromium does: the next
// handshake to an endpoint starts when the previous one opened or failed,
// in the order they asked.
var handshakeLocks = endpointLocks{held: map[string][]chan struct{}{}}

// endpointLocks is a FIFO lock per key.
type endpointLocks struct {
	mu sync.Mutex
	// held has a key while its lock is held; the value lists who waits, first
	// first. A waiter's channel is closed when the lock passes to it.
	held map[string][]chan struct{}
}

// lock waits until key's lock is free and takes it, or returns ctx's error when
// ctx ends first. unlock may be called more than once.
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
	waiters = l.held[key]
	for i, w := range waiters {
		if w == ch {
			l.held[key] = append(waiters[:i:i], waiters[i+1:]...)
			l.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	l.mu.Unlock()
	unlock() // it was handed to us meanwhile: pass it on
	return nil, ctx.Err()
}

// release passes key's lock to the first waiter, or frees it.
func (l *endpointLocks) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	waiters := l.held[key]
	if len(waiters) == 0 {
		delete(l.held, key)
		return
	}
	l.held[key] = waiters[1:]
	close(waiters[0])
}

// handshakeSlot is one socket's hold on handshakeLocks: the locks its
// handshake took, released together when the handshake ends.
type handshakeSlot struct {
	ctx     context.Context // the handshake's: waiting and dialing end with it
	host    string          // the URL's host and port, and the addresses the host
	port    string          // resolved to (lock), for dialContext
	ips     []netip.Addr
	mu      sync.Mutex
	unlocks []func()
	done    bool
	// first is the unlock of the first address's lock that lock took, until
	// an attempt to that address (lockEndpoint) takes it over; it stays among
	// unlocks too, for a handshake that never dials.
	first func()
}

// hold keeps unlock until release; after release it unlocks at once (a dial
// of the transport that ends after the handshake gave up).
func (s *handshakeSlot) hold(unlock func()) {
	s.mu.Lock()
	done := s.done
	if !done {
		s.unlocks = append(s.unlocks, unlock)
	}
	s.mu.Unlock()
	if done {
		unlock()
	}
}

// release ends the slot's hold: the handshake opened or failed.
func (s *handshakeSlot) release() {
	s.mu.Lock()
	s.done = true
	unlocks := s.unlocks
	s.unlocks = nil
	s.first = nil // a dial after the handshake ended waits its turn again
	s.mu.Unlock()
	for _, u := range unlocks {
		u()
	}
}

// dialer is what http.DefaultTransport dials with.
var dialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}

// lock takes the socket's turn before its handshake starts, so that a socket
// waiting for its turn holds nothing but its goroutine. With the socket's own
// transport (resolve set) the key is the first address the URL's host resolves
// to, and its port, and dialContext connects there first (native_dial.go);
// through the caller's HTTPClient, whose dialing the package does not see, it
// is the URL's host and port as written (a proxy, or the client's own
// resolver, decides where it really goes).
func (s *handshakeSlot) lock(ctx context.Context, href string, resolve bool) error {
	u, err := url.Parse(href)
	if err != nil {
		return err
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "wss" {
			port = "443"
		}
	}
	key := net.JoinHostPort(host, port)
	if resolve {
		ips, err := lookupNetIP(ctx, "ip", host)
		if err != nil {
			return err
		}
		if len(ips) == 0 {
			return &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
		s.host, s.port, s.ips = host, port, ips
		key = net.JoinHostPort(ips[0].Unmap().String(), port)
	}
	unlock, err := handshakeLocks.lock(ctx, key)
	if err != nil {
		return err
	}
	if resolve {
		s.mu.Lock()
		if !s.done {
			s.first = unlock
		}
		s.mu.Unlock()
	}
	s.hold(unlock)
	return nil
}

// dialContext is the DialContext of the socket's own transport. It connects to
// the addresses lock resolved as net.Dialer would have connected to the host
// (dialParallel: the two families raced, RFC 8305), but each attempt under its
// endpoint's lock: the first address's is the one lock took, each other one is
// taken when the attempt starts, waiting while another handshake to it is in
// flight. An attempt that fails or loses the race releases its lock at once;
// the winner's is held until release. As with net.Dialer, dialer.Timeout
// bounds the whole dial, shared out among a family's addresses, and a wait for
// an address's turn counts against it. (An address other than the URL's, a
// proxy's, is dialed as it is.)
func (s *handshakeSlot) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.ctx != nil {
		defer context.AfterFunc(s.ctx, cancel)()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || len(s.ips) == 0 || host != s.host || port != s.port {
		return dialAddr(ctx, network, addr)
	}
	if dialer.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, dialer.Timeout)
		defer cancel()
	}
	primaries, fallbacks := partition(s.ips)
	c, unlock, err := s.dialParallel(ctx, network, port, primaries, fallbacks)
	if err != nil {
		return nil, err
	}
	s.hold(unlock)
	return c, nil
}
