//go:build js && wasm

package websocket

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall/js"
)

// liveFuncs counts the js.Funcs the package holds, for the tests' leak check.
var liveFuncs atomic.Int64

// parsedURL is the URL the page's WebSocket constructor accepted. (Natively it
// is the result of the package's own parser, in url.go, which js builds leave
// out.)
type parsedURL struct {
	href   string // the page socket's url, what URL returns
	origin string // its origin, for MessageEvent.Origin
}

// checkArgs leaves the constructor's URL and protocol rules to the page, so that
// they are the page's own (relative URLs resolve against the page; what the
// page's parser accepts, and how it serializes it, is what URL returns):
// newTransport constructs the page's WebSocket, which applies them, and takes the
// URL it serialized. Nothing of url.go's parser is used in this backend.
func checkArgs(url string, o *Options) (parsedURL, error) {
	return parsedURL{href: url}, nil
}

// The causes the browser backend can give: browsers hide the details from scripts.
var (
	errHandshake = errors.New("websocket: the opening handshake failed (the browser does not tell scripts why)")
	errBrowser   = errors.New("websocket: the browser reported an error (it does not tell scripts why)")
)

// jsTransport drives the page's own WebSocket. Its JavaScript listeners only copy
// what they need and queue it for the socket's dispatcher goroutine: user code
// never runs inside a js.FuncOf callback.
//
// The listeners are plain JavaScript (see batchSource): they queue each event and
// hand the events to Go in batches, so that a stream of messages costs one entry
// into the Go runtime per batch rather than one per message. Where the page
// forbids new Function (a Content Security Policy without 'unsafe-eval'), one
// js.FuncOf listener per event type does the same work, one event at a time.
//
// Memory under a slow listener is not bounded here: the page's WebSocket cannot
// be told to stop reading, and a JavaScript callback must not block, so while a
// listener blocks every message that arrives waits in the socket's queue, in the
// Go heap (measured in Chromium: a 125 MiB flood behind a blocked listener grows
// the heap in use by 125.6 MiB; BenchmarkSlowListenerFlood). WebSocketStream
// (Chromium 124+) could push back, but it reports a connection dropped without a
// close frame and a failed one alike (its closed promise rejects with closeCode
// 1006 for both, where WebSocket fires error only for the second), so the
// events would no longer be Chromium's.
type jsTransport struct {
	ws    *WebSocket
	sock  js.Value
	funcs []js.Func
	// The JavaScript side of the batched listeners (see batchSource), all
	// undefined without them: the function that removes them, the send helpers,
	// and the socket's kept batch buffer.
	batch, sendBytes, sendText, batchBuf js.Value

	mu       sync.Mutex
	failErr  error
	sawError bool
	isOpen   bool
	done     bool
}

func newTransport(s *WebSocket) (transport, error) {
	o := &s.opts
	for _, opt := range []struct {
		name string
		set  bool
	}{
		{"PageURL", o.PageURL != ""},
		{"Header", o.Header != nil},
		{"HTTPClient", !isNil(o.HTTPClient)},
		{"DisableCompression", o.DisableCompression},
		{"MaxMessageSize", o.MaxMessageSize != 0},
		{"MaxBufferedAmount", o.MaxBufferedAmount != 0},
		{"HandshakeTimeout", o.HandshakeTimeout != 0},
		{"PingInterval", o.PingInterval != 0},
		{"PingTimeout", o.PingTimeout != 0},
	} {
		if opt.set {
			return nil, fmt.Errorf("%w: Options.%s (the browser decides it)", ErrUnsupportedOption, opt.name)
		}
	}
	ctor := js.Global().Get("WebSocket")
	if ctor.Type() != js.TypeFunction {
		return nil, errors.New("websocket: this JavaScript environment has no global WebSocket (in Node 20, run with --experimental-websocket)")
	}
	protocols := make([]any, len(s.protocols))
	for i, p := range s.protocols {
		protocols[i] = p
	}
	sock, err := newJSWebSocket(ctor, s.url.href, protocols)
	if err != nil {
		return nil, err
	}
	href := sock.Get("url").String()
	s.url = parsedURL{href: href, origin: jsOrigin(href)}
	return &jsTransport{ws: s, sock: sock}, nil
}

