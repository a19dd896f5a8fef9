//go:build !js

package websocket_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// The rules of the hot path (takeover.go, writebehind.go): listeners may run on
// the reading goroutine and Send may write on the caller's, yet a blocked
// listener never stops pings or the closing handshake, and Send never waits for
// the network. The servers are the public test kit's (websockettest).

func TestBlockedListenerAnswersPings(t *testing.T) {
	// The server sends one message, then pings every 100 ms for 2 s; the client's
	// listener blocks until the server has had every pong.
	const pings = 20
	pinged := make(chan struct{})
	var pingErrs []error
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		if c.SendText("block") != nil { // the kit reads (and takes the pongs) in the background
			return
		}
		for i := range pings {
			time.Sleep(100 * time.Millisecond)
			pctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := c.Ping(pctx, []byte(strconv.Itoa(i))); err != nil {
				pingErrs = append(pingErrs, err)
			}
			cancel()
		}
		close(pinged)
		<-c.Done()
	})
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{OnMessage: func(e *websocket.MessageEvent) {
		select {
		case <-pinged:
		case <-time.After(60 * time.Second):
		}
		e.Target.Close()
	}})
	wait()
	within(t, pinged, "the pings")
	if len(pingErrs) > 0 {
		t.Fatalf("%d of %d pings unanswered while the listener blocked: %v", len(pingErrs), pings, pingErrs[0])
	}
	checkNoLeak(t)
}

