package wstest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

func newHandler() *handler {
	h := &handler{mux: http.NewServeMux(), records: newRecords(), gates: &gates{changed: make(chan struct{}), byKey: map[string]*gate{}}, conns: map[net.Conn]bool{}, done: make(chan struct{})}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	m := h.mux
	m.HandleFunc("/record", h.records.serveRecord)
	m.HandleFunc("/echo", h.echo)
	m.HandleFunc("/close", h.closeWith)
	m.HandleFunc("/drop", h.drop)
	m.HandleFunc("/badutf8", h.badUTF8)
	m.HandleFunc("/reject", reject)
	m.HandleFunc("/protocol", h.protocol)
	m.HandleFunc("/large", h.large)
	m.HandleFunc("/greet", h.greet)
	m.HandleFunc("/flood", h.flood)
	m.HandleFunc("/echoheaders", h.echoHeaders)
	m.HandleFunc("/silent", h.silent)
	m.HandleFunc("/badaccept", h.badAccept)
	m.HandleFunc("/badext", h.badExtension)
	m.HandleFunc("/noclose", h.noClose)
	m.HandleFunc("/fragdrop", h.fragDrop)
	m.HandleFunc("/raw", h.raw)
	m.HandleFunc("/script", h.script)
	m.HandleFunc("/restartable", h.restartables.serve)
	m.HandleFunc("/late", h.late)
	m.HandleFunc("/smallwindow", h.smallWindow)
	m.HandleFunc("/requestheaders", h.requestHeaders)
	m.HandleFunc("/auth", auth)
	m.HandleFunc("/redirect", redirect)
	m.HandleFunc("/gated", h.gated)
	m.HandleFunc("/gate", h.gateControl)
	return h
}

// accept upgrades with what every endpoint shares: any origin (browsers reach the
// server from pages on other ports), no read limit, and permessage-deflate unless
// the query says compress=0.
func accept(w http.ResponseWriter, r *http.Request, protocols ...string) (*websocket.Conn, error) {
	mode := websocket.CompressionContextTakeover
	if r.URL.Query().Get("compress") == "0" {
		mode = websocket.CompressionDisabled
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true,
		CompressionMode:    mode,
		Subprotocols:       protocols,
	})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(-1)
	return c, nil
}

func queryInt(r *http.Request, name string, def int) int {
	if v, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil {
		return v
	}
	return def
}

// sleepQuery waits delay_ms milliseconds, if given.
func sleepQuery(r *http.Request) {
	if ms := queryInt(r, "delay_ms", 0); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
}

// readToEnd reads and drops messages until the client closes or goes away, and
// records how it ended. It echoes each message back when echo is set.
func (h *handler) readToEnd(r *http.Request, c *websocket.Conn, echo bool) {
	ctx := h.ctx
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			rec := Record{Code: int(websocket.CloseStatus(err)), Err: err.Error()}
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				rec.Reason = ce.Reason
			}
			h.records.put(r.URL.Query().Get("id"), rec)
			return
		}
		if echo {
			if err := c.Write(ctx, typ, data); err != nil {
				h.records.put(r.URL.Query().Get("id"), Record{Code: -1, Err: err.Error()})
				return
			}
		}
	}
}

// echo sends every message back as it came.
func (h *handler) echo(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	h.readToEnd(r, c, true)
}

// closeWith closes with ?code=&reason= (code 1005 or none: a close frame without
// status), after ?greet= text and ?delay_ms=.
func (h *handler) closeWith(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	if g := r.URL.Query().Get("greet"); g != "" {
		c.Write(h.ctx, websocket.MessageText, []byte(g))
	}
	sleepQuery(r)
	go c.CloseRead(h.ctx) // answer pings and the client's close meanwhile
	c.Close(websocket.StatusCode(queryInt(r, "code", 1005)), r.URL.Query().Get("reason"))
}

// drop ends the TCP connection without a close frame, after ?greet= and ?delay_ms=.
func (h *handler) drop(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	if g := r.URL.Query().Get("greet"); g != "" {
		c.Write(h.ctx, websocket.MessageText, []byte(g))
	}
	sleepQuery(r)
	c.CloseNow()
}

// badUTF8 sends a text message that is not UTF-8, then records how the client closes.
func (h *handler) badUTF8(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.Write(h.ctx, websocket.MessageText, []byte{'o', 'k', 0xff, 0xfe})
	h.readToEnd(r, c, false)
}

// reject answers the handshake with ?status= (403 by default).
func reject(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "rejected", queryInt(r, "status", http.StatusForbidden))
}

// protocol: with mode=select, a normal negotiation that picks the client's first
// protocol, then echo; otherwise a hand-made handshake answering with ?pick= as the
// protocol whatever was offered (an empty pick sends no protocol header).
func (h *handler) protocol(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("mode") == "select" {
		offered := strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",")
		c, err := accept(w, r, strings.TrimSpace(offered[0]))
		if err != nil {
			return
		}
		defer c.CloseNow()
		h.readToEnd(r, c, true)
		return
	}
	extra := ""
	if p := r.URL.Query().Get("pick"); p != "" {
		extra = "Sec-WebSocket-Protocol: " + p + "\r\n"
	}
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), extra, holdOpen)
}

// large sends one message of ?size= bytes (byte i is i*7+3), binary or, with
// type=text, text; then reads until the client ends the connection.
func (h *handler) large(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	typ := websocket.MessageBinary
	if r.URL.Query().Get("type") == "text" {
		typ = websocket.MessageText
	}
	size := queryInt(r, "size", 1<<20)
	go func() {
		mw, err := c.Writer(h.ctx, typ)
		if err != nil {
			return
		}
		chunk := make([]byte, 1<<20)
		for off := 0; off < size; off += len(chunk) {
			n := min(len(chunk), size-off)
			for i := 0; i < n; i++ {
				chunk[i] = byte((off+i)*7 + 3)
				if typ == websocket.MessageText {
					chunk[i] = 'a' + byte((off+i)%26)
				}
			}
			if _, err := mw.Write(chunk[:n]); err != nil {
				return
			}
		}
		mw.Close()
	}()
	h.readToEnd(r, c, false)
}

// greet sends ?text= (?n= times) as soon as the connection is open, then echoes.
func (h *handler) greet(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for i := 0; i < queryInt(r, "n", 1); i++ {
		if c.Write(h.ctx, websocket.MessageText, []byte(r.URL.Query().Get("text"))) != nil {
			return
		}
	}
	h.readToEnd(r, c, true)
}

// flood sends ?n= binary messages of ?size= bytes as fast as the client takes them,
// then closes with 1000 "done".
func (h *handler) flood(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(h.ctx)
	msg := make([]byte, queryInt(r, "size", 1024))
	for i := 0; i < queryInt(r, "n", 1000); i++ {
		if c.Write(ctx, websocket.MessageBinary, msg) != nil {
			return
		}
	}
	c.Close(websocket.StatusNormalClosure, "done")
}

// echoHeaders sends a JSON object of the handshake's Origin, Authorization, Cookie
// and X-Test headers, then echoes.
func (h *handler) echoHeaders(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	seen := map[string]string{}
	for _, k := range []string{"Origin", "Authorization", "Cookie", "X-Test"} {
		seen[k] = r.Header.Get(k)
	}
	b, _ := json.Marshal(seen)
	c.Write(h.ctx, websocket.MessageText, b)
	h.readToEnd(r, c, true)
}
