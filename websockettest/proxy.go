//go:build !js

package websockettest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Direction is the way a frame goes through a Proxy: ToServer (from the
// client to the server) or ToClient. The methods that take one panic on any
// other value.
type Direction int

// The two directions of a proxied connection.
const (
	ToServer Direction = 1
	ToClient Direction = 2
)

// String returns "to server" or "to client".
func (d Direction) String() string {
	switch d {
	case ToServer:
		return "to server"
	case ToClient:
		return "to client"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// ProxyOptions are the options of NewProxy.
type ProxyOptions struct {
	// KeepExtensions forwards the client's Sec-WebSocket-Extensions offer
	// (permessage-deflate) to the server. By default the proxy removes it,
	// so that no extension is negotiated and every frame's payload is plain
	// data that the record shows and Rewrite can change. With it, frames
	// still pass through as they are, RSV1 and compressed payload included,
	// but the record and the hooks see compressed bytes.
	KeepExtensions bool
	// TLSConfig is used to dial a wss:// target; nil means the system's
	// roots. For a NewTLSServer target, pass the configuration of its
	// Client: srv.Client().Transport.(*http.Transport).TLSClientConfig.
	TLSConfig *tls.Config
}

// Proxy is a WebSocket proxy on 127.0.0.1 for one test, between a client and
// a real server, made by NewProxy. It forwards each connection's opening
// handshake, then each frame, one at a time and as it is, in both
// directions, recording them, and lets the test misbehave on either side:
// pause a direction (ProxyConn.Pause), drop or reset the connection, hold,
// rewrite or inject frames, refuse new connections (SetRefuse) or hold their
// handshakes (PauseHandshakes). Its methods are safe to call from any
// goroutine.
//
// The proxy listens for plain ws:// only; its target may be ws:// or wss://.
type Proxy struct {
	// URL is the proxy's base URL, ws://127.0.0.1:port. A client that
	// connects to URL + "/chat?x=1" reaches the target's URL + "/chat?x=1".
	URL string

	t      testing.TB
	ln     net.Listener
	target *url.URL
	opts   ProxyOptions
	ctx    context.Context // canceled by Close
	cancel context.CancelFunc

	mu        sync.Mutex
	changed   chan struct{}
	raw       map[net.Conn]bool // TCP connections whose handshake is under way
	conns     map[*ProxyConn]bool
	all       []*ProxyConn // every connection, in order
	pending   []*ProxyConn // connections Accept has not taken
	onConn    func(*ProxyConn)
	refuse    int
	paused    bool // PauseHandshakes
	seen      int  // opening handshakes received
	closed    bool
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// NewProxy starts a proxy to target, a ws:// or wss:// URL (such as a
// Server's URL), that t's Cleanup closes with every connection and goroutine
// it started. At most one ProxyOptions may be given. NewProxy does not
// connect to target: each client's connection does, when it comes.
//
// The path and query a client asks for are appended to target's: with target
// ws://host/api, a client of URL + "/chat?x=1" reaches ws://host/api/chat?x=1.
// The opening handshake is forwarded with the client's headers (Origin,
// cookies, Sec-WebSocket-Protocol, the key …) except Host, which names the
// target, and Sec-WebSocket-Extensions, removed unless
// ProxyOptions.KeepExtensions. The server's answer goes back as it came: a
// refusal reaches the client with its status, headers and body.
func NewProxy(t testing.TB, target string, opts ...ProxyOptions) *Proxy {
	t.Helper()
	if len(opts) > 1 {
		t.Fatalf("websockettest: NewProxy takes at most one ProxyOptions, got %d", len(opts))
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		t.Fatalf("websockettest: NewProxy: the target %q is not a ws:// or wss:// URL", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("websockettest: NewProxy: %v", err)
	}
	p := &Proxy{
		URL: "ws://" + ln.Addr().String(), t: t, ln: ln, target: u,
		changed: make(chan struct{}), raw: map[net.Conn]bool{}, conns: map[*ProxyConn]bool{},
	}
	if len(opts) == 1 {
		p.opts = opts[0]
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.acceptLoop()
	t.Cleanup(p.Close)
	return p
}

// broadcast wakes the goroutines waiting for a change; p.mu is held.
func (p *Proxy) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// OnConn makes fn run for each later connection, once the server's answer
// to its handshake has been forwarded to the client and before any of its
// frames is, on the connection's goroutine: there a test installs hooks
// (Hold, Rewrite), pauses a direction or injects a frame, so that it applies
// from the first frame. nil removes it. fn must not wait for the
// connection's traffic, and must not call Accept.
func (p *Proxy) OnConn(fn func(*ProxyConn)) {
	p.mu.Lock()
	p.onConn = fn
	p.mu.Unlock()
}

// SetRefuse makes the proxy answer each later opening handshake itself with
// the HTTP status (such as 503) and close the connection, without reaching
// the target, as a server that is down behind a load balancer; the client
// reports a *websocket.HandshakeError. 0 forwards handshakes again.
// Connections already open are not touched (DropAll ends them).
func (p *Proxy) SetRefuse(status int) {
	p.mu.Lock()
	p.refuse = status
	p.mu.Unlock()
}

// PauseHandshakes makes the proxy hold each later opening handshake (and
// those held already) without forwarding it, until ResumeHandshakes, as a
// server that accepts TCP connections and does not answer: the client's
// connection timeout is what ends the wait.
func (p *Proxy) PauseHandshakes() {
	p.mu.Lock()
	p.paused = true
	p.broadcast()
	p.mu.Unlock()
}

// ResumeHandshakes forwards the handshakes PauseHandshakes held, and the
// later ones.
func (p *Proxy) ResumeHandshakes() {
	p.mu.Lock()
	p.paused = false
	p.broadcast()
	p.mu.Unlock()
}

// DropAll drops every open connection (ProxyConn.Drop): TCP closes on both
// sides without a close frame. The proxy goes on accepting new ones.
func (p *Proxy) DropAll() {
	p.mu.Lock()
	conns := make([]*ProxyConn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.Drop()
	}
}

// Conns returns every connection the proxy has forwarded so far (whose
// handshake the server accepted), in the order their handshakes completed,
// the ended ones and those Accept took included.
func (p *Proxy) Conns() []*ProxyConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*ProxyConn(nil), p.all...)
}

// Accept returns the next proxied connection, waiting for one whose
// handshake the server accepts if none has come yet; connections are kept in
// the order their handshakes completed until Accept takes them. If none comes
// before ctx ends, Accept fails the test with t.Fatalf. Call it from the
// test's goroutine.
func (p *Proxy) Accept(ctx context.Context) *ProxyConn {
	p.t.Helper()
	for {
		p.mu.Lock()
		if len(p.pending) > 0 {
			c := p.pending[0]
			p.pending = p.pending[1:]
			p.mu.Unlock()
			return c
		}
		seen, taken, closed, ch := p.seen, len(p.all), p.closed, p.changed
		p.mu.Unlock()
		if closed {
			p.t.Fatalf("websockettest: Proxy.Accept: the proxy is closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			p.t.Fatalf("websockettest: Proxy.Accept: no connection before the context ended (%v); the proxy saw %d handshake(s), of which %d became connections that earlier Accepts took", context.Cause(ctx), seen, taken)
			return nil
		}
	}
}

// Close closes the listener, ends every connection without a closing
// handshake and waits for the proxy's goroutines. t's Cleanup calls it;
// calling it again does nothing.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.broadcast()
		raw := make([]net.Conn, 0, len(p.raw))
		for c := range p.raw {
			raw = append(raw, c)
		}
		conns := make([]*ProxyConn, 0, len(p.conns))
		for c := range p.conns {
			conns = append(conns, c)
		}
		p.mu.Unlock()
		p.cancel()
		p.ln.Close()
		for _, c := range raw {
			c.Close()
		}
		for _, c := range conns {
			c.end(errProxyClosed, false)
		}
		waited := make(chan struct{})
		go func() { p.wg.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(cleanupTimeout):
			p.t.Errorf("websockettest: a hook of the proxy was still running %v after the proxy closed its connections", cleanupTimeout)
		}
	})
}

var errProxyClosed = errors.New("the proxy closed (Proxy.Close)")

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		if !p.track(nc) {
			nc.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(nc)
		}()
	}
}

