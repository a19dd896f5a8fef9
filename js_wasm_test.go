//go:build js && wasm

package websocket

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRelativeURLResolvesAgainstThePage(t *testing.T) {
	loc := js.Global().Get("location")
	if runtimeName() == "node" {
		if _, err := New("/chat"); !errors.Is(err, ErrSyntax) {
			t.Errorf("New(\"/chat\") without a page = %v, want ErrSyntax", err)
		}
		return
	}
	ws, err := New("/chat?x=1")
	if err != nil {
		t.Fatalf("New(\"/chat?x=1\") in a page: %v", err)
	}
	want := "ws://" + loc.Get("host").String() + "/chat?x=1"
	if got := ws.URL(); got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
	ws.Close()
	<-ws.Done()
}

// Code written for the native backend compiles here (an http.Header and a
// *http.Client are assignable to the fields), and each native-only option that is
// set is refused with an error naming it.
func TestNativeOnlyOptionsAreRefused(t *testing.T) {
	for name, o := range map[string]Options{
		"Header":             {Header: http.Header{"X": {"y"}}},
		"HTTPClient":         {HTTPClient: &http.Client{}},
		"DisableCompression": {DisableCompression: true},
		"MaxMessageSize":     {MaxMessageSize: 10},
		"MaxBufferedAmount":  {MaxBufferedAmount: 10},
		"HandshakeTimeout":   {HandshakeTimeout: 10},
		"PingInterval":       {PingInterval: time.Second},
		"PingTimeout":        {PingTimeout: time.Second},
	} {
		ws, err := NewWithOptions(srv("/echo"), &o)
		if !errors.Is(err, ErrUnsupportedOption) || !strings.Contains(err.Error(), "Options."+name) || ws != nil {
			t.Errorf("NewWithOptions with %s = %v, %v; want ErrUnsupportedOption naming it", name, ws, err)
		}
	}
	// As natively, a nil *http.Client means no client of the caller's.
	var none *http.Client
	ws, err := NewWithOptions(srv("/echo"), &Options{HTTPClient: none})
	if err != nil {
		t.Fatalf("NewWithOptions with a nil *http.Client: %v", err)
	}
	ws.Close()
	<-ws.Done()
}

// The page's WebSocket constructor decides the URL and protocol rules; whatever
// DOMException it throws comes back as an error of that name. A page served over
// https throws SecurityError for a ws: URL, but the test runners serve pages over
// http, so a stand-in constructor throws each exception here.
func TestConstructorExceptionsKeepTheirName(t *testing.T) {
	g := js.Global()
	saved := g.Get("WebSocket")
	defer g.Set("WebSocket", saved)
	for _, tc := range []struct {
		throw string // JavaScript that makes the exception
		is    error
		name  string
	}{
		{`new DOMException("insecure", "SecurityError")`, ErrSecurity, "SecurityError"},
		{`new DOMException("bad URL", "SyntaxError")`, ErrSyntax, "SyntaxError"},
		{`new DOMException("no", "NotAllowedError")`, nil, "NotAllowedError"},
		{`new TypeError("not a string")`, nil, "TypeError"},
	} {
		g.Set("WebSocket", g.Get("Function").New("throw "+tc.throw+";"))
		ws, err := New("ws://example.invalid/")
		var de *DOMException
		if ws != nil || !errors.As(err, &de) || de.Name != tc.name || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("New with a constructor that throws %s = %v, %v; want a %s", tc.throw, ws, err, tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "websocket: "+tc.name+": ") || !strings.Contains(err.Error(), "example.invalid") {
			t.Errorf("error %q: want it to start with websocket: %s: and name the URL", err, tc.name)
		}
	}
	if n := liveFuncs.Load(); n != 0 {
		t.Errorf("%d js.Func held after the constructor threw", n)
	}
}

