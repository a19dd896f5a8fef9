//go:build !js

package websocket

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeNet stands in for the resolver and the dial of one address (lookupNetIP,
// dialAddr) so that a test can give a made-up host addresses that hang or
// refuse without a packet leaving the process: only loopback addresses are
// really dialed, and only when the test says so.
type fakeNet struct {
	t      *testing.T
	hosts  map[string][]netip.Addr
	act    map[netip.Addr]string // "hang", "refuse" or "connect"
	dialed chan string           // every dial's endpoint, as it starts
	ended  chan string           // a hanging dial's endpoint, once its ctx ended
	mu     sync.Mutex
	// deadlines has the deadline each dial had, by endpoint.
	deadlines map[string]time.Time
}

// refusedError is what a "refuse" address fails with: its endpoint.
type refusedError string

func (e refusedError) Error() string { return "fake: refused " + string(e) }

// useFakeNet puts a fakeNet in the place of the resolver and the dial until
// the test ends. Tests that call it must not run in parallel with any that
// dial.
func useFakeNet(t *testing.T, hosts map[string][]string, act map[string]string) *fakeNet {
	f := &fakeNet{t: t, hosts: map[string][]netip.Addr{}, act: map[netip.Addr]string{},
		dialed: make(chan string, 64), ended: make(chan string, 64), deadlines: map[string]time.Time{}}
	for h, ips := range hosts {
		for _, ip := range ips {
			f.hosts[h] = append(f.hosts[h], netip.MustParseAddr(ip))
		}
	}
	for ip, a := range act {
		f.act[netip.MustParseAddr(ip)] = a
	}
	lookup, dial := lookupNetIP, dialAddr
	t.Cleanup(func() { lookupNetIP, dialAddr = lookup, dial })
	lookupNetIP, dialAddr = f.lookup, f.dial
	return f
}

// lookup knows the test's hosts only.
func (f *fakeNet) lookup(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if ips, ok := f.hosts[host]; ok {
		return ips, nil
	}
	return nil, &net.DNSError{Err: "fake: unknown host", Name: host, IsNotFound: true}
}

// dial does what the test said for the address, and refuses anything else.
func (f *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	f.dialed <- addr
	deadline, _ := ctx.Deadline()
	f.mu.Lock()
	f.deadlines[addr] = deadline
	f.mu.Unlock()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		f.t.Errorf("dial %q: not an address", addr)
		return nil, refusedError(addr)
	}
	switch f.act[ap.Addr()] {
	case "hang":
		<-ctx.Done()
		f.ended <- addr
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	case "connect":
		if ap.Addr().IsLoopback() {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		f.t.Errorf("dial %q: only loopback addresses are dialed", addr)
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: refusedError(addr)}
}

// dials lists the endpoints dialed so far, in order.
func (f *fakeNet) dials() []string {
	var out []string
	for {
		select {
		case a := <-f.dialed:
			out = append(out, a)
		default:
			return out
		}
	}
}

// sorted compares lists of the families' dials, whose order between the racers
// a busy machine may change.
var sorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// localListener accepts connections on 127.0.0.1 until the test ends and
// returns its port.
func localListener(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// lockState tells whether key's handshake lock is held, and how many wait.
func lockState(key string) (held bool, waiting int) {
	handshakeLocks.mu.Lock()
	defer handshakeLocks.mu.Unlock()
	w, held := handshakeLocks.held[key]
	return held, len(w)
}

// slotDial locks and dials as the socket's own transport does for ws://host:port/.
func slotDial(ctx context.Context, s *handshakeSlot, host, port string) (net.Conn, error) {
	if err := s.lock(ctx, "ws://"+net.JoinHostPort(host, port)+"/", true); err != nil {
		return nil, err
	}
	return s.dialContext(ctx, "tcp", net.JoinHostPort(host, port))
}

// A host whose first address (IPv6) hangs is reached on its IPv4 address
// without waiting for the dial timeout, as net.Dialer and Chromium reach it;
// the hanging dial is cancelled, its lock released, and the winner's lock is
// held until release.
func TestDialEyeballsHangingFirstAddress(t *testing.T) {
	port := localListener(t)
	f := useFakeNet(t, map[string][]string{"eyeballs.test": {"2001:db8::1", "127.0.0.1"}},
		map[string]string{"2001:db8::1": "hang", "127.0.0.1": "connect"})
	s := &handshakeSlot{ctx: context.Background()}
	defer s.release()
	start := time.Now()
	c, err := slotDial(context.Background(), s, "eyeballs.test", port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v: it waited for the hanging address", took)
	}
	v6, v4 := net.JoinHostPort("2001:db8::1", port), net.JoinHostPort("127.0.0.1", port)
	if got := c.RemoteAddr().String(); got != v4 {
		t.Errorf("connected to %s, want %s", got, v4)
	}
	if diff := cmp.Diff([]string{v6, v4}, f.dials(), sorted); diff != "" {
		t.Errorf("dials (-want +got):\n%s", diff)
	}
	select {
	case a := <-f.ended:
		if a != v6 {
			t.Errorf("ended: %s", a)
		}
	default:
		t.Error("the hanging dial was not cancelled by the time the dial returned")
	}
	if held, _ := lockState(v6); held {
		t.Errorf("%s still locked: its attempt lost", v6)
	}
	if held, _ := lockState(v4); !held {
		t.Errorf("%s not locked during the handshake", v4)
	}
	s.release()
	if held, _ := lockState(v4); held {
		t.Errorf("%s still locked after release", v4)
	}
	checkNoLeak(t)
}

// The fallback address waits its turn while another handshake to it is in
// flight, and connects once that one ended.
func TestDialEyeballsFallbackWaitsForEndpointLock(t *testing.T) {
	port := localListener(t)
	f := useFakeNet(t, map[string][]string{"eyeballs.test": {"2001:db8::1", "127.0.0.1"}},
		map[string]string{"2001:db8::1": "hang", "127.0.0.1": "connect"})
	v6, v4 := net.JoinHostPort("2001:db8::1", port), net.JoinHostPort("127.0.0.1", port)
	other, err := handshakeLocks.lock(context.Background(), v4) // another socket's handshake
	if err != nil {
		t.Fatal(err)
	}
	defer other()
	s := &handshakeSlot{ctx: context.Background()}
	defer s.release()
	type result struct {
		c   net.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := slotDial(context.Background(), s, "eyeballs.test", port)
		done <- result{c, err}
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, waiting := lockState(v4); waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fallback did not queue for %s", v4)
		}
	}
	select {
	case r := <-done:
		t.Fatalf("dialed while another handshake to %s was in flight: %v %v", v4, r.c, r.err)
	default:
	}
	if diff := cmp.Diff([]string{v6}, f.dials()); diff != "" {
		t.Errorf("dials before the turn (-want +got):\n%s", diff)
	}
	other()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.c.Close()
	if got := r.c.RemoteAddr().String(); got != v4 {
		t.Errorf("connected to %s, want %s", got, v4)
	}
	if held, waiting := lockState(v4); !held || waiting != 0 {
		t.Errorf("%s: held %v, %d waiting; want held by the slot, none waiting", v4, held, waiting)
	}
	s.release()
	for _, k := range []string{v6, v4} {
		if held, _ := lockState(k); held {
			t.Errorf("%s still locked after release", k)
		}
	}
	checkNoLeak(t)
}

// A host of one family is dialed as before: one address after another, each
// with its share of the time left (as net.Dialer shares it), so that a hanging
// address leaves time for the next.
func TestDialSingleFamilySequential(t *testing.T) {
	port := localListener(t)
	f := useFakeNet(t, map[string][]string{
		"refuse-first.test": {"192.0.2.1", "127.0.0.1"},
		"hang-first.test":   {"192.0.2.2", "127.0.0.1"},
	}, map[string]string{"192.0.2.1": "refuse", "192.0.2.2": "hang", "127.0.0.1": "connect"})
	ep := func(ip string) string { return net.JoinHostPort(ip, port) }

	s := &handshakeSlot{ctx: context.Background()}
	c, err := slotDial(context.Background(), s, "refuse-first.test", port)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	s.release()
	if diff := cmp.Diff([]string{ep("192.0.2.1"), ep("127.0.0.1")}, f.dials()); diff != "" {
		t.Errorf("dials (-want +got):\n%s", diff)
	}

	// Four seconds for two addresses: the first hangs for its half.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	overall, _ := ctx.Deadline()
	s = &handshakeSlot{ctx: ctx}
	c, err = slotDial(ctx, s, "hang-first.test", port)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	s.release()
	if diff := cmp.Diff([]string{ep("192.0.2.2"), ep("127.0.0.1")}, f.dials()); diff != "" {
		t.Errorf("dials (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	first := f.deadlines[ep("192.0.2.2")]
	f.mu.Unlock()
	if first.IsZero() || !first.Before(overall) {
		t.Errorf("the hanging address had until %v, the dial until %v: nothing left for the next", first, overall)
	}
	for _, ip := range []string{"192.0.2.1", "192.0.2.2", "127.0.0.1"} {
		if held, _ := lockState(ep(ip)); held {
			t.Errorf("%s still locked", ep(ip))
		}
	}
	checkNoLeak(t)
}

// When every address fails, the error is the first address's, as net.Dialer
// returns it, and no lock is left held.
func TestDialEyeballsAllFail(t *testing.T) {
	port := "9" // never dialed for real
	useFakeNet(t, map[string][]string{
		"two-families.test": {"2001:db8::1", "192.0.2.1", "2001:db8::2"},
		"one-family.test":   {"192.0.2.3", "192.0.2.4"},
	}, map[string]string{"2001:db8::1": "refuse", "2001:db8::2": "refuse", "192.0.2.1": "refuse", "192.0.2.3": "refuse", "192.0.2.4": "refuse"})
	for host, first := range map[string]string{"two-families.test": "2001:db8::1", "one-family.test": "192.0.2.3"} {
		s := &handshakeSlot{ctx: context.Background()}
		_, err := slotDial(context.Background(), s, host, port)
		s.release()
		var r refusedError
		if !errors.As(err, &r) || string(r) != net.JoinHostPort(first, port) {
			t.Errorf("%s: error %v, want the first address's", host, err)
		}
	}
	for _, ip := range []string{"2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.3", "192.0.2.4"} {
		if held, _ := lockState(net.JoinHostPort(ip, port)); held {
			t.Errorf("%s still locked", ip)
		}
	}
	checkNoLeak(t)
}

// The end of the handshake's context ends both racers at once, each hanging
// dial cancelled and each lock released.
func TestDialEyeballsCancelled(t *testing.T) {
	port := "9"
	f := useFakeNet(t, map[string][]string{"hang.test": {"2001:db8::1", "192.0.2.1"}},
		map[string]string{"2001:db8::1": "hang", "192.0.2.1": "hang"})
	hs, cancel := context.WithCancel(context.Background())
	s := &handshakeSlot{ctx: hs}
	defer s.release()
	done := make(chan error, 1)
	go func() {
		_, err := slotDial(context.Background(), s, "hang.test", port)
		done <- err
	}()
	want := []string{net.JoinHostPort("2001:db8::1", port), net.JoinHostPort("192.0.2.1", port)}
	var dials []string
	for deadline := time.Now().Add(10 * time.Second); len(dials) < 2; time.Sleep(5 * time.Millisecond) {
		dials = append(dials, f.dials()...)
		if time.Now().After(deadline) {
			t.Fatalf("dials: %v, want both families", dials)
		}
	}
	if diff := cmp.Diff(want, dials, sorted); diff != "" {
		t.Errorf("dials (-want +got):\n%s", diff)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want the cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the dial did not end with its handshake's context")
	}
	if len(f.ended) != 2 {
		t.Errorf("%d hanging dials ended, want 2", len(f.ended))
	}
	for _, k := range want {
		if held, _ := lockState(k); held {
			t.Errorf("%s still locked", k)
		}
	}
	checkNoLeak(t)
}

// A socket opens to a made-up host whose first address hangs, through the
// package's own transport and the test server on 127.0.0.1.
func TestDialEyeballsOpens(t *testing.T) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Skipf("the test server %q is not on 127.0.0.1", serverURL)
	}
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"} {
		if os.Getenv(k) != "" {
			t.Skipf("%s is set: the handshake would go through the proxy", k)
		}
	}
	useFakeNet(t, map[string][]string{"eyeballs.test": {"2001:db8::1", "127.0.0.1"}},
		map[string]string{"2001:db8::1": "hang", "127.0.0.1": "connect"})
	href := strings.Replace(serverURL, "127.0.0.1", "eyeballs.test", 1)
	rec := record(t, strings.TrimSuffix(href, "/")+"/echo", Options{}, react{open: func(ws *WebSocket) { ws.Close() }})
	if diff := cmp.Diff([]step{opened(), closed(1005, "", true)}, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}
