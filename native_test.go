//go:build !js

package websocket

import (
	"context"
	"errors"
	"fmt"
	"github.com/browserws/websocket/internal/wire"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/google/go-cmp/cmp"
)

// leaked lists the goroutines of this package (not its tests) still running.
func leaked() []string { return leakcheck.Running(leakcheck.Websocket) }

// checkNoLeak fails t if goroutines of the package outlive the test by 5s.
func checkNoLeak(t *testing.T) { t.Helper(); leakcheck.CheckWebsocket(t) }

// within fails t unless ch is closed within a generous bound.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: not within 30 s", what)
	}
}

func TestNoGoroutineLeftAfterDone(t *testing.T) {
	// Run every scenario, then a loop of sockets, and check that once every Done
	// is closed nothing of the package runs.
	for _, sc := range scenarios() {
		rec := record(t, srv(sc.path), sc.opts, sc.react)
		rec.wait(t)
	}
	for i := 0; i < 1000; i++ {
		ws, err := New(srv("/echo"))
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			ws.Close() // while CONNECTING
		} else {
			ws.OnOpen(func(e *Event) { e.Target.CloseWithCode(1000, "") })
		}
		<-ws.Done()
	}
	checkNoLeak(t)
}

func TestDoneMeansNoGoroutine(t *testing.T) {
	// Right at Done, not after a grace period: the close event is dispatched last.
	rec := record(t, srv("/close?code=4000&reason=bye"), Options{}, react{})
	rec.wait(t)
	deadline := time.Now().Add(time.Second) // the dispatcher returns right after closing done
	for len(leaked()) > 0 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if l := leaked(); len(l) > 0 {
		t.Fatalf("goroutines left after Done:\n%s", strings.Join(l, "\n\n"))
	}
}

func TestCompressionOfferedByDefault(t *testing.T) {
	for _, c := range []struct {
		disable bool
		want    string
	}{{false, "permessage-deflate"}, {true, ""}} {
		var ext string
		rec := record(t, srv("/echo"), Options{DisableCompression: c.disable}, react{open: func(ws *WebSocket) {
			ext = ws.Extensions()
			ws.Send(strings.Repeat("compress me ", 100))
		}, message: func(ws *WebSocket, _ *MessageEvent) { ws.Close() }})
		got := rec.wait(t)
		if !strings.HasPrefix(ext, "permessage-deflate") && c.want != "" || c.want == "" && ext != "" {
			t.Errorf("DisableCompression=%v: Extensions() = %q, want %q", c.disable, ext, c.want)
		}
		if len(got) != 3 || got[1].Type != "message" {
			t.Errorf("DisableCompression=%v: trace %+v", c.disable, got)
		}
	}
}

func TestLargeMessageDeliveredByDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MiB message: skipped with -short")
	}
	const size = 200 << 20
	var gotLen int
	var ok bool
	rec := record(t, srv(fmt.Sprintf("/large?size=%d&compress=0", size)), Options{}, react{
		open: func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer) },
		message: func(ws *WebSocket, e *MessageEvent) {
			b := e.Data.([]byte)
			gotLen = len(b)
			ok = true
			for i := 0; i < len(b); i += 4099 {
				if b[i] != byte(i*7+3) {
					ok = false
					break
				}
			}
			ws.Close()
		},
	})
	trace := rec.wait(t)
	if gotLen != size || !ok {
		t.Fatalf("got a %d-byte message (content ok: %v), want %d bytes; trace %+v", gotLen, ok, size, trace)
	}
}

func TestMessageOverMaxMessageSize(t *testing.T) {
	id := fmt.Sprint("big", time.Now().UnixNano())
	rec := record(t, srv("/large?size=2000&id="+id), Options{MaxMessageSize: 1000}, react{})
	want := []step{opened(), failed(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if code := serverCloseCode(t, id); code != 1009 {
		t.Errorf("server received close code %d, want 1009", code)
	}
	if len(rec.errs) != 1 || !errors.Is(rec.errs[0], wire.ErrMessageTooBig) {
		t.Errorf("error event's Err = %v, want ErrMessageTooBig", rec.errs)
	}
	checkNoLeak(t)
	// Exactly at the limit is fine.
	rec = record(t, srv("/large?size=1000"), Options{MaxMessageSize: 1000}, react{message: func(ws *WebSocket, _ *MessageEvent) { ws.Close() }})
	if got := rec.wait(t); len(got) != 3 || got[1].Data != "blob:1000:"+string([]byte{3, 10, 17, 24, 31, 38, 45, 52, 59, 66, 73, 80, 87, 94, 101, 108})+"…" {
		t.Errorf("message at the limit: %+v", got)
	}
}

// The JavaScript pattern: New, then handlers right away. A server that speaks
// first must never be missed.
func TestHandlersSetRightAfterNewSeeEverything(t *testing.T) {
	const n = 300
	var wg sync.WaitGroup
	var missed atomic.Int64
	sem := make(chan struct{}, 50)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ws, err := New(srv("/greet?text=first"))
			if err != nil {
				t.Error(err)
				return
			}
			var sawOpen, sawMsg atomic.Bool
			ws.OnOpen(func(*Event) { sawOpen.Store(true) })
			ws.OnMessage(func(e *MessageEvent) {
				sawMsg.Store(e.Data == "first")
				e.Target.Close()
			})
			<-ws.Done()
			if !sawOpen.Load() || !sawMsg.Load() {
				missed.Add(1)
			}
		}()
	}
	wg.Wait()
	if m := missed.Load(); m > 0 {
		t.Fatalf("%d of %d sockets missed open or the first message", m, n)
	}
}