// isNil reports whether v is nil or a nil pointer (Options.HTTPClient holding a
// nil *http.Client is not set, as natively).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// jsOrigin is the serialized origin of a URL the page's WebSocket accepted, by
// the page's URL parser: what Chromium gives as MessageEvent.origin.
func jsOrigin(href string) (origin string) {
	defer func() {
		if recover() != nil {
			origin = ""
		}
	}()
	return js.Global().Get("URL").New(href).Get("origin").String()
}

func (t *jsTransport) start() {
	sock := t.sock
	sock.Set("binaryType", "arraybuffer") // copied once into Go; a Blob would need an async read
	if install := batchInstaller(); install.Truthy() {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			out, large := js.Null(), js.Null()
			if len(args) == 3 {
				out, large = args[1], args[2]
			}
			t.drain(out, large, args[0].Int())
			return nil
		})
		liveFuncs.Add(1)
		t.funcs = append(t.funcs, fn)
		parts := install.Invoke(sock, fn, batchLargeAt, batchKeepMax)
		t.batch, t.sendBytes, t.sendText = parts.Index(0), parts.Index(1), parts.Index(2)
		return
	}
	t.listen("open", func(js.Value) {
		t.onOpen(sock.Get("protocol").String(), sock.Get("extensions").String())
	})
	t.listen("message", func(e js.Value) {
		data := e.Get("data")
		if data.Type() == js.TypeString {
			t.ws.message(true, []byte(data.String()))
			return
		}
		u8 := jsUint8Array.New(data)
		b := make([]byte, u8.Get("length").Int())
		js.CopyBytesToGo(b, u8)
		t.ws.message(false, b)
	})
	t.listen("error", func(js.Value) { t.onError() })
	t.listen("close", func(e js.Value) {
		t.onClose(e.Get("code").Int(), e.Get("reason").String(), e.Get("wasClean").Bool())
	})
}

// onOpen handles the page's open event.
func (t *jsTransport) onOpen(protocol, extensions string) {
	t.mu.Lock()
	t.isOpen = true
	t.mu.Unlock()
	t.ws.opened(protocol, extensions)
}

// onError handles the page's error event.
func (t *jsTransport) onError() {
	t.mu.Lock()
	t.sawError = true
	handshake := !t.isOpen
	t.mu.Unlock()
	if handshake {
		// The handshake failed. Chromium follows with close (1006) at once;
		// Node's WebSocket never does, so the socket does not wait for it.
		t.finish(1006, "", false, errHandshake)
	}
}

// onClose handles the page's close event.
func (t *jsTransport) onClose(code int, reason string, clean bool) {
	t.mu.Lock()
	err := t.failErr
	if err == nil && t.sawError {
		err = errBrowser
	}
	t.mu.Unlock()
	t.finish(code, reason, clean, err)
}

// The kinds of entry in a batch's header (see batchSource).
const (
	batchOpen   = 0 // protocol length, extensions length
	batchText   = 1 // length
	batchBinary = 2 // length
	batchLarge  = 3 // length, index in the batch's array of large messages
	batchError  = 4
	batchClose  = 5 // code, wasClean, reason length

	// batchLargeAt is the size from which a binary message is passed as a
	// batchLarge entry, copied straight into its own slice, instead of being
	// concatenated into the batch and copied twice.
	batchLargeAt = 16 << 10

	// batchKeepMax is the largest batch written into the socket's kept buffer,
	// which Go holds a js.Value of from the first batch on; a larger batch gets
	// an array of its own. (A new array, and a new js.Value with its finalizer,
	// for every batch cost a lone message about a tenth of its time.)
	batchKeepMax = 64 << 10
)