// The page's own parser rules apply: what it throws for, this package refuses
// with ErrSyntax, and URL is the page socket's serialization.
func TestThePageParsesTheURL(t *testing.T) {
	for _, bad := range []string{"ftp://x/", "ws://x/#frag", "ws://[::1", "ws://x:65536/"} {
		if ws, err := New(bad); !errors.Is(err, ErrSyntax) || ws != nil {
			t.Errorf("New(%q) = %v, %v; want ErrSyntax", bad, ws, err)
		}
	}
	for _, protocols := range [][]string{{""}, {"a b"}, {"chat", "chat"}, {"\u00e9"}} {
		if ws, err := New(srv("/echo"), protocols...); !errors.Is(err, ErrSyntax) || ws != nil {
			t.Errorf("New with protocols %q = %v, %v; want ErrSyntax", protocols, ws, err)
		}
	}
	raw := strings.Replace(srv("/echo"), "ws://", "WS://", 1) + "?a b"
	ws, err := New(raw)
	if err != nil {
		t.Fatalf("New(%q): %v", raw, err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	if want := js.Global().Get("WebSocket").New(raw); ws.URL() != want.Get("url").String() {
		t.Errorf("URL() = %q, want the page's %q", ws.URL(), want.Get("url").String())
	} else {
		want.Call("close")
	}
}

func TestNoGlobalWebSocketIsAnError(t *testing.T) {
	g := js.Global()
	saved := g.Get("WebSocket")
	g.Set("WebSocket", js.Undefined())
	defer g.Set("WebSocket", saved)
	ws, err := New(srv("/echo"))
	if err == nil || ws != nil {
		t.Fatalf("New without a global WebSocket = %v, %v; want an error", ws, err)
	}
}

// A page that opens and closes 1,000 sockets keeps no js.Func and does not grow.
func TestThousandSocketsReleaseEverything(t *testing.T) {
	run := func(n int) {
		for i := 0; i < n; i++ {
			ws, err := NewWithOptions(srv("/echo"), &Options{
				OnOpen: func(e *Event) { e.Target.Send("x") },
				OnMessage: func(e *MessageEvent) {
					e.Target.CloseWithCode(1000, "")
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			<-ws.Done()
		}
	}
	run(20) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	run(1000)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := liveFuncs.Load(); n != 0 {
		t.Errorf("%d js.Func still held after every socket closed", n)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("heap in use grew by %d KiB over 1,000 sockets", grew>>10)
	}
}

// Wherever new Function works (Node, and pages without a Content Security Policy
// that forbids it), the page's socket gets the batched JavaScript listeners: were
// batchSource broken, the per-event listeners would take over unseen.
func TestBatchedListenersAreInstalled(t *testing.T) {
	if !batchInstaller().Truthy() {
		t.Fatal("the batched listeners could not be built from batchSource")
	}
}

// withListeners runs f with the batched listeners on and off.
func withListeners(t *testing.T, f func(t *testing.T)) {
	for _, batched := range []bool{true, false} {
		t.Run(fmt.Sprint("batched=", batched), func(t *testing.T) {
			batchedListeners = batched
			t.Cleanup(func() { batchedListeners = true }) // after f's parallel subtests too
			f(t)
		})
	}
}

// Text and binary messages, empty ones, and messages above and below the size
// that the batched listeners pass on without concatenating arrive intact, in
// order, followed by the close event with its code and reason. A leading U+FEFF
// in a text message or a close reason is text, not a byte order mark to drop
// (see jsText).
func TestMessagesOfEveryKindInOrder(t *testing.T) {
	// Node's WebSocket drops a leading U+FEFF of the text messages and close
	// reasons it receives (it applies the Encoding standard's UTF-8 decode,
	// which strips a BOM); Chromium keeps it.
	bom := "\ufeff"
	if runtimeName() == "node" {
		bom = ""
	}
	withListeners(t, func(t *testing.T) {
		sends := []any{
			"héllo ✓", []byte{0, 1, 2}, []byte{}, "", bom + "a leading BOM stays",
			bytes.Repeat([]byte{7, 8}, batchLargeAt/2), bytes.Repeat([]byte{9}, batchLargeAt-1),
			strings.Repeat("z", 2*batchLargeAt), []byte{3},
		}
		want := []step{opened()}
		for _, d := range sends {
			if b, ok := d.([]byte); ok {
				want = append(want, msg(describeData(b)))
			} else {
				want = append(want, msg(describeData(d)))
			}
		}
		want = append(want, closed(3002, bom+"bye ✓", true))
		n := 0
		rec := record(t, srv("/echo"), Options{}, react{
			open: func(ws *WebSocket) {
				ws.SetBinaryType(BinaryTypeArrayBuffer)
				for _, d := range sends {
					ws.Send(d)
				}
			},
			message: func(ws *WebSocket, e *MessageEvent) {
				sent := sends[n]
				if b, ok := sent.([]byte); ok {
					if got, ok := e.Data.([]byte); !ok || !bytes.Equal(got, b) || got == nil {
						t.Errorf("message %d = %s, want %d bytes sent", n, describeData(e.Data), len(b))
					}
				} else if e.Data != sent {
					t.Errorf("message %d = %s, want %s", n, describeData(e.Data), describeData(sent))
				}
				if n++; n == len(sends) {
					ws.CloseWithCode(3002, bom+"bye ✓")
				}
			},
		})
		if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
			t.Errorf("event trace (-want +got):\n%s", diff)
		}
	})
}

// floodURL is the test server's flood of n uncompressed binary messages of 16
// zero bytes, followed by its close; floodTrace is what a socket records of it.
func floodURL(n int) string {
	return srv(fmt.Sprintf("/flood?n=%d&size=16&compress=0", n))
}

// floodTrace is the trace of a socket that receives floodURL(n).
func floodTrace(n int) []step {
	want := []step{opened()}
	for range n {
		want = append(want, msg("bytes:16:"+strings.Repeat("\x00", 16)))
	}
	return append(want, closed(1000, "done", true))
}

// A flood of small messages, handed over in batches, keeps every message and
// ends with the server's close.
func TestFloodThenClose(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		const n = 3000
		want := floodTrace(n)
		got := record(t, floodURL(n), Options{}, react{
			open: func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer) },
		}).wait(t)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event trace (-want +got):\n%s", diff)
		}
	})
}