// track adds nc to the connections Close closes; it reports false once the
// proxy is closed.
func (p *Proxy) track(nc net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.raw[nc] = true
	return true
}

func (p *Proxy) untrack(nc net.Conn) {
	p.mu.Lock()
	delete(p.raw, nc)
	p.mu.Unlock()
}

// handle forwards one client's opening handshake and, once the server has
// accepted it, makes its ProxyConn.
func (p *Proxy) handle(cnc net.Conn) {
	ok := false
	defer func() {
		p.untrack(cnc)
		if !ok {
			cnc.Close()
		}
	}()
	cbr := bufio.NewReader(cnc)
	req, err := http.ReadRequest(cbr)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.seen++
	p.broadcast()
	for p.paused && !p.closed {
		ch := p.changed
		p.mu.Unlock()
		<-ch
		p.mu.Lock()
	}
	refuse, closed := p.refuse, p.closed
	p.mu.Unlock()
	if closed {
		return
	}
	if refuse != 0 {
		writeStatus(cnc, refuse, "websockettest: the proxy refuses connections (Proxy.SetRefuse)")
		return
	}

	snc, err := p.dial()
	if err != nil {
		writeStatus(cnc, http.StatusBadGateway, "websockettest: the proxy cannot reach its target: "+err.Error())
		return
	}
	if !p.track(snc) {
		snc.Close()
		return
	}
	defer func() {
		p.untrack(snc)
		if !ok {
			snc.Close()
		}
	}()
	if _, err := io.WriteString(snc, p.request(req)); err != nil {
		return
	}
	sbr := bufio.NewReader(snc)
	resp, err := http.ReadResponse(sbr, req)
	if err != nil {
		return // the server closed without an answer: so does the proxy
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Write(cnc) // the refusal as it came, its body included
		resp.Body.Close()
		return
	}
	// The connection is known (Conns) before the client can see it open;
	// writes to the client (Inject) wait for the 101 to be written.
	c := newProxyConn(p, req, resp, cnc, cbr, snc, sbr)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	ok = true
	p.conns[c] = true
	p.all = append(p.all, c)
	p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	resp.Header.Write(&b)
	b.WriteString("\r\n")
	if _, err := io.WriteString(cnc, b.String()); err != nil {
		c.end(fmt.Errorf("writing the server's answer to the client: %w", err), false) // the pumps end at once
	}
	close(c.answered)

	p.mu.Lock()
	fn := p.onConn
	p.mu.Unlock()
	if fn != nil {
		fn(c)
	}
	p.mu.Lock()
	p.pending = append(p.pending, c)
	p.broadcast()
	p.mu.Unlock()
	p.wg.Add(2)
	go c.pump(ToServer)
	go c.pump(ToClient)
}