// batchSource is the body of function(sock, fn, largeAt, keepMax), built once per
// page with new Function. It installs listeners on sock that queue each event and
// hand what is queued to fn, in the order the page fired the events, as fn(n,
// bytes, large), or fn(n) when bytes and large are both null (syscall/js reads
// each argument with a call of its own). The batch is the first n bytes of bytes: a header of little-endian
// int32s — the header's length in int32s, then for each event its kind and the
// numbers listed with the batch* constants — then the events' strings (UTF-8) and
// messages, in order. A batch of up to keepMax (batchKeepMax) bytes is written into
// the socket's kept buffer, and bytes is null when that buffer is the one fn was
// last given. A binary message of largeAt (batchLargeAt) bytes or more is not
// copied into bytes but passed in large, an array of Uint8Arrays (null when there
// is none). It returns [remove, sendBytes, sendText]: remove takes the listeners
// off and drops whatever is queued (fn is never called after it);
// sendBytes(buf, n) sends the first n bytes of the Uint8Array buf, and
// sendText(buf, n) the text they hold as UTF-8, on sock, so that Go's sends pass
// no method name.
//
// When fn is handed to: the first event of a burst goes to fn at once, from its
// own listener, so that a lone message waits for nothing. The listener also
// posts a task on a MessageChannel, before calling fn; the page's tasks run in
// the order they were queued, so the events that were already waiting are
// queued by the listeners and the task hands them all over in one call. A task
// that finds nothing queued ends the burst; one that hands a batch over posts
// itself again, after fn, so that what came while Go ran joins the next batch.
// A stream of messages thus costs one entry into Go per batch instead of one
// per message. (A microtask would run after every event, and batch nothing.)
// The first event's task is posted before fn so that an answer to what Go
// sends, however fast, comes after it and is not taken for part of the burst.
//
// The probe: where every burst is one event (round trips, where each message
// answers a send), that task found nothing every time, and cost the page a
// postMessage and an empty task per message (BenchmarkPagePingPong went from
// about 60–73 µs to 47–50 µs without them). So once soloAfter bursts in a row
// were one event each, only one burst in probeEvery posts it; the others go to
// fn at once and post nothing. A task that finds events queued switches back to
// posting after every burst, so a stream that starts while bursts are single
// costs at most probeEvery entries, one per message, before it is batched.
// Events go to fn in order either way: nothing is queued while no task is
// posted, and whatever is queued is handed over together.
const batchSource = `
const enc = new TextEncoder(), dec = new TextDecoder('utf-8', {ignoreBOM: true}); // ignoreBOM: a leading U+FEFF is text
let kinds = [], items = [], posted = false, dead = false, solo = 0, skipped = 0;
const soloAfter = 8, probeEvery = 16;
let keep = new Uint8Array(4096), keepSent = false;
const ch = new MessageChannel();
const u32 = (dv, i, v) => dv.setInt32(4 * i, v, true);
const flush = () => {
  const k = kinds, it = items;
  kinds = []; items = [];
  const large = [];
  let ints = 1, size = 0;
  for (let i = 0; i < k.length; i++) {
    const v = it[i];
    switch (k[i]) {
    case 0: it[i] = [enc.encode(v[0]), enc.encode(v[1])]; ints += 3; size += it[i][0].length + it[i][1].length; break;
    case 1: it[i] = enc.encode(v); ints += 2; size += it[i].length; break;
    case 2:
      it[i] = new Uint8Array(v);
      if (it[i].length >= largeAt) { k[i] = 3; large.push(it[i]); ints += 3; } else { ints += 2; size += it[i].length; }
      break;
    case 4: ints += 1; break;
    case 5: v[2] = enc.encode(v[2]); ints += 4; size += v[2].length; break;
    }
  }
  const total = 4 * ints + size;
  let out = keep;
  if (total > keepMax) {
    out = new Uint8Array(total);
  } else if (total > keep.length) {
    keep = out = new Uint8Array(Math.min(keepMax, Math.max(total, 2 * keep.length)));
    keepSent = false;
  }
  const dv = new DataView(out.buffer);
  let n = 0, at = 4 * ints, li = 0;
  u32(dv, n++, ints);
  for (let i = 0; i < k.length; i++) {
    const v = it[i];
    u32(dv, n++, k[i]);
    switch (k[i]) {
    case 0: u32(dv, n++, v[0].length); u32(dv, n++, v[1].length); out.set(v[0], at); at += v[0].length; out.set(v[1], at); at += v[1].length; break;
    case 1: case 2: u32(dv, n++, v.length); out.set(v, at); at += v.length; break;
    case 3: u32(dv, n++, v.length); u32(dv, n++, li++); break;
    case 5: u32(dv, n++, v[0]); u32(dv, n++, v[1] ? 1 : 0); u32(dv, n++, v[2].length); out.set(v[2], at); at += v[2].length; break;
    }
  }
  const pass = out === keep && keepSent ? null : out;
  if (out === keep) keepSent = true;
  if (pass === null && large.length === 0) fn(total); else fn(total, pass, large.length ? large : null);
};
ch.port1.onmessage = () => {
  if (dead) return;
  if (kinds.length === 0) { posted = false; if (solo < soloAfter) solo++; return; }
  solo = 0;
  flush();
  if (!dead) ch.port2.postMessage(null);
};
const queue = (kind, v) => {
  kinds.push(kind); items.push(v);
  if (posted) return;
  posted = true;
  const probe = solo < soloAfter || ++skipped >= probeEvery;
  if (probe) { skipped = 0; ch.port2.postMessage(null); }
  flush();
  if (!probe && !dead) { if (kinds.length === 0) posted = false; else ch.port2.postMessage(null); }
};
sock.onopen = () => queue(0, [String(sock.protocol), String(sock.extensions)]);
sock.onmessage = (e) => { const d = e.data; queue(typeof d === 'string' ? 1 : 2, d); };
sock.onerror = () => queue(4, null);
sock.onclose = (e) => queue(5, [e.code, e.wasClean, String(e.reason)]);
return [() => {
  dead = true; kinds = []; items = []; keep = null;
  sock.onopen = sock.onmessage = sock.onerror = sock.onclose = null;
  ch.port1.onmessage = null;
  ch.port1.close(); ch.port2.close();
}, (buf, n) => sock.send(n === buf.length ? buf : buf.subarray(0, n)), (buf, n) => sock.send(dec.decode(buf.subarray(0, n)))];
`

