//go:build js && wasm

package wasm

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/browserws/websocket/bench/payload"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/browserws/websocket"
)

// config is what the bench command passes in BROWSERWS_BENCH_CONFIG.
type config struct {
	Count     int        `json:"count"`
	TargetMS  float64    `json:"target_ms"`
	Workloads []workload `json:"workloads"`
}

type workload struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"` // "rtt", "recv" or "send"
	Size     int    `json:"size"`
	Compress bool   `json:"compress"`
}

func (w workload) url(base string) string {
	p := map[string]string{"rtt": "/echo", "recv": "/push", "send": "/sink"}[w.Kind]
	if w.Compress {
		return base + p + "?compress=1"
	}
	return base + p + "?compress=0"
}

// result is one sample, printed as a line "WSBENCH {json}" for the bench command.
type result struct {
	Name    string  `json:"name"`
	Impl    string  `json:"impl"` // "browserws (wasm)", "syscall/js (raw)" or "JavaScript"
	Round   int     `json:"round"`
	NsPerOp float64 `json:"ns_per_op"`
}

// TestBench measures, round after round, each workload through this package,
// through a Go client written straight on syscall/js (rawSocket: the WASM
// baseline, as raw coder/websocket is natively; the target is browserws ≥ it) and
// through plain JavaScript, in an order that rotates from round to round, and
// prints one WSBENCH line per sample. It is skipped unless BROWSERWS_BENCH_SERVER is set.
func TestBench(t *testing.T) {
	base := os.Getenv("BROWSERWS_BENCH_SERVER")
	if base == "" {
		t.Skip("BROWSERWS_BENCH_SERVER is not set: the bench command runs this test")
	}
	cfg := config{Count: 3, TargetMS: 250, Workloads: []workload{{"rtt 16 B compression off", "rtt", 16, false}}}
	if s := os.Getenv("BROWSERWS_BENCH_CONFIG"); s != "" {
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	jsRun := js.Global().Get("Function").New("url", "kind", "size", "n", "payload", jsSource)
	impls := []struct {
		name string
		run  func(w workload, n int) (time.Duration, error)
	}{
		{"browserws (wasm)", keptSockets(base, dialGo)},
		{"syscall/js (raw)", keptSockets(base, dialRaw)},
		{"JavaScript", func(w workload, n int) (time.Duration, error) {
			v, err := await(jsRun.Invoke(w.url(base), w.Kind, w.Size, n, jsPayload(w.Size)))
			if err != nil {
				return 0, err
			}
			return time.Duration(v.Float() * 1e6), nil // milliseconds
		}},
	}
	target := time.Duration(cfg.TargetMS * float64(time.Millisecond))
	ops := map[string]int{}
	for _, w := range cfg.Workloads {
		for _, im := range impls {
			n := 1
			for {
				el, err := im.run(w, n)
				if err != nil {
					t.Fatalf("%s %s: %v", im.name, w.Name, err)
				}
				if el >= target/8 || n >= 1<<22 {
					n = max(1, int(float64(n)*float64(target)/float64(max(el, time.Microsecond))))
					break
				}
				n *= 2
			}
			ops[w.Name+"\x00"+im.name] = n
		}
	}
	for r := range cfg.Count {
		for _, w := range cfg.Workloads {
			for i := range impls {
				im := impls[(i+r)%len(impls)]
				n := ops[w.Name+"\x00"+im.name]
				el, err := im.run(w, n)
				if err != nil {
					t.Fatalf("%s %s: %v", im.name, w.Name, err)
				}
				b, _ := json.Marshal(result{w.Name, im.name, r, float64(el.Nanoseconds()) / float64(n)})
				fmt.Printf("WSBENCH %s\n", b)
			}
		}
	}
}

// jsPayloads holds the payload of each size as a Uint8Array for the JavaScript
// side, so that it sends exactly the bytes the Go clients send.
var jsPayloads = map[int]js.Value{}

func jsPayload(size int) js.Value {
	v, ok := jsPayloads[size]
	if !ok {
		v = uint8Array.New(size)
		js.CopyBytesToJS(v, payload.Of(size))
		jsPayloads[size] = v
	}
	return v
}

// keptSockets runs samples on one socket per URL, dialed for the first sample
// and kept open for the next ones.
func keptSockets[S interface {
	run(w workload, n int) (time.Duration, error)
}](base string, dial func(url string) (S, error)) func(workload, int) (time.Duration, error) {
	socks := map[string]S{}
	return func(w workload, n int) (time.Duration, error) {
		url := w.url(base)
		s, ok := socks[url]
		if !ok {
			var err error
			if s, err = dial(url); err != nil {
				return 0, err
			}
			socks[url] = s
		}
		return s.run(w, n)
	}
}

// await waits for a JavaScript promise.
func await(p js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	ch := make(chan outcome, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- outcome{v: args[0]}; return nil })
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- outcome{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	o := <-ch
	return o.v, o.err
}

// transport is what a Go client under measurement offers the workload logic.
type transport interface {
	sendBytes(b []byte)
	sendText(s string)
	buffered() int // bufferedAmount
}

// driver is the workload logic both Go clients share, written as JavaScript
// code would write it: the message listener does the work (message), run starts
// it and waits for the listener to say it is done. Its fields are touched by
// the listener only between a run's start and its end.
type driver struct {
	t     transport
	kind  string
	n     int
	msg   []byte
	count int
	done  chan error
}

// message is the listener's work for one message: text says whether it was a
// text message, s is its text, size its length.
func (d *driver) message(text bool, s string, size int) {
	switch d.kind {
	case "rtt":
		if text || size != len(d.msg) {
			d.done <- errors.New("bad echo")
			return
		}
		d.count++
		if d.count < d.n {
			d.t.sendBytes(d.msg)
		} else {
			d.done <- nil
		}
	case "recv":
		d.count++
		if d.count == d.n {
			d.done <- nil
		}
	case "send":
		if text && s == "ok" {
			d.done <- nil
		}
	}
}

func (d *driver) run(w workload, n int) (time.Duration, error) {
	d.kind, d.n, d.count = w.Kind, n, 0
	d.msg = payload.Of(w.Size)
	start := time.Now()
	switch w.Kind {
	case "rtt":
		d.t.sendBytes(d.msg)
	case "recv":
		d.t.sendText(fmt.Sprintf("%d %d", n, w.Size))
	case "send":
		for range n {
			if d.t.buffered() > 4<<20 {
				for d.t.buffered() > 2<<20 {
					time.Sleep(time.Millisecond)
				}
			}
			d.t.sendBytes(d.msg)
		}
		d.t.sendText("end")
	}
	err := <-d.done
	return time.Since(start), err
}

// goSocket is one browserws socket.
type goSocket struct {
	driver
	ws *websocket.WebSocket
}

func dialGo(url string) (*goSocket, error) {
	s := &goSocket{driver: driver{done: make(chan error, 1)}}
	s.t = s
	opened := make(chan error, 1)
	ws, err := websocket.NewWithOptions(url, &websocket.Options{
		OnOpen: func(*websocket.Event) { opened <- nil },
		OnMessage: func(e *websocket.MessageEvent) {
			switch d := e.Data.(type) {
			case string:
				s.message(true, d, len(d))
			case []byte:
				s.message(false, "", len(d))
			default:
				s.message(false, "", -1) // not arraybuffer data: a bad echo
			}
		},
		OnError: func(e *websocket.Event) { opened <- e.Err },
	})
	if err != nil {
		return nil, err
	}
	ws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
	s.ws = ws
	return s, <-opened
}

func (s *goSocket) sendBytes(b []byte) { s.ws.Send(b) }
func (s *goSocket) sendText(t string)  { s.ws.Send(t) }
func (s *goSocket) buffered() int      { return int(s.ws.BufferedAmount()) }

// rawSocket is the page's WebSocket driven from Go straight through syscall/js,
// the way a Go program without this package would write it: a js.FuncOf
// onmessage that copies each message into a Go slice (a Go program needs its
// bytes) and, for round trips, sends the next one from Go through a new
// Uint8Array. It is the WASM counterpart of raw coder/websocket in the native
// bench: what the package costs above the layer it is built on.
type rawSocket struct {
	driver
	ws js.Value
}

var uint8Array = js.Global().Get("Uint8Array")

func dialRaw(url string) (*rawSocket, error) {
	s := &rawSocket{driver: driver{done: make(chan error, 1)}}
	s.t = s
	opened := make(chan error, 1)
	ws := js.Global().Get("WebSocket").New(url)
	ws.Set("binaryType", "arraybuffer")
	ws.Set("onopen", js.FuncOf(func(js.Value, []js.Value) any { opened <- nil; return nil }))
	ws.Set("onerror", js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case opened <- errors.New("cannot connect to " + url):
		default:
		}
		return nil
	}))
	ws.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.Type() == js.TypeString {
			t := data.String()
			s.message(true, t, len(t))
			return nil
		}
		u8 := uint8Array.New(data)
		b := make([]byte, u8.Get("length").Int())
		js.CopyBytesToGo(b, u8)
		s.message(false, "", len(b))
		return nil
	}))
	s.ws = ws
	return s, <-opened
}