// A goroutine may be descheduled between New and its next line: handlers set a
// little later still see everything, as a script's would.
func TestHandlersSetAfterAPauseSeeEverything(t *testing.T) {
	ws, err := New(srv("/greet?text=first"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the handshake and the greeting are done by now
	var got []string
	ws.OnOpen(func(*Event) { got = append(got, "open") })
	ws.OnMessage(func(e *MessageEvent) { got = append(got, e.Data.(string)); ws.Close() })
	ws.OnClose(func(e *CloseEvent) { got = append(got, "close") })
	<-ws.Done()
	if diff := cmp.Diff([]string{"open", "first", "close"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsInOrderNeverConcurrent(t *testing.T) {
	const n = 2000
	var inside atomic.Int32
	var overlap atomic.Bool
	var got []string
	rec := record(t, srv("/echo"), Options{}, react{
		open: func(ws *WebSocket) {
			for i := 0; i < n; i++ {
				ws.Send(fmt.Sprint(i))
			}
		},
		message: func(ws *WebSocket, e *MessageEvent) {
			if inside.Add(1) != 1 {
				overlap.Store(true)
			}
			got = append(got, e.Data.(string))
			if len(got) == n {
				ws.Close()
			}
			inside.Add(-1)
		},
	})
	rec.wait(t)
	if overlap.Load() {
		t.Error("two listeners of one socket ran at once")
	}
	if len(got) != n {
		t.Fatalf("got %d messages, want %d", len(got), n)
	}
	for i, s := range got {
		if s != fmt.Sprint(i) {
			t.Fatalf("message %d is %q: out of order", i, s)
		}
	}
}

func TestMethodsFromManyGoroutines(t *testing.T) {
	rec := record(t, srv("/echo"), Options{}, react{})
	ws := rec.ws
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_ = ws.ReadyState()
				_ = ws.BufferedAmount()
				_ = ws.Protocol() + ws.Extensions() + ws.URL()
				ws.SetBinaryType(BinaryTypeArrayBuffer)
				_ = ws.BinaryType()
				r := ws.AddEventListener(MessageListener(func(*MessageEvent) {}))
				ws.OnError(func(*Event) {})
				ws.Send("x")
				ws.RemoveEventListener(r)
			}
		}()
	}
	wg.Wait()
	ws.Close()
	rec.wait(t)
}

func TestSlowListenerPausesReading(t *testing.T) {
	// The server floods 64 KiB messages; the listener blocks. The socket must
	// stop reading once its queue is full instead of buffering the flood.
	release := make(chan struct{})
	var first sync.Once
	started := make(chan struct{})
	rec := record(t, srv("/flood?n=2000&size=65536&compress=0"), Options{}, react{
		message: func(ws *WebSocket, _ *MessageEvent) {
			first.Do(func() { close(started) })
			<-release
		},
	})
	<-started
	q := &rec.ws.events
	deadline := time.Now().Add(10 * time.Second)
	for {
		q.mu.Lock()
		n := q.messages
		q.mu.Unlock()
		if n >= maxQueuedMessages {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue never filled: %d messages", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	time.Sleep(200 * time.Millisecond) // let the server push what TCP takes
	q.mu.Lock()
	n := q.messages
	q.mu.Unlock()
	if n > maxQueuedMessages {
		t.Fatalf("%d messages queued, more than the bound %d", n, maxQueuedMessages)
	}
	var ms2 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms2)
	grew := int64(ms2.HeapAlloc) - int64(ms.HeapAlloc)
	t.Logf("heap grew by %d KiB once the queue was full (peak heap in use %d MiB); the flood is 125 MiB", grew>>10, ms2.HeapInuse>>20)
	if grew > 32<<20 {
		t.Errorf("heap grew by %d MiB while the listener was blocked; the flood is 125 MiB", grew>>20)
	}
	rec.ws.Close()
	close(release)
	rec.wait(t)
	checkNoLeak(t)
}

func TestHeadersReachTheServer(t *testing.T) {
	h := http.Header{}
	h.Set("Origin", "https://app.example")
	h.Set("Authorization", "Bearer t0k3n")
	h.Set("X-Test", "yes")
	var data string
	rec := record(t, srv("/echoheaders"), Options{Header: h}, react{message: func(ws *WebSocket, e *MessageEvent) {
		data = e.Data.(string)
		ws.Close()
	}})
	rec.wait(t)
	for _, want := range []string{"https://app.example", "Bearer t0k3n", `"yes"`} {
		if !strings.Contains(data, want) {
			t.Errorf("server saw headers %s; missing %s", data, want)
		}
	}
}

func TestHandshakeTimeout(t *testing.T) {
	rec := record(t, srv("/silent"), Options{HandshakeTimeout: 200 * time.Millisecond}, react{})
	want := []step{failed(), closed(1006, "", false)}
	if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(rec.errs) != 1 || !errors.Is(rec.errs[0], context.DeadlineExceeded) {
		t.Errorf("error event's Err = %v, want a deadline error", rec.errs)
	}
	checkNoLeak(t)
}

func TestRelativeURLIsAnErrorNatively(t *testing.T) {
	for _, u := range []string{"/chat", "chat", "", "://x", "//example.com/"} {
		if _, err := New(u); !errors.Is(err, ErrSyntax) {
			t.Errorf("New(%q) = %v, want ErrSyntax: there is no base URL outside a browser", u, err)
		}
	}
}