// batchedListeners, when false, makes new sockets use the per-event listeners,
// as in a page that forbids new Function (the tests set it).
var batchedListeners = true

var (
	batchOnce    sync.Once
	batchInstall js.Value
)

// batchInstaller returns function(sock, fn, largeAt, keepMax) made from batchSource, or
// undefined when the page cannot build it.
func batchInstaller() js.Value {
	if !batchedListeners {
		return js.Undefined()
	}
	batchOnce.Do(func() {
		batchInstall = js.Undefined()
		defer func() { recover() }() // new Function refused (CSP), or no MessageChannel
		if !js.Global().Get("MessageChannel").Truthy() || !js.Global().Get("TextEncoder").Truthy() || !js.Global().Get("TextDecoder").Truthy() {
			return
		}
		batchInstall = js.Global().Get("Function").New("sock", "fn", "largeAt", "keepMax", batchSource)
	})
	return batchInstall
}

// jsUint8Array is the page's Uint8Array constructor, looked up once.
var jsUint8Array = js.Global().Get("Uint8Array")

// sendScratch is the array that binary messages of up to maxSendScratch bytes are
// copied into for the page's send, which takes a copy of the bytes at once (the
// WHATWG standard's send(BufferSource)), so one array serves every socket. A new
// array for every message cost a js.Value with a finalizer each.
var (
	sendScratchMu sync.Mutex
	sendScratch   js.Value
	sendScratchN  int
)

const maxSendScratch = 64 << 10

// batchBufs holds drain's copies of batches, of up to maxBatchBuf bytes each, for
// the next batch of any socket: a socket keeps no buffer of its own.
var batchBufs sync.Pool

const maxBatchBuf = 64 << 10