// dial opens a connection to the target, with TLS for wss://.
func (p *Proxy) dial() (net.Conn, error) {
	host := p.target.Host
	if p.target.Port() == "" {
		if p.target.Scheme == "wss" {
			host = net.JoinHostPort(p.target.Hostname(), "443")
		} else {
			host = net.JoinHostPort(p.target.Hostname(), "80")
		}
	}
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if p.target.Scheme == "wss" {
		cfg := p.opts.TLSConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg.ServerName = p.target.Hostname()
		}
		cfg.NextProtos = []string{"http/1.1"}
		d := tls.Dialer{Config: cfg}
		return d.DialContext(ctx, "tcp", host)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", host)
}

// request is the client's opening handshake as it goes to the target.
func (p *Proxy) request(r *http.Request) string {
	path := strings.TrimSuffix(p.target.EscapedPath(), "/") + r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	query := p.target.RawQuery
	if r.URL.RawQuery != "" {
		if query != "" {
			query += "&"
		}
		query += r.URL.RawQuery
	}
	if query != "" {
		path += "?" + query
	}
	h := r.Header.Clone()
	if !p.opts.KeepExtensions {
		h.Del("Sec-WebSocket-Extensions")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\n", path, p.target.Host)
	h.Write(&b)
	b.WriteString("\r\n")
	return b.String()
}

// writeStatus answers a handshake with status and body.
func writeStatus(w io.Writer, status int, body string) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body)
}

