//go:build !js

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/browserws/websocket"
	cws "github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
)

// conn is one open connection of one library, to one path of the echo server. A
// conn is used for one kind of work only: roundTrips on /echo, receive on /push,
// send on /sink.
type conn interface {
	// roundTrips sends msg and waits for its echo, n times in a row.
	roundTrips(n int, msg []byte) error
	// receive asks the server for n messages of size bytes and waits until all
	// have arrived.
	receive(n, size int) error
	// send sends n copies of msg, then waits for the server to confirm that all
	// arrived.
	send(n int, msg []byte) error
	// close closes the connection without a closing handshake.
	close()
}

// library is a WebSocket client library under test.
type library struct {
	name string
	// dial connects to url (with compression offered or not) and returns once the
	// connection is open.
	dial func(url string, compress bool) (conn, error)
	// only, if set, makes this library a variant measured on the workloads it
	// accepts only, and reported apart from the tables of every library (and from
	// the targets); nil: every workload.
	only func(workload) bool
}

func (l library) measures(w workload) bool { return l.only == nil || l.only(w) }

// libraries are the native clients, the baseline (raw coder/websocket) first.
var libraries = []library{
	{"coder/websocket (raw)", dialCoder, nil},
	{"browserws", dialBrowserws, nil},
	{"gorilla/websocket", dialGorilla, nil},
	{"lxzan/gws", dialGWS, nil},
	{sendWait, dialBrowserwsSendWait, func(w workload) bool { return w.Kind == "rtt" && w.Size == 16 }},
	{rawControl, dialCoder, func(workload) bool { return true }},
}

// rawControl is raw coder/websocket a second time, on a connection of its own:
// the A/A control. The report checks the targets for it against raw
// coder/websocket as it does for browserws. Two clients running the same code
// differ only by the harness's noise, so where the control misses a target, a
// miss of browserws by as much says nothing about the package.
const rawControl = "coder/websocket (raw, control)"

// sendWait is browserws with round trips written the other common way: the caller
// sends, then waits on a channel the message listener feeds, once per round trip.
// The caller's goroutine must be woken for every echo (a hand-off that no change in
// the package can remove), so issue 14 reports it next to the listener-driven
// ("JavaScript-style") round trips of "browserws" but sets no target for it. Small
// messages only: that is where the hand-off shows.
const sendWait = "browserws (Send+wait)"

const baseline = "coder/websocket (raw)"

// wasmRaw is the WASM bench's Go client written straight on syscall/js.
const wasmRaw = "syscall/js (raw)"

// errBadEcho means an echo came back with the wrong length or type.
var errBadEcho = errors.New("wsbench: unexpected message")

// errClosed means the socket closed during a measurement.
var errClosed = errors.New("wsbench: the connection closed")

// ---- raw github.com/coder/websocket: blocking Read and Write on one goroutine.

type coderConn struct{ c *cws.Conn }