// The scenario suite, also through the per-event listeners that pages where new
// Function is forbidden get.
func TestScenariosWithPerEventListeners(t *testing.T) {
	batchedListeners = false
	t.Cleanup(func() { batchedListeners = true })
	TestScenarios(t)
}

// A listener may call JavaScript that calls back into Go at once (a js.Func
// called synchronously, as wasmbrowsertest's console output is), while another
// goroutine does the same and a stream arrives: every message arrives, in order.
func TestCallsBackIntoGoDuringAStream(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		const n = 2000
		calls := 0
		cb := js.FuncOf(func(js.Value, []js.Value) any { calls++; return nil })
		defer cb.Release()
		call := js.Global().Get("Function").New("f", "f();")
		stop := make(chan struct{})
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
					call.Invoke(cb)
				}
			}
		}()
		want := floodTrace(n)
		got := record(t, floodURL(n), Options{}, react{
			open:    func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer) },
			message: func(*WebSocket, *MessageEvent) { call.Invoke(cb) },
		}).wait(t)
		close(stop)
		<-stopped
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event trace (-want +got):\n%s", diff)
		}
		if calls < n {
			t.Errorf("the callback ran %d times, want at least %d", calls, n)
		}
	})
}

// A timer that a listener starts fires on time with no later event to wake the
// runtime: the runtime schedules the page's timeout for it when it goes idle
// after the listener.
func TestTimerStartedByListenerFires(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		fired := make(chan time.Duration, 1)
		ws, err := NewWithOptions(srv("/echo"), &Options{
			OnOpen: func(e *Event) { e.Target.Send("x") },
			OnMessage: func(*MessageEvent) {
				start := time.Now()
				time.AfterFunc(20*time.Millisecond, func() { fired <- time.Since(start) })
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { ws.Close(); <-ws.Done() }()
		select {
		case d := <-fired:
			if d > 5*time.Second {
				t.Errorf("a 20 ms timer started by a listener fired after %v", d)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a 20 ms timer started by a listener did not fire within 30 s")
		}
	})
}

// BenchmarkSlowListenerFlood measures what a listener that blocks costs here: the
// page's WebSocket cannot be told to stop reading, so while the listener waits
// every message of the server's flood is copied into the Go heap (see the
// jsTransport doc). It reports the growth of the heap in use, in MiB, once the
// whole flood (flood-MiB) waits in the socket's queue:
//
//	GOOS=js GOARCH=wasm go test -run '^$' -bench SlowListenerFlood -benchtime 1x -exec $PWD/.ci/wasm/go_js_wasm_chromium .
func BenchmarkSlowListenerFlood(b *testing.B) {
	const n, size = 2000, 64 << 10
	var peak uint64
	for range b.N {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		release := make(chan struct{})
		first := true
		ws, err := NewWithOptions(srv(fmt.Sprintf("/flood?compress=0&n=%d&size=%d", n, size)), &Options{
			OnMessage: func(e *MessageEvent) {
				if first {
					first = false
					<-release
				}
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		for queued := 0; queued < n-1; {
			time.Sleep(10 * time.Millisecond) // lets the page deliver
			ws.events.mu.Lock()
			queued = ws.events.messages
			ws.events.mu.Unlock()
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse-base)
		close(release)
		<-ws.Done()
	}
	b.ReportMetric(float64(n*size)/(1<<20), "flood-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
}

// fakePageWebSocket is a stand-in for the page's WebSocket whose send echoes
// each message back as a message event in a task of its own (a MessageChannel
// message), so that a ping-pong runs at the page's speed with no network.
const fakePageWebSocket = `
globalThis.fakeStats = {toSend: 0, afterSend: 0, n: 0};
return class FakeWebSocket {
  constructor(url) {
    this.url = url; this.protocol = ""; this.extensions = ""; this.bufferedAmount = 0;
    const ch = new MessageChannel(), st = globalThis.fakeStats;
    this.ch = ch;
    ch.port1.onmessage = () => {
      const now = performance.now();
      if (this.sentAt !== undefined) st.afterSend += now - this.sentAt;
      this.taskAt = now;
      this.onmessage && this.onmessage({data: new ArrayBuffer(16)});
    };
    globalThis.fakeSocket = this;
  }
  send(d) {
    const now = performance.now(), st = globalThis.fakeStats;
    if (this.taskAt !== undefined) { st.toSend += now - this.taskAt; st.n++; }
    this.sentAt = now;
    this.ch.port2.postMessage(null);
  }
  close() { this.ch.port1.close(); }
};`

// BenchmarkPagePingPong measures the page time a message costs, from the page's
// message event to the listener's Send reaching the page's send, with no network
// (fakePageWebSocket), through the batched and the per-event listeners, and what
// the same ping-pong costs a Go client written straight on syscall/js and plain
// JavaScript. ns/op is one ping-pong; to-send-µs is the page time from the start
// of the message event's task to the listener's send reaching the page, the
// part that lies on a network round trip's path, and after-send-µs the rest,
// until the next message's task starts (what the page's Go or JavaScript does
// after the send, and the page's own wait for the task). The page times them
// with performance.now(), whose resolution a page that is not cross-origin
// isolated coarsens: only their means over many round trips mean anything.
//
//	GOOS=js GOARCH=wasm go test -run '^$' -bench PagePingPong -exec $PWD/.ci/wasm/go_js_wasm_chromium .
func BenchmarkPagePingPong(b *testing.B) {
	g := js.Global()
	saved := g.Get("WebSocket")
	g.Set("WebSocket", g.Get("Function").New(fakePageWebSocket).Invoke())
	defer g.Set("WebSocket", saved)
	msg := []byte("0123456789abcdef")
	stats := func(b *testing.B, run func()) {
		st := g.Get("fakeStats")
		for _, k := range []string{"toSend", "afterSend", "n"} {
			st.Set(k, 0)
		}
		run()
		if n := st.Get("n").Float(); n > 0 {
			b.ReportMetric(st.Get("toSend").Float()/n*1000, "to-send-µs")
			b.ReportMetric(st.Get("afterSend").Float()/n*1000, "after-send-µs")
		}
	}
	for _, batched := range []bool{true, false} {
		b.Run(fmt.Sprint("batched=", batched), func(b *testing.B) {
			batchedListeners = batched
			defer func() { batchedListeners = true }()
			opened, done := make(chan struct{}), make(chan struct{})
			count := 0
			ws, err := NewWithOptions("ws://fake.invalid/", &Options{
				OnOpen: func(*Event) { close(opened) },
				OnMessage: func(e *MessageEvent) {
					if count++; count >= b.N {
						close(done)
						return
					}
					e.Target.Send(msg)
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			defer func() { ws.tr.abort(nil); <-ws.Done() }()
			ws.SetBinaryType(BinaryTypeArrayBuffer)
			g.Get("fakeSocket").Call("onopen", js.ValueOf(map[string]any{}))
			<-opened
			b.ResetTimer()
			stats(b, func() {
				ws.Send(msg)
				<-done
			})
		})
	}
	// A Go client written straight on syscall/js, as bench/wasm's rawSocket: a
	// js.FuncOf onmessage that copies the message into Go and sends the next one
	// through a new Uint8Array.
	b.Run("syscall/js", func(b *testing.B) {
		sock := g.Get("WebSocket").New("ws://fake.invalid/")
		sock.Set("binaryType", "arraybuffer")
		done := make(chan struct{})
		count := 0
		send := func() {
			u8 := jsUint8Array.New(len(msg))
			js.CopyBytesToJS(u8, msg)
			sock.Call("send", u8)
		}
		onmessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
			u8 := jsUint8Array.New(args[0].Get("data"))
			m := make([]byte, u8.Get("length").Int())
			js.CopyBytesToGo(m, u8)
			if count++; count >= b.N {
				close(done)
				return nil
			}
			send()
			return nil
		})
		defer onmessage.Release()
		sock.Set("onmessage", onmessage)
		defer sock.Call("close")
		b.ResetTimer()
		stats(b, func() {
			send()
			<-done
		})
	})
	b.Run("javascript", func(b *testing.B) {
		run := g.Get("Function").New("n", `
return new Promise(done => {
  const s = new WebSocket("ws://fake.invalid/"), m = new Uint8Array(16);
  let c = 0;
  s.onmessage = () => { if (++c >= n) { s.close(); done(); } else s.send(m); };
  s.send(m);
});`)
		finished := make(chan struct{})
		then := js.FuncOf(func(js.Value, []js.Value) any { close(finished); return nil })
		defer then.Release()
		b.ResetTimer()
		stats(b, func() {
			run.Invoke(b.N).Call("then", then)
			<-finished
		})
	})
}

// Close while CONNECTING reports the close only after the page has run a task,
// so that Chromium can tear the socket down: a loop of New and Close that never
// let the page run kept every socket pending, and Chromium's throttle then
// delayed the next connection by seconds (see jsTransport.abort).
func TestCloseWhileConnectingLetsThePageRun(t *testing.T) {
	g := js.Global()
	g.Set("pageRan", false)
	mark := js.FuncOf(func(js.Value, []js.Value) any { g.Set("pageRan", true); return nil })
	defer mark.Release()
	ws, err := New(srv("/echo"))
	if err != nil {
		t.Fatal(err)
	}
	g.Call("setTimeout", mark, 0) // queued before Close
	ws.Close()
	<-ws.Done()
	if !g.Get("pageRan").Bool() {
		t.Error("the close event was dispatched before the page ran the task queued before Close")
	}
	if n := liveFuncs.Load(); n != 0 {
		t.Errorf("%d js.Func held after the close event", n)
	}
}

// parkedDispatchers counts the goroutines waiting in, or running, a socket's
// dispatcher loop (dispatcher_js.go).
func parkedDispatchers() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), ").parkedLoop(")
}

// goroutineID is the calling goroutine's number, from its stack's first line.
func goroutineID() string {
	var buf [64]byte
	f := strings.Fields(string(buf[:runtime.Stack(buf[:], false)]))
	return f[1]
}

// A socket's events, over several bursts, are all dispatched by one goroutine
// that parks between them, and it is gone once the close event has been
// dispatched: Done leaves no goroutine of the socket behind.
func TestOneDispatcherGoroutinePerSocket(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		before := parkedDispatchers()
		ids := map[string]bool{}
		n := 0
		ws, err := NewWithOptions(srv("/echo"), &Options{
			OnOpen: func(e *Event) { ids[goroutineID()] = true; e.Target.Send("x") },
			OnMessage: func(e *MessageEvent) {
				ids[goroutineID()] = true
				if n++; n < 5 {
					e.Target.Send("x") // each echo is a burst of its own
					return
				}
				e.Target.CloseWithCode(1000, "")
			},
			OnClose: func(e *CloseEvent) { ids[goroutineID()] = true },
		})
		if err != nil {
			t.Fatal(err)
		}
		<-ws.Done()
		runtime.Gosched()
		if len(ids) != 1 || n != 5 {
			t.Errorf("%d messages dispatched by %d goroutines, want 5 by one", n, len(ids))
		}
		// Another test's socket ending meanwhile can only lower the count.
		if after := parkedDispatchers(); after > before {
			t.Errorf("%d dispatcher goroutines after Done, want at most %d (as before the socket)", after, before)
		}
		if n := liveFuncs.Load(); n != 0 {
			t.Errorf("%d js.Func held after Done", n)
		}
	})
}

// A listener that blocks stops neither the page nor the socket's listeners in
// JavaScript: every message of a flood, and the close that ends it, is queued
// while it blocks, and all are dispatched, in order, once it returns.
func TestBlockedListenerLetsEventsQueue(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		const n = 200
		release := make(chan struct{})
		first := true
		want := floodTrace(n)
		rec := record(t, floodURL(n), Options{}, react{
			open: func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer) },
			message: func(*WebSocket, *MessageEvent) {
				if first {
					first = false
					<-release
				}
			},
		})
		for queued := false; !queued; {
			time.Sleep(time.Millisecond) // lets the page run its tasks
			q := &rec.ws.events
			q.mu.Lock()
			queued = q.messages == n-1 && q.head < len(q.buf) && q.buf[len(q.buf)-1].kind == itemClosed
			q.mu.Unlock()
		}
		close(release)
		if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
			t.Errorf("event trace (-want +got):\n%s", diff)
		}
	})
}