func TestBlockedListenerCloseCompletes(t *testing.T) {
	// The server sends a message and starts the closing handshake at once; the
	// client's listener blocks until the server's Close has returned. The
	// handshake completes meanwhile, and "close" follows the listener's return.
	serverClosed := make(chan struct{})
	var closeErr error
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		if c.SendText("block") != nil {
			return
		}
		closeErr = c.Close(4000, "bye") // waits (websockettest.CloseTimeout at most) for the client's close frame
		close(serverClosed)
	})
	var returned bool
	var mu sync.Mutex
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{
		OnMessage: func(e *websocket.MessageEvent) {
			within(t, serverClosed, "the server's closing handshake")
			mu.Lock()
			returned = true
			mu.Unlock()
		},
		OnClose: func(*websocket.CloseEvent) {
			mu.Lock()
			defer mu.Unlock()
			if !returned {
				t.Error("close dispatched before the message listener returned")
			}
		},
	})
	events, states := wait()
	if closeErr != nil {
		t.Errorf("server's Close = %v: the client did not answer while its listener blocked", closeErr)
	}
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `message text "block"`, `close 4000 "bye" clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "OPEN", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	checkNoLeak(t)
}

// gatedSink is a server that reads nothing until its gate opens, then reads every
// message and records them.
type gatedSink struct {
	gate chan struct{}
	got  chan []string // what it read, once the client closed
}

func newGatedSink(t *testing.T) (*gatedSink, string) {
	g := &gatedSink{gate: make(chan struct{}), got: make(chan []string, 1)}
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		c.StopReading()
		select {
		case <-g.gate:
		case <-c.Done():
		}
		c.ResumeReading()
		var got []string
		for {
			m, err := c.Read(context.Background())
			if err != nil {
				g.got <- got
				return
			}
			got = append(got, string(m.Data[:min(len(m.Data), 16)]))
		}
	})
	return g, srv.URL
}

func TestSendNeverWaitsForTheNetwork(t *testing.T) {
	// The server stops reading: the kernel's buffers fill, Send still returns at
	// once, BufferedAmount grows; once the server reads, every byte goes out in
	// order and BufferedAmount falls back to 0.
	sink, url := newGatedSink(t)
	opened := make(chan struct{})
	ws, err := websocket.NewWithOptions(url, &websocket.Options{DisableCompression: true, OnOpen: func(*websocket.Event) { close(opened) }})
	if err != nil {
		t.Fatal(err)
	}
	within(t, opened, "open")
	const n, size = 512, 64 << 10 // 32 MiB: far more than loopback's socket buffers
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		msg := make([]byte, size)
		for i := range n {
			copy(msg, fmt.Sprintf("%016d", i))
			if err := ws.Send(msg); err != nil {
				t.Errorf("Send %d: %v", i, err)
				return
			}
		}
	}()
	within(t, sent, "512 Sends while the server reads nothing")
	if b := ws.BufferedAmount(); b == 0 || b > n*size {
		t.Fatalf("BufferedAmount = %d while the server reads nothing, want in (0, %d]", b, n*size)
	}
	close(sink.gate)
	deadline := time.Now().Add(30 * time.Second)
	for ws.BufferedAmount() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("BufferedAmount still %d after the server read for 30 s", ws.BufferedAmount())
		}
		time.Sleep(10 * time.Millisecond)
	}
	ws.Close()
	<-ws.Done()
	var got []string
	select {
	case got = <-sink.got:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not finish reading")
	}
	if len(got) != n {
		t.Fatalf("server read %d messages, want %d", len(got), n)
	}
	for i, s := range got {
		if s != fmt.Sprintf("%016d", i) {
			t.Fatalf("message %d is %q: out of order", i, s)
		}
	}
	checkNoLeak(t)
}

func TestSendPastMaxBufferedAmountFails(t *testing.T) {
	// Against a server that reads nothing, what the kernel does not take stays
	// buffered, and the Send that would pass the limit fails the connection.
	sink, url := newGatedSink(t)
	defer close(sink.gate)
	var sendErr error
	_, rec, wait := dialTrace(t, url, &websocket.Options{MaxBufferedAmount: 8 << 20, DisableCompression: true, OnOpen: func(e *websocket.Event) {
		big := make([]byte, 256<<10)
		for range 1024 { // 256 MiB: past the limit and loopback's buffers
			if sendErr = e.Target.Send(big); sendErr != nil {
				return
			}
		}
	}})
	events, states := wait()
	if !errors.Is(sendErr, websocket.ErrBufferFull) {
		t.Errorf("Send = %v, want ErrBufferFull", sendErr)
	}
	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `error`, `close 1006 "" not clean`}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"OPEN", "CLOSED", "CLOSED"}, states); diff != "" {
		t.Errorf("readyState at each event (-want +got):\n%s", diff)
	}
	checkErrorEventsHaveErr(t, rec)
	checkNoLeak(t)
}

func TestSendFromManyGoroutinesKeepsEachOrder(t *testing.T) {
	// Eight goroutines send at once; the echo comes back with each goroutine's
	// messages in its own order, and none lost.
	const gs, per = 8, 300
	done := make(chan struct{})
	last := map[string]int{}
	count := 0
	var bad []string
	srv := websockettest.NewServer(t, websockettest.Echo)
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{
		OnOpen: func(e *websocket.Event) {
			ws := e.Target
			for g := range gs {
				go func() {
					for i := range per {
						ws.Send(fmt.Sprintf("%d:%d", g, i))
					}
				}()
			}
		},
		OnMessage: func(e *websocket.MessageEvent) {
			g, i, _ := strings.Cut(e.Data.(string), ":")
			n, _ := strconv.Atoi(i)
			if prev, ok := last[g]; (ok && n != prev+1) || (!ok && n != 0) {
				bad = append(bad, e.Data.(string))
			}
			last[g] = n
			if count++; count == gs*per {
				close(done)
				e.Target.Close()
			}
		},
	})
	wait()
	within(t, done, "every echo")
	if len(bad) > 0 {
		t.Errorf("%d messages out of their goroutine's order, first %q", len(bad), bad[0])
	}
}

func TestOrderAcrossHundredsOfSockets(t *testing.T) {
	// 300 sockets at once, each a ping-pong written as JavaScript writes it (the
	// message listener sends the next message): every socket sees its messages
	// in order and its events in the right sequence.
	const sockets, rounds = 300, 40
	srv := websockettest.NewServer(t, websockettest.Echo)
	var wg sync.WaitGroup
	errs := make(chan string, sockets)
	for s := range sockets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := 0
			var seq []string
			ws, err := websocket.NewWithOptions(srv.URL, &websocket.Options{
				OnOpen: func(e *websocket.Event) { seq = append(seq, "open"); e.Target.Send("0") },
				OnMessage: func(e *websocket.MessageEvent) {
					if e.Data != strconv.Itoa(next) {
						errs <- fmt.Sprintf("socket %d: message %v, want %d", s, e.Data, next)
					}
					next++
					if next == rounds {
						seq = append(seq, "last")
						e.Target.Close()
						return
					}
					e.Target.Send(strconv.Itoa(next))
				},
				OnClose: func(e *websocket.CloseEvent) { seq = append(seq, "close") },
			})
			if err != nil {
				errs <- err.Error()
				return
			}
			select {
			case <-ws.Done():
			case <-time.After(60 * time.Second):
				errs <- fmt.Sprintf("socket %d: not done within 60 s", s)
				return
			}
			if diff := cmp.Diff([]string{"open", "last", "close"}, seq); diff != "" {
				errs <- fmt.Sprintf("socket %d: events (-want +got):\n%s", s, diff)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	checkNoLeak(t)
}

func TestUserHTTPClientWritesInOrder(t *testing.T) {
	// With a user's HTTPClient the package has no write-behind connection of its
	// own: a writer goroutine writes the send queue, in order, and
	// BufferedAmount falls as it goes.
	const n = 500
	var got []string
	srv := websockettest.NewServer(t, websockettest.Echo)
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{
		HTTPClient: &http.Client{},
		OnOpen: func(e *websocket.Event) {
			for i := range n {
				e.Target.Send(strconv.Itoa(i))
			}
		},
		OnMessage: func(e *websocket.MessageEvent) {
			got = append(got, e.Data.(string))
			if len(got) == n {
				if b := e.Target.BufferedAmount(); b != 0 {
					t.Errorf("BufferedAmount = %d once every echo is back, want 0", b)
				}
				e.Target.Close()
			}
		},
	})
	wait()
	if len(got) != n {
		t.Fatalf("got %d echoes, want %d", len(got), n)
	}
	for i, s := range got {
		if s != strconv.Itoa(i) {
			t.Fatalf("echo %d is %q: out of order", i, s)
		}
	}
	checkNoLeak(t)
}

func TestWriteBehindUnderTLS(t *testing.T) {
	// wss through the socket's own transport: TLS writes into the write-behind
	// connection; 64 KiB messages spill over the kernel's buffer, and every
	// echo comes back whole and in order. (Not srv.Options: with a user's
	// HTTPClient there is no write-behind; the default transport is made to
	// trust the server instead.)
	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	dt := http.DefaultTransport.(*http.Transport)
	old := dt.TLSClientConfig
	dt.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	defer func() { dt.TLSClientConfig = old }()

	const n, size = 200, 64 << 10
	got := 0
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{
		DisableCompression: true,
		OnOpen: func(e *websocket.Event) {
			e.Target.SetBinaryType(websocket.BinaryTypeArrayBuffer)
			msg := make([]byte, size)
			for i := range n {
				copy(msg, fmt.Sprintf("%08d", i))
				e.Target.Send(msg)
			}
		},
		OnMessage: func(e *websocket.MessageEvent) {
			b := e.Data.([]byte)
			if len(b) != size || string(b[:8]) != fmt.Sprintf("%08d", got) {
				t.Errorf("echo %d: %d bytes starting %q", got, len(b), b[:min(8, len(b))])
			}
			if got++; got == n {
				e.Target.Close()
			}
		},
	})
	events, _ := wait()
	if got != n {
		t.Fatalf("%d echoes of %d; trace ends %s", got, n, events[len(events)-1])
	}
	checkNoLeak(t)
}
