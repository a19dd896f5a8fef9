//go:build js && wasm

package websocket

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall/js"
)

// liveFuncs counts the js.Funcs the package holds, for the tests' leak check.
var liveFuncs atomic.Int64

// resolveURL resolves raw against the page's location, as browsers do, with the
// page's own URL parser; outside a page (Node) there is no base.
func resolveURL(raw string) (u parsedURL, err error) {
	loc := js.Global().Get("location")
	urlCtor := js.Global().Get("URL")
	if loc.Truthy() && urlCtor.Truthy() {
		href, ok := jsResolve(urlCtor, raw, loc.Get("href").String())
		if !ok {
			return parsedURL{}, syntaxError("the URL " + fmt.Sprintf("%q", raw) + " is invalid")
		}
		raw = href
	}
	return parseURL(raw)
}

func jsResolve(urlCtor js.Value, raw, base string) (href string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return urlCtor.New(raw, base).Get("href").String(), true
}

// The causes the browser backend can give: browsers hide the details from scripts.
var (
	errHandshake = errors.New("websocket: the opening handshake failed (the browser does not tell scripts why)")
	errBrowser   = errors.New("websocket: the browser reported an error (it does not tell scripts why)")
)

// jsTransport drives the page's own WebSocket. Its JavaScript listeners only copy
// what they need and queue it for the socket's dispatcher goroutine: user code
// never runs inside a js.FuncOf callback.
type jsTransport struct {
	ws    *WebSocket
	sock  js.Value
	funcs []js.Func

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
		{"Header", o.Header != nil},
		{"HTTPClient", o.HTTPClient != nil},
		{"DisableCompression", o.DisableCompression},
		{"MaxMessageSize", o.MaxMessageSize != 0},
		{"MaxBufferedAmount", o.MaxBufferedAmount != 0},
		{"HandshakeTimeout", o.HandshakeTimeout != 0},
	} {
		if opt.set {
			return nil, fmt.Errorf("%w: Options.%s (the browser decides it)", ErrUnsupportedOption, opt.name)
		}
	}
	if !js.Global().Get("WebSocket").Truthy() {
		return nil, errors.New("websocket: this JavaScript environment has no global WebSocket (in Node 20, run with --experimental-websocket)")
	}
	return &jsTransport{ws: s}, nil
}

func (t *jsTransport) start() {
	protocols := make([]any, len(t.ws.protocols))
	for i, p := range t.ws.protocols {
		protocols[i] = p
	}
	sock, err := newJSWebSocket(t.ws.url.href, protocols)
	if err != nil {
		t.finish(1006, "", false, err)
		return
	}
	t.sock = sock
	sock.Set("binaryType", "arraybuffer") // copied once into Go; a Blob would need an async read
	t.listen("open", func(js.Value) {
		t.mu.Lock()
		t.isOpen = true
		t.mu.Unlock()
		t.ws.opened(sock.Get("protocol").String(), sock.Get("extensions").String())
	})
	t.listen("message", func(e js.Value) {
		data := e.Get("data")
		if data.Type() == js.TypeString {
			t.ws.message(true, []byte(data.String()), false)
			return
		}
		u8 := js.Global().Get("Uint8Array").New(data)
		b := make([]byte, u8.Get("length").Int())
		js.CopyBytesToGo(b, u8)
		t.ws.message(false, b, false)
	})
	t.listen("error", func(js.Value) {
		t.mu.Lock()
		t.sawError = true
		handshake := !t.isOpen
		t.mu.Unlock()
		if handshake {
			// The handshake failed. Chromium follows with close (1006) at once;
			// Node's WebSocket never does, so the socket does not wait for it.
			t.finish(1006, "", false, errHandshake)
		}
	})
	t.listen("close", func(e js.Value) {
		t.mu.Lock()
		err := t.failErr
		if err == nil && t.sawError {
			err = errBrowser
		}
		t.mu.Unlock()
		t.finish(e.Get("code").Int(), e.Get("reason").String(), e.Get("wasClean").Bool(), err)
	})
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

// newJSWebSocket calls new WebSocket(url, protocols), turning a thrown exception
// into an error.
func newJSWebSocket(url string, protocols []any) (sock js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("websocket: new WebSocket threw: %v", r)
		}
	}()
	return js.Global().Get("WebSocket").New(url, protocols), nil
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
	for _, typ := range []string{"open", "message", "error", "close"} {
		t.sock.Set("on"+typ, js.Null())
	}
	for _, fn := range t.funcs {
		fn.Release()
		liveFuncs.Add(-1)
	}
	t.funcs = nil
}

// abort fails the connection. The socket does not wait for the page's close
// event: Chromium sends it at once, but Node's WebSocket never does while the
// server stays silent, and the result must be the same everywhere.
func (t *jsTransport) abort(err error) {
	t.mu.Lock()
	if t.failErr == nil {
		t.failErr = err
	}
	t.mu.Unlock()
	if t.sock.Truthy() {
		t.sock.Call("close")
	}
	t.finish(1006, "", false, err)
}

// send hands m to the page's WebSocket at once; the page buffers it, and its
// bufferedAmount counts it from then on.
func (t *jsTransport) send(m outgoing) {
	if !t.sock.Truthy() {
		return
	}
	switch {
	case m.close && m.code == noCloseCode:
		t.sock.Call("close")
	case m.close:
		t.sock.Call("close", m.code, m.reason)
	case m.text:
		t.sock.Call("send", string(m.data))
		t.ws.sent(len(m.data))
	default:
		u8 := js.Global().Get("Uint8Array").New(len(m.data))
		js.CopyBytesToJS(u8, m.data)
		t.sock.Call("send", u8)
		t.ws.sent(len(m.data))
	}
}

// pending is the page's own bufferedAmount.
func (t *jsTransport) pending() uint64 {
	if !t.sock.Truthy() {
		return 0
	}
	return uint64(t.sock.Get("bufferedAmount").Int())
}