func (s *rawSocket) sendBytes(b []byte) {
	u8 := uint8Array.New(len(b))
	js.CopyBytesToJS(u8, b)
	s.ws.Call("send", u8)
}
func (s *rawSocket) sendText(t string) { s.ws.Call("send", t) }
func (s *rawSocket) buffered() int     { return s.ws.Get("bufferedAmount").Int() }

// jsSource is the plain-JavaScript side: function(url, kind, size, n, payload)
// returns a promise of the milliseconds that n operations took, on a socket kept
// open between calls. payload is the message to send (rtt, send): the Go
// clients' bytes, payload.Of(size), copied once into a Uint8Array (jsPayload).
const jsSource = `
const g = globalThis.__wsbench || (globalThis.__wsbench = { socks: new Map() });
function open() {
  const have = g.socks.get(url);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { g.socks.set(url, ws); resolve(ws); };
    ws.onerror = () => reject(new Error('cannot connect to ' + url));
  });
}
return open().then(async (ws) => {
  const start = performance.now();
  if (kind === 'rtt') {
    const msg = payload;
    await new Promise((resolve, reject) => {
      let count = 0;
      ws.onmessage = (e) => {
        if (e.data.byteLength !== size) return reject(new Error('bad echo'));
        if (++count < n) ws.send(msg); else resolve();
      };
      ws.send(msg);
    });
  } else if (kind === 'recv') {
    await new Promise((resolve) => {
      let count = 0;
      ws.onmessage = () => { if (++count === n) resolve(); };
      ws.send(n + ' ' + size);
    });
  } else {
    const msg = payload;
    const ok = new Promise((resolve) => { ws.onmessage = (e) => { if (e.data === 'ok') resolve(); }; });
    for (let i = 0; i < n; i++) {
      if (ws.bufferedAmount > 4 << 20) {
        while (ws.bufferedAmount > 2 << 20) await new Promise((r) => setTimeout(r, 1));
      }
      ws.send(msg);
    }
    ws.send('end');
    await ok;
  }
  return performance.now() - start;
});
`