// Send copies nothing into Go in WASM (it borrows the caller's bytes), so the
// page must have taken the bytes before Send returns: a caller that overwrites its slice right
// after each Send still has every message echoed as it was sent.
func TestSendTakesTheBytesBeforeReturning(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		const n = 20
		var got [][]byte
		rec := record(t, srv("/echo"), Options{}, react{
			open: func(ws *WebSocket) {
				ws.SetBinaryType(BinaryTypeArrayBuffer)
				buf := make([]byte, 100)
				for i := range n {
					for j := range buf {
						buf[j] = byte(i)
					}
					ws.Send(buf)
					clear(buf)
				}
			},
			message: func(ws *WebSocket, e *MessageEvent) {
				got = append(got, e.Data.([]byte))
				if len(got) == n {
					ws.Close()
				}
			},
		})
		rec.wait(t)
		for i, b := range got {
			if !bytes.Equal(b, bytes.Repeat([]byte{byte(i)}, 100)) {
				t.Errorf("echo %d = %v, want 100 bytes of %d", i, b, i)
			}
		}
		if len(got) != n {
			t.Errorf("%d echoes, want %d", len(got), n)
		}
	})
}

// floodingPageWebSocket is a stand-in for the page's WebSocket that echoes each
// text message in a task of its own, and answers "flood N" with N messages, "0"
// to "N-1", in N tasks queued at once: a stream, whose messages all wait when
// the first is dispatched.
const floodingPageWebSocket = `
return class FloodingWebSocket {
  constructor(url) {
    this.url = url; this.protocol = ""; this.extensions = ""; this.bufferedAmount = 0;
    this.ch = new MessageChannel();
    this.ch.port1.onmessage = (e) => this.onmessage && this.onmessage({data: e.data});
    globalThis.fakeSocket = this;
  }
  send(d) {
    if (typeof d !== "string") throw new TypeError("text only");
    if (!d.startsWith("flood ")) { this.ch.port2.postMessage(d); return; }
    for (let i = 0, n = +d.slice(6); i < n; i++) this.ch.port2.postMessage(String(i));
  }
  close() { this.ch.port1.close(); }
};`