func dialCoder(url string, compress bool) (conn, error) {
	mode := cws.CompressionDisabled
	if compress {
		mode = cws.CompressionContextTakeover // what browserws offers by default
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := cws.Dial(ctx, url, &cws.DialOptions{CompressionMode: mode})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(-1)
	return &coderConn{c}, nil
}

func (c *coderConn) roundTrips(n int, msg []byte) error {
	ctx := context.Background()
	for range n {
		if err := c.c.Write(ctx, cws.MessageBinary, msg); err != nil {
			return err
		}
		_, b, err := c.c.Read(ctx)
		if err != nil {
			return err
		}
		if len(b) != len(msg) {
			return errBadEcho
		}
	}
	return nil
}

func (c *coderConn) receive(n, size int) error {
	ctx := context.Background()
	if err := c.c.Write(ctx, cws.MessageText, []byte(pushCommand(n, size))); err != nil {
		return err
	}
	for range n {
		_, b, err := c.c.Read(ctx)
		if err != nil {
			return err
		}
		if len(b) != size {
			return errBadEcho
		}
	}
	return nil
}

func (c *coderConn) send(n int, msg []byte) error {
	ctx := context.Background()
	for range n {
		if err := c.c.Write(ctx, cws.MessageBinary, msg); err != nil {
			return err
		}
	}
	if err := c.c.Write(ctx, cws.MessageText, []byte("end")); err != nil {
		return err
	}
	_, b, err := c.c.Read(ctx)
	if err != nil {
		return err
	}
	if string(b) != "ok" {
		return errBadEcho
	}
	return nil
}

func (c *coderConn) close() { c.c.CloseNow() }

// ---- browserws, used as JavaScript code would use it: the work runs in the
// message handler (onmessage sends the next message), binaryType "arraybuffer".

// bwsRun is one piece of work for a browserws handler, handed over atomically.
type bwsRun struct {
	kind  byte // 'e' echo, 'w' echo for Send+wait, 'p' push, 's' sink
	n     int
	size  int
	msg   []byte
	count int // only the socket's dispatcher goroutine touches it
	done  chan error
}

type bwsConn struct {
	ws       *websocket.WebSocket
	run      atomic.Pointer[bwsRun]
	sendWait bool // roundTrips sends, then waits for the listener, per message
}

func dialBrowserws(url string, compress bool) (conn, error) { return dialBws(url, compress, false) }

func dialBrowserwsSendWait(url string, compress bool) (conn, error) {
	return dialBws(url, compress, true)
}

func dialBws(url string, compress, sendWait bool) (conn, error) {
	c := &bwsConn{sendWait: sendWait}
	opened := make(chan error, 1)
	ws, err := websocket.NewWithOptions(url, &websocket.Options{
		DisableCompression: !compress,
		MaxMessageSize:     -1,
		OnOpen:             func(*websocket.Event) { opened <- nil },
		OnMessage:          c.onMessage,
		OnError: func(e *websocket.Event) {
			select {
			case opened <- e.Err:
			default:
			}
			if r := c.run.Load(); r != nil {
				select {
				case r.done <- e.Err:
				default:
				}
			}
		},
	})
	if err != nil {
		return nil, err
	}
	ws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
	c.ws = ws
	if err := <-opened; err != nil {
		return nil, err
	}
	return c, nil
}

func (c *bwsConn) onMessage(e *websocket.MessageEvent) {
	r := c.run.Load()
	if r == nil {
		return
	}
	switch r.kind {
	case 'e':
		if d, ok := e.Data.([]byte); !ok || len(d) != len(r.msg) {
			r.done <- errBadEcho
			return
		}
		r.count++
		if r.count < r.n {
			c.ws.Send(r.msg)
		} else {
			r.done <- nil
		}
	case 'w': // Send+wait: hand each echo to the waiting caller
		if d, ok := e.Data.([]byte); !ok || len(d) != len(r.msg) {
			r.done <- errBadEcho
			return
		}
		r.done <- nil
	case 'p':
		if d, ok := e.Data.([]byte); !ok || len(d) != r.size {
			r.done <- errBadEcho
			return
		}
		r.count++
		if r.count == r.n {
			r.done <- nil
		}
	case 's':
		if e.Data == "ok" {
			r.done <- nil
		}
	}
}

func (c *bwsConn) start(r *bwsRun) *bwsRun {
	r.done = make(chan error, 1)
	c.run.Store(r)
	return r
}

func (c *bwsConn) roundTrips(n int, msg []byte) error {
	if c.sendWait {
		// The caller waits before it sends again, so at most one value is ever
		// in r.done (capacity 1): the listener never blocks on it. Done ends the
		// wait if the socket closes (an error event may find r.done full).
		r := c.start(&bwsRun{kind: 'w', msg: msg})
		for range n {
			if err := c.ws.Send(msg); err != nil {
				return err
			}
			select {
			case err := <-r.done:
				if err != nil {
					return err
				}
			case <-c.ws.Done():
				return errClosed
			}
		}
		return nil
	}
	r := c.start(&bwsRun{kind: 'e', n: n, msg: msg})
	if err := c.ws.Send(msg); err != nil {
		return err
	}
	return <-r.done
}

func (c *bwsConn) receive(n, size int) error {
	r := c.start(&bwsRun{kind: 'p', n: n, size: size})
	if err := c.ws.Send(pushCommand(n, size)); err != nil {
		return err
	}
	return <-r.done
}

// sendHighWater bounds what the browserws sender queues ahead of the network, as a
// JavaScript sender watching bufferedAmount would; high enough that it rarely
// has to wait (and poll every millisecond) for the queue to drain to half.
const sendHighWater = 4 << 20

func (c *bwsConn) send(n int, msg []byte) error {
	r := c.start(&bwsRun{kind: 's'})
	for range n {
		if c.ws.BufferedAmount() > sendHighWater {
			for c.ws.BufferedAmount() > sendHighWater/2 {
				time.Sleep(time.Millisecond)
			}
		}
		if err := c.ws.Send(msg); err != nil {
			return err
		}
	}
	if err := c.ws.Send("end"); err != nil {
		return err
	}
	return <-r.done
}

func (c *bwsConn) close() {
	c.ws.Close()
	select {
	case <-c.ws.Done():
	case <-time.After(10 * time.Second):
	}
}

// ---- gorilla/websocket: blocking ReadMessage and WriteMessage on one goroutine.

type gorillaConn struct{ c *gorilla.Conn }

func dialGorilla(url string, compress bool) (conn, error) {
	d := gorilla.Dialer{EnableCompression: compress, HandshakeTimeout: time.Minute}
	c, resp, err := d.Dial(url, nil)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			err = fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
		}
		return nil, err
	}
	return &gorillaConn{c}, nil
}