// ProxyFrame is one frame in the record of a ProxyConn: a frame the proxy
// wrote to one side (forwarded, rewritten or injected), or one a Rewrite
// function discarded. A frame is recorded just before it is written, so that
// the record never shows an answer before what it answers. Its String method gives the one-line text form that
// records are compared in.
type ProxyFrame struct {
	// Dir is the way the frame went.
	Dir Direction
	// Frame is the frame as the proxy wrote it (for ToServer, masked with
	// MaskKey; Payload is always the unmasked payload), or, when Discarded,
	// as the proxy read it.
	Frame Frame
	// Rewritten marks a frame a Rewrite function returned; Discarded one it
	// dropped (not written); Injected one the test wrote with Inject.
	Rewritten, Discarded, Injected bool
	// Time is when the proxy recorded the frame, just before writing it (or
	// when it discarded it).
	Time time.Time
}

// String returns the frame's one-line text form, made to be compared:
//
//	to server text "hello"
//	to client binary "\x01\x02"
//	to client ping "" injected
//	to server pong ""
//	to client text "HELLO" rewritten
//	to client close 1000 "bye"
//	to server close
//	to client continuation "lo" (not fin)
//
// A close frame shows its code and reason, or nothing more when it has no
// payload. Payloads longer than 64 bytes are cut as the Recorder's messages
// are. Then come, when they apply: (not fin), rsv1, rsv2, rsv3, unmasked (a
// frame to the server without MASK), masked (a frame to the client with
// MASK), and rewritten, discarded or injected.
func (f ProxyFrame) String() string {
	var b strings.Builder
	b.WriteString(f.Dir.String())
	b.WriteByte(' ')
	p := f.Frame.Payload
	switch op := f.Frame.Opcode; op {
	case OpContinuation, OpText, OpBinary, OpPing, OpPong:
		b.WriteString(opName(op) + " " + quoteData(string(p), op == OpText))
	case OpClose:
		b.WriteString("close")
		if len(p) >= 2 {
			fmt.Fprintf(&b, " %d %s", binary.BigEndian.Uint16(p), quoteData(string(p[2:]), true))
		} else if len(p) == 1 {
			b.WriteString(" " + quoteData(string(p), false))
		}
	default:
		fmt.Fprintf(&b, "opcode %d %s", op, quoteData(string(p), false))
	}
	fr := f.Frame
	for _, flag := range []struct {
		on   bool
		name string
	}{
		{!fr.Fin, "(not fin)"}, {fr.RSV1, "rsv1"}, {fr.RSV2, "rsv2"}, {fr.RSV3, "rsv3"},
		{f.Dir == ToServer && !fr.Mask, "unmasked"}, {f.Dir == ToClient && fr.Mask, "masked"},
		{f.Rewritten, "rewritten"}, {f.Discarded, "discarded"}, {f.Injected, "injected"},
	} {
		if flag.on {
			b.WriteString(" " + flag.name)
		}
	}
	return b.String()
}

func opName(op byte) string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "opcode " + strconv.Itoa(int(op))
}

