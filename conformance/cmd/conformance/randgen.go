package main

// The generator of the randomized differential (random.go): random server
// scripts for the test server's /script endpoint (internal/wstest/script.go).

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/browserws/websocket/conformance/scenario"
)

// script is one random server behaviour and what the client does meanwhile.
type script struct {
	n         int      // its number: it is generated from (seed, n)
	protocols []string // offered by the client
	head      []string // the response head's lines; "{accept}" is the right accept value
	headNote  string   // what is odd about the head, "" for nothing
	deflate   bool     // the head accepts permessage-deflate, so compressed frames make sense
	items     []item   // what the server writes, in order
	end       string   // what the server does after the items: answer, wait, fin, hold or rst
	onOpen    []scenario.Action
	onMessage []scenario.Action
}

// item is one step of a server script: some frames, written in one write or
// split in two, after a pause.
type item struct {
	desc    string
	bytes   []byte
	frames  []frame // the frames in bytes, in order (for splitVariant)
	split   int     // when > 0, the bytes are written in two writes split here, 20 ms apart
	pauseMS int     // pause before the item
	join    bool    // written in the same write as the previous item's (last) write
}

// frame is one WebSocket frame as a server writes it, valid or not.
type frame struct {
	fin     bool
	rsv     byte // RSV1..RSV3: 0x40, 0x20, 0x10
	op      byte
	mask    bool   // mask the payload (a server must not)
	lenSize int    // the length field: 0 minimal, 2 the 16-bit form, 8 the 64-bit form
	claim   uint64 // when > 0, the length the header claims (no payload is written)
	payload []byte
}