func (c *gorillaConn) roundTrips(n int, msg []byte) error {
	for range n {
		if err := c.c.WriteMessage(gorilla.BinaryMessage, msg); err != nil {
			return err
		}
		_, b, err := c.c.ReadMessage()
		if err != nil {
			return err
		}
		if len(b) != len(msg) {
			return errBadEcho
		}
	}
	return nil
}

func (c *gorillaConn) receive(n, size int) error {
	if err := c.c.WriteMessage(gorilla.TextMessage, []byte(pushCommand(n, size))); err != nil {
		return err
	}
	for range n {
		_, b, err := c.c.ReadMessage()
		if err != nil {
			return err
		}
		if len(b) != size {
			return errBadEcho
		}
	}
	return nil
}

func (c *gorillaConn) send(n int, msg []byte) error {
	for range n {
		if err := c.c.WriteMessage(gorilla.BinaryMessage, msg); err != nil {
			return err
		}
	}
	if err := c.c.WriteMessage(gorilla.TextMessage, []byte("end")); err != nil {
		return err
	}
	_, b, err := c.c.ReadMessage()
	if err != nil {
		return err
	}
	if string(b) != "ok" {
		return errBadEcho
	}
	return nil
}

func (c *gorillaConn) close() { c.c.Close() }

// ---- lxzan/gws: event handlers on its ReadLoop goroutine, like browserws; the
// echo handler writes the next message itself.

type gwsConn struct {
	gws.BuiltinEventHandler
	sock   *gws.Conn
	run    atomic.Pointer[bwsRun]
	closed chan struct{}
}

func dialGWS(url string, compress bool) (conn, error) {
	c := &gwsConn{closed: make(chan struct{})}
	sock, _, err := gws.NewClient(c, &gws.ClientOption{
		Addr: url,
		PermessageDeflate: gws.PermessageDeflate{
			Enabled:               compress,
			ServerContextTakeover: true,
			ClientContextTakeover: true,
		},
		ReadMaxPayloadSize:  1 << 30,
		WriteMaxPayloadSize: 1 << 30,
		HandshakeTimeout:    time.Minute,
	})
	if err != nil {
		return nil, err
	}
	c.sock = sock
	go sock.ReadLoop()
	return c, nil
}

// OnClose ends the work in progress.
func (c *gwsConn) OnClose(_ *gws.Conn, err error) {
	if r := c.run.Load(); r != nil {
		select {
		case r.done <- fmt.Errorf("gws closed: %w", err):
		default:
		}
	}
	close(c.closed)
}

// OnMessage does the work in progress.
func (c *gwsConn) OnMessage(sock *gws.Conn, m *gws.Message) {
	defer m.Close()
	r := c.run.Load()
	if r == nil {
		return
	}
	switch r.kind {
	case 'e':
		if m.Opcode != gws.OpcodeBinary || m.Data.Len() != len(r.msg) {
			r.done <- errBadEcho
			return
		}
		r.count++
		if r.count < r.n {
			if err := sock.WriteMessage(gws.OpcodeBinary, r.msg); err != nil {
				r.done <- err
			}
		} else {
			r.done <- nil
		}
	case 'p':
		if m.Data.Len() != r.size {
			r.done <- errBadEcho
			return
		}
		r.count++
		if r.count == r.n {
			r.done <- nil
		}
	case 's':
		if m.Data.String() == "ok" {
			r.done <- nil
		}
	}
}

func (c *gwsConn) start(r *bwsRun) *bwsRun {
	r.done = make(chan error, 1)
	c.run.Store(r)
	return r
}

func (c *gwsConn) roundTrips(n int, msg []byte) error {
	r := c.start(&bwsRun{kind: 'e', n: n, msg: msg})
	if err := c.sock.WriteMessage(gws.OpcodeBinary, msg); err != nil {
		return err
	}
	return <-r.done
}

func (c *gwsConn) receive(n, size int) error {
	r := c.start(&bwsRun{kind: 'p', n: n, size: size})
	if err := c.sock.WriteString(pushCommand(n, size)); err != nil {
		return err
	}
	return <-r.done
}

func (c *gwsConn) send(n int, msg []byte) error {
	r := c.start(&bwsRun{kind: 's'})
	for range n {
		if err := c.sock.WriteMessage(gws.OpcodeBinary, msg); err != nil {
			return err
		}
	}
	if err := c.sock.WriteString("end"); err != nil {
		return err
	}
	return <-r.done
}

func (c *gwsConn) close() {
	c.sock.NetConn().Close()
	select {
	case <-c.closed:
	case <-time.After(10 * time.Second):
	}
}