// ProxyConn is one connection through a Proxy: the client's TCP connection
// to the proxy and the proxy's to the server. Each direction has a goroutine
// that reads a frame from one side, passes it to the direction's Hold and
// Rewrite functions, writes it to the other side and records it. All
// methods are safe to call from any goroutine.
//
// When one side closes its TCP connection, the proxy closes its writing half
// of the other side's, so that a closing handshake ends as it would without
// the proxy; the connection has ended once both directions have.
type ProxyConn struct {
	p        *Proxy
	req      *http.Request
	resp     *http.Response
	cnc, snc net.Conn
	cbr, sbr *bufio.Reader
	cwmu     sync.Mutex // one write at a time to the client
	swmu     sync.Mutex // one write at a time to the server
	done     chan struct{}
	answered chan struct{} // closed once the 101 has been written to the client

	mu      sync.Mutex
	changed chan struct{}
	paused  [3]bool                      // by Direction
	hold    [3]func(Frame) bool          // by Direction
	rewrite [3]func(Frame) (Frame, bool) // by Direction
	held    [3]*Frame                    // the frame a Hold function caught, by Direction
	ended   [3]bool                      // the direction's goroutine has finished, by Direction
	next    [3]int                       // the first record entry WaitFrame has not passed, by Direction
	record  []ProxyFrame
	endedBy error // why the connection was ended, nil when both sides closed
	killed  bool  // end has closed TCP
}

func newProxyConn(p *Proxy, req *http.Request, resp *http.Response, cnc net.Conn, cbr *bufio.Reader, snc net.Conn, sbr *bufio.Reader) *ProxyConn {
	return &ProxyConn{p: p, req: req, resp: resp, cnc: cnc, cbr: cbr, snc: snc, sbr: sbr, done: make(chan struct{}), answered: make(chan struct{}), changed: make(chan struct{})}
}

// broadcast wakes the goroutines waiting for a change; c.mu is held.
func (c *ProxyConn) broadcast() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Request returns the client's opening handshake as the proxy received it
// (before the proxy removed Sec-WebSocket-Extensions). Its body and context
// are not usable.
func (c *ProxyConn) Request() *http.Request { return c.req }

// Response returns the server's answer to the opening handshake, the 101 the
// proxy forwarded. Its body is not usable.
func (c *ProxyConn) Response() *http.Response { return c.resp }

// Done returns a channel closed when the connection has ended: both
// directions have finished and both TCP connections are closed.
func (c *ProxyConn) Done() <-chan struct{} { return c.done }