// bytes is the frame on the wire.
func (f frame) bytes() []byte {
	b := []byte{f.op | f.rsv}
	if f.fin {
		b[0] |= 0x80
	}
	n := uint64(len(f.payload))
	if f.claim > 0 {
		n = f.claim
	}
	size := f.lenSize
	if size == 0 && n > 125 {
		size = 2
	}
	if size == 0 && n > 0xffff {
		size = 8
	}
	var m byte
	if f.mask {
		m = 0x80
	}
	switch size {
	case 0:
		b = append(b, m|byte(n))
	case 2:
		b = append(b, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, m|127)
		b = binary.BigEndian.AppendUint64(b, n)
	}
	if f.claim > 0 {
		return b
	}
	p := f.payload
	if f.mask {
		key := []byte{0x12, 0x34, 0x56, 0x78}
		b = append(b, key...)
		p = bytes.Clone(p)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(b, p...)
}

// String is the frame in readable form, such as `text+rsv1 "hé"` or
// `close[fin=0] 1000 "bye"`.
func (f frame) String() string {
	names := map[byte]string{0: "cont", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"}
	s, ok := names[f.op]
	if !ok {
		s = fmt.Sprintf("op%d", f.op)
	}
	if !f.fin {
		s += "[fin=0]"
	}
	for i, name := range []string{"+rsv1", "+rsv2", "+rsv3"} {
		if f.rsv&(0x40>>i) != 0 {
			s += name
		}
	}
	if f.mask {
		s += "+masked"
	}
	if f.lenSize > 0 {
		s += fmt.Sprintf("+len%d", f.lenSize*8)
	}
	if f.claim > 0 {
		return s + fmt.Sprintf(" (header only, claims %d bytes)", f.claim)
	}
	if f.op == 8 && len(f.payload) >= 2 {
		return s + fmt.Sprintf(" %d %s", binary.BigEndian.Uint16(f.payload), quoteBytes(f.payload[2:]))
	}
	return s + " " + quoteBytes(f.payload)
}

// quoteBytes shows a payload: quoted when it is printable UTF-8, else in hex;
// long ones by length.
func quoteBytes(p []byte) string {
	if len(p) > 24 {
		return fmt.Sprintf("(%d bytes)", len(p))
	}
	if utf8.Valid(p) && !strings.ContainsFunc(string(p), func(r rune) bool { return !strconv.IsPrint(r) }) {
		return strconv.Quote(string(p))
	}
	return "0x" + hex.EncodeToString(p)
}

// gen draws one script's choices.
type gen struct{ r *rand.Rand }

// pick returns one of the choices at random.
func pick[T any](g gen, choices ...T) T { return choices[g.r.IntN(len(choices))] }

// chance is true with probability p.
func (g gen) chance(p float64) bool { return g.r.Float64() < p }

// generate makes script n of a seed: the same (seed, n) always gives the same script.
func generate(seed uint64, n int) script {
	g := gen{rand.New(rand.NewPCG(seed, uint64(n)))}
	s := script{n: n}
	g.handshake(&s)
	closed := false
	for range g.r.IntN(6) {
		s.items = append(s.items, g.item(s.deflate))
	}
	if g.chance(0.65) {
		s.items = append(s.items, g.closeItem())
		closed = true
		if g.chance(0.1) {
			s.items = append(s.items, g.wrap(frame{fin: true, op: 1, payload: []byte("late")}))
		}
	}
	for i := range s.items {
		it := &s.items[i]
		switch {
		case g.chance(0.25):
			it.pauseMS = pick(g, 20, 50, 100)
		case i > 0 && g.chance(0.2):
			it.join = true
		}
		if len(it.bytes) > 1 && g.chance(0.2) {
			it.split = 1 + g.r.IntN(len(it.bytes)-1)
		}
	}
	if closed {
		s.end = pick(g, "wait", "wait", "wait", "fin", "fin", "hold", "rst")
	} else {
		s.end = pick(g, "answer", "answer", "fin", "fin", "rst", "hold")
	}
	g.clientActions(&s, closed)
	return s
}

// handshake draws the protocols offered and the response head.
func (g gen) handshake(s *script) {
	status, up, conn, acc := "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: {accept}"
	var extra []string
	if g.chance(0.3) {
		s.protocols = []string{"chat", "superchat"}
		switch x := g.r.IntN(20); {
		case x < 14:
			extra = append(extra, "Sec-WebSocket-Protocol: "+pick(g, "chat", "superchat"))
		case x < 16:
		case x < 17:
			extra = append(extra, "Sec-WebSocket-Protocol: other")
		case x < 18:
			extra = append(extra, "Sec-WebSocket-Protocol: chat, superchat")
		case x < 19:
			extra = append(extra, "Sec-WebSocket-Protocol: CHAT")
		default:
			extra = append(extra, "Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: chat")
		}
	} else if g.chance(0.03) {
		extra = append(extra, "Sec-WebSocket-Protocol: chat")
	}
	if g.chance(0.35) {
		ext := "permessage-deflate"
		if g.chance(0.3) {
			ext = pick(g, "permessage-deflate; server_no_context_takeover", "permessage-deflate; client_no_context_takeover",
				"permessage-deflate; server_max_window_bits=15", "permessage-deflate; client_max_window_bits=15",
				"permessage-deflate; server_max_window_bits=10; client_max_window_bits=9",
				"permessage-deflate; server_no_context_takeover; client_no_context_takeover")
		}
		if g.chance(0.2) {
			ext = pick(g, "permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=7",
				"permessage-deflate; client_max_window_bits", "permessage-deflate; server_max_window_bits",
				"permessage-deflate; client_max_window_bits=16", "permessage-deflate; x=1",
				"permessage-deflate; server_no_context_takeover; server_no_context_takeover", "permessage-deflate, permessage-deflate",
				"permessage-deflate; server_max_window_bits=\"10\"", "permessage-deflate;server_no_context_takeover",
				"PERMESSAGE-DEFLATE", "x-unknown", "permessage-deflate; server_max_window_bits=010")
		}
		extra = append(extra, "Sec-WebSocket-Extensions: "+ext)
		s.deflate = strings.HasPrefix(ext, "permessage-deflate")
	}
	lines := append([]string{status, up, conn, acc}, extra...)
	if g.chance(0.15) {
		odd := []struct {
			note  string
			lines []string
		}{
			{"wrong accept", []string{status, up, conn, "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ=="}},
			{"two Upgrade headers", []string{status, up, up, conn, acc}},
			{"two accept headers", []string{status, up, conn, acc, acc}},
			{"status 200", []string{"HTTP/1.1 200 OK", up, conn, acc, "Content-Length: 0"}},
			{"status 404", []string{"HTTP/1.1 404 Not Found", "Content-Length: 0"}},
			{"status 302 without Location", []string{"HTTP/1.1 302 Found", "Content-Length: 0"}},
			{"HTTP/1.0", []string{"HTTP/1.0 101 Switching Protocols", up, conn, acc}},
			{"no Connection", []string{status, up, acc}},
			{"Connection: keep-alive, Upgrade", []string{status, up, "Connection: keep-alive, Upgrade", acc}},
			{"Upgrade: websocket, h2c", []string{status, "Upgrade: websocket, h2c", conn, acc}},
			{"lower-case names and values", []string{"HTTP/1.1 101 ok", "upgrade: WebSocket", "connection: upgrade", "sec-websocket-accept: {accept}"}},
			{"no space after colons", []string{status, "Upgrade:websocket", "Connection:Upgrade", "Sec-WebSocket-Accept:{accept}"}},
			{"trailing spaces", []string{status, "Upgrade: websocket  ", "Connection: Upgrade ", "Sec-WebSocket-Accept: {accept}  "}},
			{"status 101 without reason", []string{"HTTP/1.1 101", up, conn, acc}},
			{"empty extensions header", []string{status, up, conn, acc, "Sec-WebSocket-Extensions: "}},
			{"empty protocol header", []string{status, up, conn, acc, "Sec-WebSocket-Protocol: "}},
		}
		o := odd[g.r.IntN(len(odd))]
		s.headNote, lines = o.note, append(o.lines, extra...)
	}
	s.head = lines
}

// texts are the valid texts a script sends.
var texts = []string{"", "hi", "héllo", "日本語", "😀!", strings.Repeat("abc", 50)}

// wrap makes an item of frames, described by them.
func (g gen) wrap(fs ...frame) item {
	var it item
	var descs []string
	it.frames = fs
	for _, f := range fs {
		it.bytes = append(it.bytes, f.bytes()...)
		descs = append(descs, f.String())
	}
	it.desc = strings.Join(descs, ", ")
	return it
}

// item draws a server write: frames, mostly valid ones.
func (g gen) item(deflate bool) item {
	text := func() []byte { return []byte(pick(g, texts...)) }
	bin := func() []byte {
		b := make([]byte, pick(g, 0, 1, 3, 8, 200))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		return b
	}
	if deflate && g.chance(0.4) {
		return g.compressedItem(text())
	}
	switch x := g.r.IntN(100); {
	case x < 25:
		return g.wrap(frame{fin: true, op: 1, payload: text()})
	case x < 35:
		return g.wrap(frame{fin: true, op: 2, payload: bin()})
	case x < 47:
		return g.fragmented(pick(g, byte(1), 1, 2), text())
	case x < 55:
		return g.wrap(frame{fin: true, op: pick(g, byte(9), 9, 10), payload: []byte(pick(g, "", "p", "ping!"))})
	case x < 63: // invalid UTF-8
		bad := []byte(pick(g, "\xff", "ok\xc3", "\xed\xa0\x80", "\xc0\xaf", "a\xf4\x90\x80\x80"))
		if g.chance(0.5) {
			return g.wrap(frame{fin: true, op: 1, payload: bad})
		}
		it := g.wrap(frame{op: 1, payload: bad}, frame{fin: true, op: 0, payload: []byte("end")})
		it.desc += " (bad UTF-8 in the first fragment)"
		return it
	case x < 67:
		return g.wrap(frame{fin: true, op: 1, rsv: pick(g, byte(0x20), 0x10, 0x40), payload: []byte("hi")})
	case x < 70:
		return g.wrap(frame{fin: true, op: pick(g, byte(3), 7, 11, 15)})
	case x < 73:
		return g.wrap(frame{fin: true, op: 1, mask: true, payload: []byte("masked")})
	case x < 78:
		return g.wrap(frame{fin: true, op: pick(g, byte(1), 2), lenSize: pick(g, 2, 8), payload: []byte("hi")})
	case x < 81:
		return g.wrap(frame{fin: true, op: 2, lenSize: 8, claim: pick(g, uint64(1)<<31, 1<<40, 1<<63|5)})
	case x < 84:
		return g.wrap(frame{fin: true, op: 0, payload: []byte("cont")})
	case x < 87:
		return g.wrap(frame{op: 1, payload: []byte("a")}, frame{fin: true, op: 1, payload: []byte("b")})
	case x < 90:
		return g.wrap(frame{op: 9, payload: []byte("p")})
	case x < 93:
		return g.wrap(frame{fin: true, op: 9, payload: bytes.Repeat([]byte("p"), 126)})
	default:
		t := text()
		return g.wrap(frame{fin: true, op: 1, payload: t}, frame{fin: true, op: 2, payload: t})
	}
}

// fragmented splits a message of opcode op into two or three fragments at random
// bytes (a UTF-8 character may straddle two), sometimes with a ping or pong
// between them.
func (g gen) fragmented(op byte, p []byte) item {
	cuts := []int{0}
	for range 1 + g.r.IntN(2) {
		cuts = append(cuts, g.r.IntN(len(p)+1))
	}
	cuts = append(cuts, len(p))
	for i := 1; i < len(cuts); i++ { // keep them in order
		cuts[i] = max(cuts[i], cuts[i-1])
	}
	var fs []frame
	for i := 1; i < len(cuts); i++ {
		f := frame{op: op, payload: p[cuts[i-1]:cuts[i]], fin: i == len(cuts)-1}
		if i > 1 {
			f.op = 0
		}
		fs = append(fs, f)
		if i == 1 && g.chance(0.3) {
			fs = append(fs, frame{fin: true, op: pick(g, byte(9), 10), payload: []byte("c")})
		}
	}
	return g.wrap(fs...)
}

// deflated is p compressed as permessage-deflate sends it: a deflate stream
// ended by a sync flush, without its last four bytes.
func deflated(p []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(p)
	w.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
}

// compressedItem draws a compressed message, valid or not.
func (g gen) compressedItem(p []byte) item {
	c := deflated(p)
	switch x := g.r.IntN(10); {
	case x < 4:
		return g.wrap(frame{fin: true, op: pick(g, byte(1), 2), rsv: 0x40, payload: c})
	case x < 6 && len(c) > 1:
		k := 1 + g.r.IntN(len(c)-1)
		return g.wrap(frame{op: 1, rsv: 0x40, payload: c[:k]}, frame{fin: true, op: 0, payload: c[k:]})
	case x < 7 && len(c) > 1:
		k := 1 + g.r.IntN(len(c)-1)
		return g.wrap(frame{op: 1, rsv: 0x40, payload: c[:k]}, frame{fin: true, op: 0, rsv: 0x40, payload: c[k:]})
	case x < 8:
		return g.wrap(frame{fin: true, op: 1, rsv: 0x40, payload: deflated([]byte("ok\xff"))})
	case x < 9:
		return g.wrap(frame{fin: true, op: 1, rsv: 0x40, payload: []byte{0xff, 0xff, 0xff}})
	default:
		return g.wrap(frame{fin: true, op: 9, rsv: 0x40, payload: deflated([]byte("p"))})
	}
}

// closeItem draws the server's close frame: mostly valid codes, sometimes a code
// or payload a client must refuse.
func (g gen) closeItem() item {
	code := pick(g, 1000, 1000, 1000, 1001, 1002, 1003, 1007, 1008, 1011, 1012, 3000, 4999,
		999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)
	reason := pick(g, "", "", "bye", "é", "\xff", strings.Repeat("r", 124))
	switch x := g.r.IntN(10); {
	case x < 1:
		return g.wrap(frame{fin: true, op: 8})
	case x < 2:
		return g.wrap(frame{fin: true, op: 8, payload: []byte{3}})
	case x < 3:
		return g.wrap(frame{op: 8, payload: []byte{3, 0xe8}})
	}
	return g.wrap(frame{fin: true, op: 8, payload: append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)})
}

// clientActions draws what the client does in its open and message handlers.
// Without a close frame from the server, the client closes, mostly, so that the
// script does not wait for the driver's timeout.
func (g gen) clientActions(s *script, serverCloses bool) {
	attrs := scenario.Action{Do: "attrs"}
	closes := []scenario.Action{{Do: "close"}, {Do: "closeCode", Code: 1000}, {Do: "closeCode", Code: 3000, Reason: "bye"},
		{Do: "closeCode", Code: 4999, Reason: "é"}, {Do: "closeCode", Code: 1001}}
	s.onOpen = []scenario.Action{{Do: "binaryType", Text: "arraybuffer"}}
	switch x := g.r.IntN(10); {
	case x < 2:
		s.onOpen = append(s.onOpen, scenario.Action{Do: "send", Text: "hello"})
	case x < 3:
		s.onOpen = append(s.onOpen, scenario.Action{Do: "sendBytes", Size: 3})
	case x < 4 || (!serverCloses && x < 6):
		s.onOpen = append(s.onOpen, pick(g, closes...))
	}
	switch x := g.r.IntN(10); {
	case x < 2 || (!serverCloses && x < 6):
		s.onMessage = []scenario.Action{attrs, pick(g, closes...)}
	case x < 3:
		s.onMessage = []scenario.Action{{Do: "send", Text: "echo"}}
	case x < 4:
		s.onMessage = []scenario.Action{attrs}
	}
}

// gapMS is the pause between two writes that have no pause of their own.
const gapMS = 20

// pauseMS is the total of the script's pauses (an upper bound: it counts a gap
// before every item and split).
func (s script) pauseMS() int {
	t := gapMS
	for _, it := range s.items {
		t += it.pauseMS + gapMS
		if it.split > 0 {
			t += 20 + gapMS
		}
	}
	return t
}

// query is the script as /script's query (without id).
func (s script) query() string {
	v := url.Values{}
	v.Set("head", strings.Join(s.head, "\r\n"))
	var w []string
	for _, it := range s.items {
		if it.pauseMS > 0 {
			w = append(w, fmt.Sprintf("p%d", it.pauseMS))
		}
		parts := [][]byte{it.bytes}
		if it.split > 0 {
			parts = [][]byte{it.bytes[:it.split], nil, it.bytes[it.split:]}
		}
		for i, p := range parts {
			switch {
			case p == nil:
				w = append(w, "p20")
			case i == 0 && it.join && it.pauseMS == 0 && len(w) > 0 && !strings.HasPrefix(w[len(w)-1], "p"):
				// (The first item has nothing to join: the handshake is a write of its own.)
				w[len(w)-1] += hex.EncodeToString(p)
			case len(w) == 0 || !strings.HasPrefix(w[len(w)-1], "p"):
				// Writes not meant to be read together are gapMS ms apart, and the
				// first comes gapMS ms after the handshake, so that the client's
				// reads, and its open handler's sends, do not depend on the
				// machine's speed.
				w = append(w, fmt.Sprintf("p%d", gapMS), hex.EncodeToString(p))
			default:
				w = append(w, hex.EncodeToString(p))
			}
		}
	}
	if s.end == "fin" || s.end == "rst" {
		w = append(w, fmt.Sprintf("p%d", gapMS)) // the end is a server action too
	}
	v["w"] = w
	v.Set("end", s.end)
	return v.Encode()
}

// splitVariant is the script with each frame in a write of its own, gapMS ms
// after the previous write: items of several frames become one item per frame,
// joins and splits are dropped, an item's pause stays before its first frame.
// ok is false when no write of the script holds more than one frame (no
// multi-frame item, no join), so that the variant would change nothing of
// interest.
func splitVariant(s script) (v script, ok bool) {
	v = s
	v.items = nil
	for i, it := range s.items {
		ok = ok || len(it.frames) > 1 || (it.join && it.pauseMS == 0 && i > 0)
		for j, f := range it.frames {
			one := gen{}.wrap(f)
			if j == 0 {
				one.pauseMS = it.pauseMS
			}
			v.items = append(v.items, one)
		}
	}
	return v, ok
}

// String is the script in readable form.
func (s script) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "protocols offered: %q\n", s.protocols)
	note := ""
	if s.headNote != "" {
		note = " (" + s.headNote + ")"
	}
	fmt.Fprintf(&b, "handshake answer%s: %s\n", note, strings.Join(s.head, " | "))
	for i, it := range s.items {
		b.WriteString("  ")
		if it.pauseMS > 0 {
			fmt.Fprintf(&b, "[after %d ms] ", it.pauseMS)
		}
		if it.join && it.pauseMS == 0 && i > 0 {
			b.WriteString("[same write] ")
		}
		b.WriteString(it.desc)
		if it.split > 0 {
			fmt.Fprintf(&b, " [split after byte %d, 20 ms]", it.split)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "then: %s\n", map[string]string{
		"answer": "wait for the client's close frame, answer it, close TCP",
		"wait":   "wait for the client's close frame, close TCP",
		"fin":    "close TCP (FIN) at once",
		"hold":   "keep TCP open, never answer a close frame",
		"rst":    "reset TCP",
	}[s.end])
	for _, l := range []struct {
		name string
		as   []scenario.Action
	}{{"onopen", s.onOpen}, {"onmessage", s.onMessage}} {
		var ds []string
		for _, a := range l.as {
			ds = append(ds, a.Describe())
		}
		if len(ds) > 0 {
			fmt.Fprintf(&b, "client %s: %s\n", l.name, strings.Join(ds, "; "))
		}
	}
	return b.String()
}