// After a run of round trips, where the batched listeners stop looking for
// bursts (see the probe, batchSource), a stream is again handed to Go in
// batches, and every message still arrives once and in order.
func TestStreamAfterRoundTripsIsBatched(t *testing.T) {
	g := js.Global()
	saved := g.Get("WebSocket")
	g.Set("WebSocket", g.Get("Function").New(floodingPageWebSocket).Invoke())
	defer g.Set("WebSocket", saved)
	withListeners(t, func(t *testing.T) {
		const trips, flood = 50, 300
		var got []string
		waiting := 0 // the most messages queued behind one being dispatched
		done := make(chan struct{})
		var ws *WebSocket
		ws, err := NewWithOptions("ws://fake.invalid/", &Options{
			OnOpen: func(e *Event) { e.Target.Send("trip") },
			OnMessage: func(e *MessageEvent) {
				got = append(got, e.Data.(string))
				q := &ws.events
				q.mu.Lock()
				waiting = max(waiting, len(q.buf)-q.head)
				q.mu.Unlock()
				switch n := len(got); {
				case n < trips:
					e.Target.Send("trip")
				case n == trips:
					e.Target.Send(fmt.Sprint("flood ", flood))
				case n == trips+flood:
					close(done)
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { ws.tr.abort(nil); <-ws.Done() }()
		g.Get("fakeSocket").Call("onopen", js.ValueOf(map[string]any{}))
		<-done
		for i, m := range got {
			want := "trip"
			if i >= trips {
				want = fmt.Sprint(i - trips)
			}
			if m != want {
				t.Fatalf("message %d = %q, want %q", i, m, want)
			}
		}
		if batchedListeners && waiting == 0 {
			t.Errorf("no message of the stream waited behind another: the stream was not batched")
		}
	})
}

// An empty message as a page's first send, text or binary, is sent: the shared
// send array is made for it too.
func TestEmptyFirstSend(t *testing.T) {
	withListeners(t, func(t *testing.T) {
		for _, first := range []any{"", []byte{}} {
			sendScratchMu.Lock()
			saved, savedN := sendScratch, sendScratchN
			sendScratch, sendScratchN = js.Value{}, 0
			sendScratchMu.Unlock()
			rec := record(t, srv("/echo"), Options{}, react{
				open: func(ws *WebSocket) {
					ws.SetBinaryType(BinaryTypeArrayBuffer)
					ws.Send(first)
				},
				message: func(ws *WebSocket, e *MessageEvent) { ws.Close() },
			})
			want := []step{opened(), msg(describeData(first)), closed(1005, "", true)}
			if diff := cmp.Diff(want, rec.wait(t)); diff != "" {
				t.Errorf("first send %s: event trace (-want +got):\n%s", describeData(first), diff)
			}
			sendScratchMu.Lock()
			if sendScratchN == 0 {
				sendScratch, sendScratchN = saved, savedN
			}
			sendScratchMu.Unlock()
		}
	})
}