// Err tells, once Done is closed, how the connection ended: nil when both
// sides closed their TCP connections (after a closing handshake or not),
// else the first error (a reset, Drop, Reset, Proxy.Close …). Before, it
// returns nil.
func (c *ProxyConn) Err() error {
	select {
	case <-c.done:
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.endedBy
}

// Pause stops the proxy reading dir's source (the server for ToClient, the
// client for ToServer) after the frame it is reading, if any, which waits
// too: frames queue in the kernel's buffers and the sender's writes back up,
// as on a stalled network. Frames of the other direction still pass, and
// Inject still writes. Resume undoes it.
func (c *ProxyConn) Pause(dir Direction) {
	c.mu.Lock()
	c.paused[dirIndex(dir)] = true
	c.broadcast()
	c.mu.Unlock()
}

// Resume lets dir's frames flow again after Pause or a Hold: a frame a Hold
// function caught goes on first (through Rewrite, as any frame).
func (c *ProxyConn) Resume(dir Direction) {
	c.mu.Lock()
	c.paused[dirIndex(dir)] = false
	c.broadcast()
	c.mu.Unlock()
}

// Hold makes fn look at each later frame of dir as the proxy reads it; the
// first frame for which fn returns true is held, not written, and dir is
// paused behind it (as by Pause) until Resume, which writes it and goes on.
// fn stays in place for the frames after; nil removes it. WaitHeld tells when
// a frame is held. fn runs on the direction's goroutine and must not wait for
// the connection's traffic.
func (c *ProxyConn) Hold(dir Direction, fn func(Frame) bool) {
	c.mu.Lock()
	c.hold[dirIndex(dir)] = fn
	c.mu.Unlock()
}

// WaitHeld waits until a Hold function of dir has caught a frame that is
// still held, and returns it; it fails when ctx ends first or the connection
// ends.
func (c *ProxyConn) WaitHeld(ctx context.Context, dir Direction) (Frame, error) {
	i := dirIndex(dir)
	for {
		c.mu.Lock()
		if f := c.held[i]; f != nil {
			c.mu.Unlock()
			return *f, nil
		}
		ch, ended := c.changed, c.ended[i]
		c.mu.Unlock()
		if ended {
			return Frame{}, fmt.Errorf("websockettest: WaitHeld: no frame %s is held and that direction has ended", dir)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Frame{}, fmt.Errorf("websockettest: WaitHeld: no frame %s held before the context ended (%w); record: %s", dir, context.Cause(ctx), c.describe())
		}
	}
}

// Rewrite makes fn change each later frame of dir before it is written: the
// frame fn returns is written in its place (and recorded, marked rewritten,
// unless it is the same frame), or none when keep is false (the record keeps
// the frame, marked discarded). fn may modify the frame's Payload in place.
// A changed frame to the server is masked with a fresh random key whatever
// fn returns (a test writes an unmasked one with InjectRaw); a frame to the
// client is written as fn returns it (Frame.Bytes). nil removes fn. fn runs on the direction's goroutine, after
// any Hold, and must not wait for the connection's traffic.
//
// Frames are rewritten one at a time: a message in several frames is seen
// frame by frame; with ProxyOptions.KeepExtensions, a compressed payload is
// seen compressed.
func (c *ProxyConn) Rewrite(dir Direction, fn func(Frame) (f Frame, keep bool)) {
	c.mu.Lock()
	c.rewrite[dirIndex(dir)] = fn
	c.mu.Unlock()
}

// Inject writes f, a frame of the test's own, to dir's side at once (between
// two frames of the proxy's, never inside one), even while dir is paused or
// holds a frame, and records it, marked injected. A frame to the server is
// masked with a fresh random key; a frame to the client is written as it is.
func (c *ProxyConn) Inject(dir Direction, f Frame) error {
	if dir == ToServer {
		f = maskFresh(f)
	}
	return c.write(ProxyFrame{Dir: dir, Frame: f, Injected: true})
}

// InjectRaw writes b, any bytes, to dir's side at once, as Inject does; they
// are not recorded.
func (c *ProxyConn) InjectRaw(dir Direction, b []byte) error {
	return c.writeBytes(dir, b)
}

// Drop ends the connection the way a lost network does: the proxy closes
// both TCP connections at once, without a close frame. The client's close
// event says 1006, not clean; the server sees its connection end the same
// way.
func (c *ProxyConn) Drop() { c.end(errProxyDropped, false) }

// Reset ends the connection with a TCP reset (RST, by SO_LINGER 0) to both
// the client and the server, without a close frame.
func (c *ProxyConn) Reset() { c.end(errProxyReset, true) }

var (
	errProxyDropped = errors.New("the test dropped the connection (ProxyConn.Drop)")
	errProxyReset   = errors.New("the test reset the connection (ProxyConn.Reset)")
)

// Frames returns a copy of the record so far: every frame the proxy wrote
// (or was writing when the connection ended) or discarded, in both
// directions, in the order it did so.
func (c *ProxyConn) Frames() []ProxyFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ProxyFrame(nil), c.record...)
}

// Strings returns the text form (ProxyFrame.String) of every frame of the
// record so far: the trace to compare with cmp.Diff.
func (c *ProxyConn) Strings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := make([]string, len(c.record))
	for i, f := range c.record {
		s[i] = f.String()
	}
	return s
}