// drain takes a batch of events from the batched listeners (see batchSource)
// and reports them in order. Every message gets a slice of its own; nothing
// refers to the copy of the batch once drain returns.
func (t *jsTransport) drain(out, large js.Value, n int) {
	switch {
	case out.IsNull():
		out = t.batchBuf
	case n <= batchKeepMax:
		t.batchBuf = out // the socket's kept buffer, new or grown
	}
	p, _ := batchBufs.Get().(*[]byte)
	if p == nil || cap(*p) < n {
		p = new([]byte)
		*p = make([]byte, max(n, 4<<10))
	}
	b := (*p)[:n]
	if cap(b) <= maxBatchBuf {
		defer batchBufs.Put(p)
	}
	js.CopyBytesToGo(b, out)
	word := func(i int) int { return int(int32(binary.LittleEndian.Uint32(b[4*i:]))) }
	ints := word(0)
	at := 4 * ints
	take := func(l int) []byte {
		p := b[at : at+l]
		at += l
		return p
	}
	for i := 1; i < ints; {
		switch word(i) {
		case batchOpen:
			protocol := string(take(word(i + 1)))
			t.onOpen(protocol, string(take(word(i+2))))
			i += 3
		case batchText, batchBinary:
			m := make([]byte, word(i+1))
			copy(m, take(len(m)))
			t.ws.message(word(i) == batchText, m)
			i += 2
		case batchLarge:
			m := make([]byte, word(i+1))
			js.CopyBytesToGo(m, large.Index(word(i+2)))
			t.ws.message(false, m)
			i += 3
		case batchError:
			t.onError()
			i++
		case batchClose:
			code, clean := word(i+1), word(i+2) != 0
			t.onClose(code, string(take(word(i+3))), clean)
			i += 4
		default:
			panic("websocket: bad batch from the JavaScript listeners")
		}
		t.mu.Lock()
		done := t.done || t.failErr != nil
		t.mu.Unlock()
		if done {
			return
		}
	}
}

// finish releases everything and reports closed, once.
func (t *jsTransport) finish(code int, reason string, clean bool, err error) {
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return
	}
	t.done = true
	t.mu.Unlock()
	t.release()
	t.ws.closed(code, reason, clean, err)
}

// newJSWebSocket calls new WebSocket(url, protocols) — the page applies the URL
// and protocol rules — and turns the exception it throws into the error of its
// DOMException's name: SyntaxError matches ErrSyntax, SecurityError (a ws: URL
// from an https page) ErrSecurity, any other name a *DOMException of that name.
func newJSWebSocket(ctor js.Value, url string, protocols []any) (sock js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			exc, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			err = constructorError(url, exc.Value)
		}
	}()
	return ctor.New(url, protocols), nil
}

// constructorError is the error for exc, thrown by the page's WebSocket
// constructor for url.
func constructorError(url string, exc js.Value) error {
	name, msg := "Error", ""
	if exc.Type() == js.TypeObject {
		if n := exc.Get("name"); n.Type() == js.TypeString {
			name = n.String()
		}
		if m := exc.Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
	} else {
		msg = exc.String()
	}
	return &DOMException{Name: name, Message: fmt.Sprintf("new WebSocket(%q) threw: %s", url, msg)}
}

// listen adds a JavaScript listener that runs f and never blocks.
func (t *jsTransport) listen(typ string, f func(js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		f(args[0])
		return nil
	})
	liveFuncs.Add(1)
	t.funcs = append(t.funcs, fn)
	t.sock.Set("on"+typ, fn)
}

// release detaches and frees every js.Func: after the close event nothing of the
// socket stays behind in JavaScript.
func (t *jsTransport) release() {
	if !t.sock.Truthy() {
		return
	}
	if t.batch.Truthy() {
		t.batch.Invoke()
		t.batch, t.sendBytes, t.sendText, t.batchBuf = js.Undefined(), js.Undefined(), js.Undefined(), js.Undefined()
	} else {
		for _, typ := range []string{"open", "message", "error", "close"} {
			t.sock.Set("on"+typ, js.Null())
		}
	}
	for _, fn := range t.funcs {
		fn.Release()
		liveFuncs.Add(-1)
	}
	t.funcs = nil
}

