package wire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand"
	"strings"
	"testing"
)

type ruleCase struct {
	name   string
	stream []byte
	cfg    ReaderConfig
	want   []result // the messages; the last one may be an error
}

func msg(op Opcode, data string) result { return result{Op: op, Data: data} }
func closeMsg(code int, reason string) result {
	return result{Op: OpClose, Code: code, Reason: reason}
}
func fails(err error) result { return result{Err: err} }

var deflateOn = ReaderConfig{Deflate: true}

func ruleCases() []ruleCase {
	hi := []byte("hi")
	return []ruleCase{
		{"text", frame(true, 0, OpText, hi), ReaderConfig{}, []result{msg(OpText, "hi"), fails(io.EOF)}},
		{"binary 126", frame(true, 0, OpBinary, bytes.Repeat([]byte{7}, 126)), ReaderConfig{},
			[]result{msg(OpBinary, strings.Repeat("\x07", 126)), fails(io.EOF)}},
		{"binary 65536", frame(true, 0, OpBinary, make([]byte, 65536)), ReaderConfig{},
			[]result{msg(OpBinary, string(make([]byte, 65536))), fails(io.EOF)}},
		{"empty text", unhex("8100"), ReaderConfig{}, []result{msg(OpText, ""), fails(io.EOF)}},
		{"masked", unhex("81850000000068656c6c6f"), ReaderConfig{}, []result{fails(ErrMaskedFrame)}},
		{"masked ping", unhex("898000000000"), ReaderConfig{}, []result{fails(ErrMaskedFrame)}},
		{"masked ping cut", unhex("898100000000"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"16-bit length 125", unhex("817e007d"), ReaderConfig{}, []result{fails(ErrNonMinimalLength)}},
		{"64-bit length 65535", unhex("827f000000000000ffff"), ReaderConfig{}, []result{fails(ErrNonMinimalLength)}},
		{"64-bit length top bit", unhex("827f8000000000010000"), ReaderConfig{}, []result{fails(ErrNonMinimalLength)}},
		{"64-bit length 2^31", unhex("827f0000000080000000"), ReaderConfig{}, []result{fails(ErrFrameTooBig)}},
		{"non-minimal before masked", unhex("82fe0001"), ReaderConfig{}, []result{fails(ErrNonMinimalLength)}},
		{"ping without FIN", unhex("0900"), ReaderConfig{}, []result{fails(ErrBadControlFrame)}},
		{"ping 126", unhex("897e007e"), ReaderConfig{}, []result{fails(ErrBadControlFrame)}},
		{"masked close 126", unhex("88fe007e00000000"), ReaderConfig{}, []result{fails(ErrBadControlFrame)}},
		{"RSV2", unhex("a100"), ReaderConfig{}, []result{fails(ErrReservedBits)}},
		{"RSV3", unhex("9100"), deflateOn, []result{fails(ErrReservedBits)}},
		{"RSV1 without deflate", unhex("c100"), ReaderConfig{}, []result{fails(ErrReservedBits)}},
		{"RSV1 on ping", unhex("c900"), deflateOn, []result{fails(ErrReservedBits)}},
		{"RSV1 on continuation without deflate", unhex("010161c00162"), ReaderConfig{}, []result{fails(ErrReservedBits)}},
		{"RSV1 on continuation with deflate", unhex("010161c00162"), deflateOn, []result{fails(ErrMisplacedRSV1)}},
		{"RSV1 on text inside a message", unhex("010161c100"), deflateOn, []result{fails(ErrMisplacedRSV1)}},
		{"masked RSV2", unhex("a18000000000"), ReaderConfig{}, []result{fails(ErrMaskedFrame)}},
		{"opcode 3", unhex("8300"), ReaderConfig{}, []result{fails(ErrUnknownOpcode)}},
		{"opcode 11", unhex("8b00"), ReaderConfig{}, []result{fails(ErrUnknownOpcode)}},
		{"opcode 7 RSV2", unhex("a700"), ReaderConfig{}, []result{fails(ErrReservedBits)}},
		{"lone continuation", unhex("8000"), ReaderConfig{}, []result{fails(ErrLoneContinuation)}},
		{"lone continuation with RSV1", unhex("c00162"), deflateOn, []result{fails(ErrLoneContinuation)}},
		{"empty continuation without FIN ignored", unhex("0000 8100"), ReaderConfig{}, []result{msg(OpText, ""), fails(io.EOF)}},
		{"empty continuation inside ignored", unhex("010161 0000 0000 800162"), ReaderConfig{}, []result{msg(OpText, "ab"), fails(io.EOF)}},
		{"unfinished", unhex("0101618100"), ReaderConfig{}, []result{fails(ErrUnfinished)}},
		{"unfinished binary", unhex("0101618200"), deflateOn, []result{fails(ErrUnfinished)}},
		{"fragmented", unhex("010368656c80026c6f"), ReaderConfig{}, []result{msg(OpText, "hello"), fails(io.EOF)}},
		{"fragmented binary", unhex("020161 000180 8002ffff"), ReaderConfig{}, []result{msg(OpBinary, "a\x80\xff\xff"), fails(io.EOF)}},
		{"empty first fragment", unhex("0100 800161"), ReaderConfig{}, []result{msg(OpText, "a"), fails(io.EOF)}},
		{"control between fragments", unhex("010161 890170 8a00 880203e8"), ReaderConfig{},
			[]result{msg(OpPing, "p"), msg(OpPong, ""), closeMsg(1000, ""), fails(io.EOF)}},
		{"ping pong", unhex("890568656c6c6f 8a0178"), ReaderConfig{}, []result{msg(OpPing, "hello"), msg(OpPong, "x"), fails(io.EOF)}},
		{"close empty", unhex("8800"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(io.EOF)}},
		{"close reason", unhex("88050bb7627965"), ReaderConfig{}, []result{closeMsg(2999, "bye"), fails(io.EOF)}},
		{"close 1 byte", unhex("8801e8"), ReaderConfig{}, []result{fails(ErrBadClosePayload)}},
		{"close 1005", unhex("880203ed"), ReaderConfig{}, []result{fails(ErrBadClosePayload)}},
		{"close 1006", unhex("880203ee"), ReaderConfig{}, []result{fails(ErrBadClosePayload)}},
		{"close 1015", unhex("880203f7"), ReaderConfig{}, []result{fails(ErrBadClosePayload)}},
		{"close 0", unhex("88020000"), ReaderConfig{}, []result{closeMsg(0, ""), fails(io.EOF)}},
		{"close 999", unhex("880203e7"), ReaderConfig{}, []result{closeMsg(999, ""), fails(io.EOF)}},
		{"close 1004", unhex("880203ec"), ReaderConfig{}, []result{closeMsg(1004, ""), fails(io.EOF)}},
		{"close 1016", unhex("880203f8"), ReaderConfig{}, []result{closeMsg(1016, ""), fails(io.EOF)}},
		{"close 5000", unhex("88021388"), ReaderConfig{}, []result{closeMsg(5000, ""), fails(io.EOF)}},
		{"close 65535", unhex("8802ffff"), ReaderConfig{}, []result{closeMsg(65535, ""), fails(io.EOF)}},
		{"close reason not UTF-8", unhex("880403e8fffe"), ReaderConfig{}, []result{fails(ErrCloseReasonUTF8)}},
		{"close reason cut code point", unhex("880403e8e282"), ReaderConfig{}, []result{fails(ErrCloseReasonUTF8)}},
		{"close in a message", unhex("010161 880203e8 800162"), ReaderConfig{}, []result{closeMsg(1000, ""), fails(ErrFrameAfterClose)}},
		{"text after close", unhex("880203e8 81026869"), ReaderConfig{}, []result{closeMsg(1000, ""), fails(ErrFrameAfterClose)}},
		{"ping after close", unhex("8800 8900"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(ErrFrameAfterClose)}},
		{"ping after close cut", unhex("8800 8901"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(io.ErrUnexpectedEOF)}},
		{"masked after close", unhex("8800 818000000000"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(ErrFrameAfterClose)}},
		{"bad length after close", unhex("8800 817e0001"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(ErrFrameAfterClose)}},
		{"empty continuation after close", unhex("8800 0000"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(io.EOF)}},
		{"close after close", unhex("8800 8800"), ReaderConfig{}, []result{closeMsg(CloseNoStatus, ""), fails(ErrFrameAfterClose)}},
		{"invalid UTF-8", unhex("8102 68ff"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"surrogate", unhex("8103 eda080"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"cut code point at the end", unhex("8101 e2"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"code point across fragments", unhex("0101e2 000182 8001ac"), ReaderConfig{}, []result{msg(OpText, "€"), fails(io.EOF)}},
		{"cut code point at the final fragment", unhex("0101e2 800182"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"invalid in a non-final fragment fails at once", unhex("0102 68ff"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"invalid prefix fails at once", unhex("0102 e080"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"invalid prefix in a frame cut", unhex("8105 e080"), ReaderConfig{}, []result{fails(ErrInvalidUTF8)}},
		{"valid prefix in a frame cut", unhex("8105 e282"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"binary not UTF-8", unhex("8202 68ff"), ReaderConfig{}, []result{msg(OpBinary, "h\xff"), fails(io.EOF)}},
		{"cut header", unhex("81"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"cut length", unhex("817e00"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"cut payload", unhex("810568"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"cut message", unhex("010161"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"cut continuation header", unhex("010161 8001"), ReaderConfig{}, []result{fails(io.ErrUnexpectedEOF)}},
		{"limit exact", frame(true, 0, OpBinary, make([]byte, 10)), ReaderConfig{MaxMessageSize: 10},
			[]result{msg(OpBinary, string(make([]byte, 10))), fails(io.EOF)}},
		{"limit+1", frame(true, 0, OpBinary, make([]byte, 11)), ReaderConfig{MaxMessageSize: 10}, []result{fails(ErrMessageTooBig)}},
		{"limit+1 announced only", unhex("827f0000000070000000"), ReaderConfig{MaxMessageSize: 10}, []result{fails(ErrMessageTooBig)}},
		{"limit fragmented exact", cat(frame(false, 0, OpText, []byte("12345")), frame(true, 0, 0, []byte("67890"))), ReaderConfig{MaxMessageSize: 10},
			[]result{msg(OpText, "1234567890"), fails(io.EOF)}},
		{"limit fragmented +1", cat(frame(false, 0, OpText, []byte("12345")), frame(true, 0, 0, []byte("678901"))), ReaderConfig{MaxMessageSize: 10},
			[]result{fails(ErrMessageTooBig)}},
		{"limit fragmented +1 header only", cat(frame(false, 0, OpText, []byte("12345")), unhex("800631")), ReaderConfig{MaxMessageSize: 10},
			[]result{fails(ErrMessageTooBig)}},
	}
}

func TestReaderRules(t *testing.T) {
	for _, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, splits := range [][]byte{nil, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 2, 5, 1, 7}} {
				got := readStream(c.stream, splits, c.cfg)
				want := c.want
				if !sameResults(got, want) {
					t.Fatalf("splits %v:\n got %v\nwant %v", splits, got, want)
				}
			}
		})
	}
}

// Every exported sentinel carries Chromium's code and reason.
func TestSentinels(t *testing.T) {
	for _, c := range []struct {
		err    *ProtocolError
		code   int
		reason string
	}{
		{ErrMaskedFrame, 1002, "Masked frame from server"},
		{ErrNonMinimalLength, 1002, "WebSocket Protocol Error"},
		{ErrFrameTooBig, 0, ""},
		{ErrBadControlFrame, 1002, "WebSocket Protocol Error"},
		{ErrReservedBits, 1002, "Invalid reserved bit"},
		{ErrMisplacedRSV1, 1002, "WebSocket Protocol Error"},
		{ErrUnknownOpcode, 1002, "Unknown opcode"},
		{ErrLoneContinuation, 1002, "Unexpected continuation"},
		{ErrUnfinished, 1002, "Previous data frame unfinished"},
		{ErrBadClosePayload, 1002, ""},
		{ErrCloseReasonUTF8, 1002, "Invalid UTF-8 in Close frame"},
		{ErrFrameAfterClose, 0, ""},
		{ErrInvalidUTF8, 1002, "Invalid UTF-8 in text frame"},
		{ErrMessageTooBig, 1009, "Message too big"},
		{ErrBadCompression, 1002, "WebSocket Protocol Error"},
	} {
		if c.err.Code != c.code || c.err.Reason != c.reason || !strings.HasPrefix(c.err.Error(), "websocket: ") {
			t.Errorf("%v: code %d reason %q, want %d %q", c.err, c.err.Code, c.err.Reason, c.code, c.reason)
		}
	}
}

// src's own error comes back as is, after the frames before it.
func TestReaderSourceError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(&splitReader{data: unhex("81026869 8102"), end: boom}, ReaderConfig{})
	got := readAll(r)
	if len(got) != 2 || got[0] != msg(OpText, "hi") || got[1].Err != boom {
		t.Fatalf("got %v", got)
	}
}

// A source that returns nothing forever gets io.ErrNoProgress, not a hang.
type nothingReader struct{}

func (nothingReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderNoProgress(t *testing.T) {
	if _, err := NewReader(nothingReader{}, ReaderConfig{}).Next(); err != io.ErrNoProgress {
		t.Fatalf("got %v", err)
	}
}

// Compressed messages from a server's compress/flate: with and without
// context takeover, fragmented (RSV1 on the first fragment only), between
// uncompressed ones, and read in any pieces.
func TestReaderInflate(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for _, noTakeover := range []bool{false, true} {
		d := &serverDeflate{fresh: noTakeover}
		var stream []byte
		var want []result
		for i := 0; i < 60; i++ {
			n := []int{0, 1, 100, 1000, 5000, 40000, 70000}[i%7]
			m := make([]byte, n)
			for j := range m {
				m[j] = "abcdefgh"[rnd.Intn(3+i%5)] // compressible, with repeats across messages
			}
			op := OpBinary
			if i%2 == 0 {
				op = OpText
			}
			want = append(want, msg(op, string(m)))
			switch i % 4 {
			case 0, 1:
				stream = append(stream, frame(true, 4, op, d.compress(m))...)
			case 2: // fragmented in three, a ping between
				c := d.compress(m)
				a, b := len(c)/3, 2*len(c)/3
				stream = append(stream, cat(frame(false, 4, op, c[:a]), frame(false, 0, 0, c[a:b]), frame(true, 0, OpPing, []byte("p")), frame(true, 0, 0, c[b:]))...)
				want = append(want[:len(want)-1], msg(OpPing, "p"), want[len(want)-1])
			case 3: // not compressed
				stream = append(stream, frame(true, 0, op, m)...)
			}
		}
		want = append(want, fails(io.EOF))
		cfg := ReaderConfig{Deflate: true, ServerNoContextTakeover: noTakeover}
		for _, splits := range [][]byte{nil, {1, 2, 3, 200, 1, 255, 17}} {
			got := readStream(stream, splits, cfg)
			if !sameResults(got, want) {
				t.Fatalf("noTakeover %v splits %v: got %d results, want %d; first: %.200v", noTakeover, splits, len(got), len(want), got[len(got)-1])
			}
		}
	}
}

func TestReaderInflateErrors(t *testing.T) {
	d := &serverDeflate{}
	c := d.compress([]byte("hello hello hello"))
	corrupt := []byte{0xff, 0xff, 0xff}
	big := d.compress(bytes.Repeat([]byte("x"), 100))
	for _, c := range []ruleCase{
		{"compressed", frame(true, 4, OpText, c), deflateOn, []result{msg(OpText, "hello hello hello"), fails(io.EOF)}},
		{"corrupt", frame(true, 4, OpBinary, corrupt), deflateOn, []result{fails(ErrBadCompression)}},
		{"not UTF-8", frame(true, 4, OpText, (&serverDeflate{}).compress([]byte{0x68, 0xff})), deflateOn, []result{fails(ErrInvalidUTF8)}},
		{"limit exact", frame(true, 4, OpBinary, big), ReaderConfig{Deflate: true, MaxMessageSize: 100},
			[]result{msg(OpBinary, strings.Repeat("x", 100)), fails(io.EOF)}},
		{"limit+1", frame(true, 4, OpBinary, big), ReaderConfig{Deflate: true, MaxMessageSize: 99}, []result{fails(ErrMessageTooBig)}},
		{"limit fragmented", cat(frame(false, 4, OpBinary, big[:3]), frame(true, 0, 0, big[3:])), ReaderConfig{Deflate: true, MaxMessageSize: 99}, []result{fails(ErrMessageTooBig)}},
		// Chromium's deflate stream takes a frame without RSV1 inside a
		// compressed message as part of it.
		{"text inside compressed", cat(frame(false, 4, OpText, c[:2]), frame(true, 0, OpBinary, c[2:])), deflateOn,
			[]result{msg(OpText, "hello hello hello"), fails(io.EOF)}},
		{"empty compressed", frame(true, 4, OpBinary, nil), deflateOn, []result{msg(OpBinary, ""), fails(io.EOF)}},
		{"compressed final block", frame(true, 4, OpBinary, finalBlock("abc")), deflateOn, []result{msg(OpBinary, "abc"), fails(io.EOF)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, splits := range [][]byte{nil, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}} {
				if got := readStream(c.stream, splits, c.cfg); !sameResults(got, c.want) {
					t.Fatalf("splits %v: got %v want %v", splits, got, c.want)
				}
			}
		})
	}
}

// finalBlock is s deflated as one stream ended by a final block (BFINAL).
func finalBlock(s string) []byte {
	var b bytes.Buffer
	fw, _ := newFlateWriterForTest(&b)
	fw.Write([]byte(s))
	fw.Close()
	return b.Bytes()
}

// Alloc is called once per message, with the exact size when the frame gives
// it, and what Next returned is never written again.
func TestReaderAlloc(t *testing.T) {
	rnd := rand.New(rand.NewSource(2))
	var stream []byte
	var want [][]byte
	d := &serverDeflate{}
	for i := 0; i < 300; i++ {
		m := make([]byte, rnd.Intn([]int{20, 600, 5000, 100000}[i%4]))
		rnd.Read(m)
		want = append(want, m)
		switch i % 3 {
		case 0:
			stream = append(stream, frame(true, 0, OpBinary, m)...)
		case 1:
			h := len(m) / 2
			stream = append(stream, cat(frame(false, 0, OpBinary, m[:h]), frame(true, 0, 0, m[h:]))...)
		case 2:
			stream = append(stream, frame(true, 4, OpBinary, d.compress(m))...)
		}
	}
	var sizes []int
	r := NewReader(&splitReader{data: stream, splits: []byte{100, 255, 3, 255, 255, 255, 1}}, ReaderConfig{Deflate: true, Alloc: func(n int) []byte {
		sizes = append(sizes, n)
		return make([]byte, n, n+8)
	}})
	var got [][]byte
	for i := range want {
		before := len(sizes)
		m, err := r.Next()
		if err != nil {
			t.Fatal(i, err)
		}
		if calls := len(sizes) - before; calls > 1 || i%3 == 0 && (calls != 1 || sizes[before] != len(want[i])) {
			t.Fatalf("message %d (%d bytes): Alloc calls %v", i, len(want[i]), sizes[before:])
		}
		if calls := len(sizes) - before; calls == 1 && &m.Data[:1][0] == nil {
			t.Fatal("unreachable")
		}
		got = append(got, m.Data)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatal(err)
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("message %d changed after later reads", i)
		}
	}
}

// A message announced larger than exactAlloc is not allocated up front.
func TestReaderHugeAnnounced(t *testing.T) {
	called := false
	r := NewReader(bytes.NewReader(unhex("827f0000000002000000 6869")), ReaderConfig{Alloc: func(n int) []byte { called = true; return make([]byte, n) }})
	if _, err := r.Next(); err != io.ErrUnexpectedEOF || called {
		t.Fatalf("err %v, Alloc called %v", err, called)
	}
}

// After IgnoreData, data frames are skipped unchecked (invalid UTF-8, a lone
// continuation, a new message inside another, the size limit), as Chromium's
// channel drops them once its close frame is out; control frames still come,
// and the frame rules (here a masked frame) still hold.
func TestIgnoreData(t *testing.T) {
	for _, c := range []struct {
		name   string
		stream []byte
		want   []result
	}{
		{"skipped", cat(frame(false, 0, OpText, []byte{0xc0, 0xaf}), frame(true, 0, OpContinuation, []byte("x")),
			frame(true, 0, OpContinuation, []byte("lone")), frame(false, 0, OpBinary, []byte("a")),
			frame(true, 0, OpText, make([]byte, 5000)), frame(true, 0, OpPing, []byte("p")), frame(true, 0, OpClose, []byte{3, 0xe8})),
			[]result{{Op: OpPing, Data: "p"}, {Op: OpClose, Code: 1000}, {Err: io.EOF}}},
		{"masked", cat(frame(true, 0, OpText, []byte("ok")), unhex("8180010203046a")),
			[]result{{Err: ErrMaskedFrame}}},
		{"compressed, inflated and dropped", cat(frame(true, 4, OpText, (&serverDeflate{}).compress([]byte{0xff, 'x'})),
			frame(true, 0, OpClose, nil)), []result{{Op: OpClose, Code: CloseNoStatus}, {Err: io.EOF}}},
		{"uncompressed after compressed", cat(frame(true, 4, OpText, (&serverDeflate{}).compress([]byte("hi"))),
			frame(false, 0, OpText, []byte{0xf0, 0x9f}), frame(true, 0, OpContinuation, []byte{0x98, 0x80}),
			frame(true, 0, OpClose, nil)), []result{{Op: OpClose, Code: CloseNoStatus}, {Err: io.EOF}}},
		{"a message inside a compressed one is part of it", cat(frame(false, 4, OpText, (&serverDeflate{fresh: true}).compress([]byte("ab"))),
			frame(true, 0, OpText, nil), frame(true, 4, OpText, (&serverDeflate{fresh: true}).compress([]byte("cd"))), frame(true, 0, OpClose, nil)),
			[]result{{Op: OpClose, Code: CloseNoStatus}, {Err: io.EOF}}},
		{"compressed, still inflated", cat(frame(true, 4, OpText, (&serverDeflate{}).compress([]byte("hello"))),
			frame(true, 0, OpText, []byte("plain")), frame(true, 4, OpText, []byte{0xff, 0xff, 0xff})),
			[]result{{Err: ErrBadCompression}}},
	} {
		for _, splits := range [][]byte{nil, {1}} {
			r := NewReader(&splitReader{data: c.stream, splits: splits}, ReaderConfig{MaxMessageSize: 100, Deflate: true})
			r.IgnoreData()
			if got := readAll(r); !sameResults(got, c.want) {
				t.Errorf("%s, splits %v: got %v, want %v", c.name, splits, got, c.want)
			}
		}
	}
}

// A limit near math.MaxInt64 (a way to say "none") neither overflows nor
// refuses a compressed message.
func TestHugeMaxMessageSize(t *testing.T) {
	stream := frame(true, 4, OpText, (&serverDeflate{}).compress([]byte("hello")))
	for _, limit := range []int64{math.MaxInt64, math.MaxInt64/2 + 1} {
		got := readStream(stream, nil, ReaderConfig{Deflate: true, MaxMessageSize: limit})
		if want := []result{{Op: OpText, Data: "hello"}, {Err: io.EOF}}; !sameResults(got, want) {
			t.Errorf("limit %d: got %v, want %v", limit, got, want)
		}
	}
}