// WaitFrame returns the next frame of the record that went dir with opcode,
// waiting for it until ctx ends. Each direction has its own place in the
// record: a WaitFrame passes over the frames of dir before the one it
// returns (they stay in Frames), and the next WaitFrame of dir starts after
// it. A frame already recorded is returned even if ctx has ended. It fails
// when ctx ends or the connection ends first, with an error that lists the
// record.
func (c *ProxyConn) WaitFrame(ctx context.Context, dir Direction, opcode byte) (ProxyFrame, error) {
	i := dirIndex(dir)
	var cause error
	for {
		c.mu.Lock()
		for ; c.next[i] < len(c.record); c.next[i]++ {
			if f := c.record[c.next[i]]; f.Dir == dir && f.Frame.Opcode == opcode {
				c.next[i]++
				c.mu.Unlock()
				return f, nil
			}
		}
		ch := c.changed
		c.mu.Unlock()
		if cause != nil {
			return ProxyFrame{}, fmt.Errorf("websockettest: WaitFrame: no %s frame %s before %s; record: %s", opName(opcode), dir, cause, c.describe())
		}
		select {
		case <-ch:
		case <-c.done:
			cause = errors.New("the connection ended")
		case <-ctx.Done():
			cause = fmt.Errorf("the context ended (%w)", context.Cause(ctx))
		}
	}
}

// describe lists the record for a failed wait: the first 8 frames and the
// last 24 of a longer one.
func (c *ProxyConn) describe() string {
	s := c.Strings()
	if len(s) == 0 {
		return "nothing"
	}
	if len(s) > maxListed {
		const head = 8
		s = append(append(s[:head:head], fmt.Sprintf("… (%d more)", len(s)-maxListed)), s[len(s)-(maxListed-head):]...)
	}
	return strings.Join(s, "; ")
}

func dirIndex(d Direction) int {
	if d != ToServer && d != ToClient {
		panic("websockettest: unknown Direction " + d.String())
	}
	return int(d)
}

func (c *ProxyConn) add(f ProxyFrame) {
	c.mu.Lock()
	c.record = append(c.record, f)
	c.broadcast()
	c.mu.Unlock()
}

// write records f and writes it to its side. It is recorded first, so that
// the record keeps cause before effect: the other side's answer to a frame
// cannot come before the frame in the record.
func (c *ProxyConn) write(f ProxyFrame) error {
	f.Time = time.Now()
	c.add(f)
	return c.writeBytes(f.Dir, f.Frame.Bytes())
}

// writeBytes writes b to dir's side, one write at a time.
func (c *ProxyConn) writeBytes(dir Direction, b []byte) error {
	nc, mu := c.cnc, &c.cwmu
	if dir == ToServer {
		nc, mu = c.snc, &c.swmu
	} else {
		<-c.answered
	}
	mu.Lock()
	defer mu.Unlock()
	if _, err := nc.Write(b); err != nil {
		return fmt.Errorf("websockettest: writing %s: %w", dir, err)
	}
	return nil
}

// sameFrame reports whether a and b are the same frame.
func sameFrame(a, b Frame) bool {
	return a.Fin == b.Fin && a.RSV1 == b.RSV1 && a.RSV2 == b.RSV2 && a.RSV3 == b.RSV3 &&
		a.Opcode == b.Opcode && a.Mask == b.Mask && a.MaskKey == b.MaskKey && bytes.Equal(a.Payload, b.Payload)
}

// maskFresh masks f with a fresh random key.
func maskFresh(f Frame) Frame {
	f.Mask = true
	rand.Read(f.MaskKey[:])
	return f
}

// wait returns once dir is neither paused nor holding a frame, or false once
// the connection is ending.
func (c *ProxyConn) wait(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.paused[i] && !c.killed {
		ch := c.changed
		c.mu.Unlock()
		<-ch
		c.mu.Lock()
	}
	return !c.killed
}

// pump forwards dir's frames until its source ends or the connection is
// ended.
func (c *ProxyConn) pump(dir Direction) {
	defer c.p.wg.Done()
	i := dirIndex(dir)
	src, dst := c.cbr, c.snc
	if dir == ToClient {
		src, dst = c.sbr, c.cnc
	}
	err := c.forward(dir, i, src)
	switch {
	case errors.Is(err, errEnded):
	case errors.Is(err, io.EOF):
		// The source closed its side: so does the proxy on the other one.
		closeWrite(dst)
	case errors.Is(err, syscall.ECONNRESET):
		c.end(fmt.Errorf("%s: %w", dir, err), true)
	default:
		c.end(fmt.Errorf("%s: %w", dir, err), false)
	}
	c.mu.Lock()
	c.ended[i] = true
	both := c.ended[ToServer] && c.ended[ToClient]
	c.broadcast()
	c.mu.Unlock()
	if both {
		c.end(nil, false)
		c.p.mu.Lock()
		delete(c.p.conns, c)
		c.p.mu.Unlock()
		close(c.done)
	}
}