// abort fails the connection: it closes the page's socket and detaches from it
// at once (no page event reaches the socket after abort), and reports closed
// in the page's next task (setTimeout 0).
//
// It does not wait for the page's close event: Chromium sends it at once, but
// Node's WebSocket never does while the server stays silent, and the result must
// be the same everywhere. It waits for one task because Chromium tears a closed
// socket down only after the script's task, and throttles new connections by
// how many are pending (services/network/websocket_throttler.cc: up to 1–5 s
// each). A Go program that opened and closed sockets in a loop without the page
// running a task kept them all pending: the conformance run, whose constructor
// scenarios do just that, then waited 3–5 s for its next connection where
// Chromium's own run waited 11–30 ms.
func (t *jsTransport) abort(err error) {
	t.mu.Lock()
	if t.failErr == nil {
		t.failErr = err
	}
	t.mu.Unlock()
	t.release() // first: Node's WebSocket fires error from inside close()
	if t.sock.Truthy() {
		t.sock.Call("close")
	}
	var later js.Func
	later = js.FuncOf(func(js.Value, []js.Value) any {
		later.Release()
		t.finish(1006, "", false, err)
		return nil
	})
	js.Global().Call("setTimeout", later, 0)
}

// send hands m to the page's WebSocket at once, under the socket's lock (the
// page's send is quick: it copies and buffers); the page's bufferedAmount counts
// it from then on. Since the page copies at once, the caller's bytes (m.borrowed)
// go to it without a copy in Go.
func (t *jsTransport) send(m outgoing) bool {
	t.sendToPage(m)
	return false
}

// writeNow is never called: send writes everything itself.
func (t *jsTransport) writeNow(m outgoing) { t.sendToPage(m) }

// sendToPage hands m to the page. m.data is the caller's own slice or a view of
// its string (Send borrows them: outgoing.borrowed): the page's send, and
// js.CopyBytesToJS, copy it before this returns. With the batched listeners a message of up to
// maxSendScratch bytes, text or binary, is copied into the shared send array and
// sent from there (a text message decoded by the page's TextDecoder): passing a
// Go string would make a JavaScript string, a js.Value with a finalizer, per
// message.
func (t *jsTransport) sendToPage(m outgoing) {
	if !t.sock.Truthy() {
		return
	}
	switch {
	case m.close && m.code == noCloseCode:
		t.sock.Call("close")
	case m.close:
		t.sock.Call("close", m.code, jsText(m.reason))
	case t.sendBytes.Truthy() && len(m.data) <= maxSendScratch:
		sendScratchMu.Lock()
		if sendScratchN == 0 || sendScratchN < len(m.data) { // none yet, even for an empty message
			sendScratchN = max(len(m.data), 2*sendScratchN, 4<<10)
			sendScratch = jsUint8Array.New(min(sendScratchN, maxSendScratch))
			sendScratchN = min(sendScratchN, maxSendScratch)
		}
		js.CopyBytesToJS(sendScratch, m.data)
		if m.text {
			t.sendText.Invoke(sendScratch, len(m.data))
		} else {
			t.sendBytes.Invoke(sendScratch, len(m.data))
		}
		sendScratchMu.Unlock()
		t.ws.sent(len(m.data))
	case m.text:
		t.sock.Call("send", jsText(bytesToString(m.data))) // m.data is a string's (Send borrows it)
		t.ws.sent(len(m.data))
	default:
		u8 := jsUint8Array.New(len(m.data))
		js.CopyBytesToJS(u8, m.data)
		t.sock.Call("send", u8)
		t.ws.sent(len(m.data))
	}
}

// jsText is s as an argument to the page's methods. syscall/js passes a Go
// string through a TextDecoder that drops a leading U+FEFF as a byte order mark
// (wasm_exec.js), so a string that starts with one is decoded by a TextDecoder
// with ignoreBOM instead, which keeps it.
func jsText(s string) any {
	if len(s) < 3 || s[:3] != "\uFEFF" {
		return s
	}
	u8 := jsUint8Array.New(len(s))
	js.CopyBytesToJS(u8, []byte(s))
	return js.Global().Get("TextDecoder").New("utf-8", map[string]any{"ignoreBOM": true}).Call("decode", u8)
}

// pending is the page's own bufferedAmount.
func (t *jsTransport) pending() uint64 {
	if !t.sock.Truthy() {
		return 0
	}
	return uint64(t.sock.Get("bufferedAmount").Int())
}