// forward is pump's loop; it returns why it stopped.
func (c *ProxyConn) forward(dir Direction, i int, src *bufio.Reader) error {
	for {
		if !c.wait(i) {
			return errEnded
		}
		f, err := readFrame(src)
		if err != nil {
			return err
		}
		// A frame read while Pause came waits too.
		if !c.wait(i) {
			return errEnded
		}
		c.mu.Lock()
		hold := c.hold[i]
		c.mu.Unlock()
		if hold != nil && hold(f) {
			c.mu.Lock()
			c.held[i] = &f
			c.paused[i] = true
			c.broadcast()
			c.mu.Unlock()
			ok := c.wait(i)
			c.mu.Lock()
			c.held[i] = nil
			c.mu.Unlock()
			if !ok {
				return errEnded
			}
		}
		c.mu.Lock()
		rewrite := c.rewrite[i]
		c.mu.Unlock()
		rec := ProxyFrame{Dir: dir, Frame: f}
		if rewrite != nil {
			in := f
			in.Payload = bytes.Clone(f.Payload) // fn may change it in place
			nf, keep := rewrite(in)
			if !keep {
				rec.Discarded, rec.Time = true, time.Now()
				c.add(rec)
				continue
			}
			if !sameFrame(f, nf) {
				if dir == ToServer {
					nf = maskFresh(nf)
				}
				rec.Frame, rec.Rewritten = nf, true
			}
		}
		if err := c.write(rec); err != nil {
			return err
		}
	}
}

var errEnded = errors.New("the connection was ended")

// readFrame reads one frame, its payload unmasked.
func readFrame(r *bufio.Reader) (Frame, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Frame{}, err
	}
	f := Frame{
		Fin: hdr[0]&0x80 != 0, RSV1: hdr[0]&0x40 != 0, RSV2: hdr[0]&0x20 != 0, RSV3: hdr[0]&0x10 != 0,
		Opcode: hdr[0] & 0x0f, Mask: hdr[1]&0x80 != 0,
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Frame{}, unexpected(err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Frame{}, unexpected(err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > maxMessageSize {
		return Frame{}, fmt.Errorf("websockettest: a frame of %d bytes, more than the proxy takes (%d)", n, maxMessageSize)
	}
	if f.Mask {
		if _, err := io.ReadFull(r, f.MaskKey[:]); err != nil {
			return Frame{}, unexpected(err)
		}
	}
	f.Payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return Frame{}, unexpected(err)
	}
	if f.Mask {
		for j := range f.Payload {
			f.Payload[j] ^= f.MaskKey[j%4]
		}
	}
	return f, nil
}

// unexpected turns an end of the stream inside a frame into an error that is
// not io.EOF: the connection ended in the middle of a frame.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// closeWrite closes the writing half of nc (TCP, or TLS over TCP), or all of
// it when it has none.
func closeWrite(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		return
	}
	nc.Close()
}

// end closes both TCP connections (with a reset when rst), which ends both
// directions. why is the error Err reports, nil for a connection that both
// sides closed.
func (c *ProxyConn) end(why error, rst bool) {
	c.mu.Lock()
	first := !c.killed
	if first {
		c.killed = true
		c.endedBy = why
		c.broadcast()
	}
	c.mu.Unlock()
	if !first {
		return
	}
	for _, nc := range []net.Conn{c.cnc, c.snc} {
		if u, ok := nc.(interface{ NetConn() net.Conn }); ok { // TLS: TCP itself, no close_notify
			nc = u.NetConn()
		}
		if tc, ok := nc.(*net.TCPConn); ok && rst {
			tc.SetLinger(0)
		}
		nc.Close()
	}
}
