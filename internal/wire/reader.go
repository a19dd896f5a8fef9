package wire

import (
	"encoding/binary"
	"errors"
	"io"
	"unicode/utf8"
)

// Opcode is a frame's opcode (RFC 6455, section 5.2).
type Opcode byte

// The opcodes of RFC 6455.
const (
	OpContinuation Opcode = 0
	OpText         Opcode = 1
	OpBinary       Opcode = 2
	OpClose        Opcode = 8
	OpPing         Opcode = 9
	OpPong         Opcode = 10
)

// CloseNoStatus is the code a close frame without payload reads as (1005).
const CloseNoStatus = 1005

// Message is what Reader.Next returns: a whole data message or one control frame.
type Message struct {
	Op Opcode // OpText, OpBinary, OpPing, OpPong or OpClose
	// Data: for text and binary, the whole message (inflated), owned by the
	// caller and never touched again by the Reader; for ping and pong, the
	// payload, valid only until the next call of Next.
	Data   []byte
	Code   int    // OpClose: the status code; CloseNoStatus when the frame had no payload
	Reason string // OpClose: the reason (checked UTF-8)
}

// ReaderConfig is what the handshake settled for the frames a Reader reads.
type ReaderConfig struct {
	Deflate                 bool  // permessage-deflate was negotiated: RSV1 may start a data message
	ServerNoContextTakeover bool  // the answer had server_no_context_takeover: each message inflates alone
	MaxMessageSize          int64 // largest message accepted (after inflating); <= 0: no limit
	// Alloc, if not nil, makes the buffer a message is returned in: it returns
	// a slice of len n. Called at most once per data message, only for the
	// buffer returned as that message's Data.
	Alloc func(n int) []byte
}

const (
	readBufSize = 4 << 10 // the read buffer: the idle memory of a Reader
	// exactAlloc bounds the buffer made up front for a message whose frame
	// gives its size: a larger one (a server may announce sizes it never
	// sends) grows as its bytes arrive.
	exactAlloc = 16 << 20
	// maxSizeHint bounds the buffer a fragmented or compressed message starts in.
	maxSizeHint = 1 << 20
	// smallMessage: an assembled message up to this size is copied into a
	// buffer of its own, and the assembly buffer is kept for the next one.
	smallMessage = 512
	// keepScratch bounds the assembly and compressed-bytes buffers kept
	// between messages.
	keepScratch = 64 << 10
	maxInt32    = 1<<31 - 1
)

// Reader parses the frames a server sends (RFC 6455 and RFC 7692) with
// Chromium's rules. It is used by one goroutine at a time.
//
// Each rule is decided where Chromium decides it, on complete bytes only: a
// frame length as soon as the length field is complete; the rest of a text,
// binary or unknown frame's header once its header (mask key included) is
// complete; a continuation frame's with the first byte of its payload (an
// empty continuation frame without FIN is ignored, as Chromium never sees
// it); a control frame's once its payload is complete.
type Reader struct {
	src  io.Reader
	cfg  ReaderConfig
	buf  []byte
	r, w int   // buf[r:w]: read, not yet parsed
	rerr error // what src returned last, once buf[r:w] is used up
	err  error // the error Next returns from now on

	inMsg      bool // a fragmented data message is under way
	text       bool // the message under way is text
	compressed bool // ... and its first frame had RSV1
	size       int64
	utf        utf8Stream
	msg        []byte // the message being assembled (fragmented or inflated)
	comp       []byte // the compressed bytes of the message under way
	hint       int    // the size of the last assembled message, at most maxSizeHint
	closed     bool   // the close frame was returned
	infl       *inflater
}

// NewReader returns a Reader of the server's frames read from src.
func NewReader(src io.Reader, c ReaderConfig) *Reader {
	return &Reader{src: src, cfg: c, buf: make([]byte, readBufSize)}
}

// Next returns the next data message or control frame. Errors: a
// *ProtocolError (a broken rule), io.EOF (src ended at a frame boundary
// outside a message), io.ErrUnexpectedEOF (src ended inside a frame or a
// fragmented message), or src's own error as is. After an error every later
// call returns it again.
//
// After the close frame Next may be called again to wait for the end of the
// stream: io.EOF, or ErrFrameAfterClose for whatever frame comes.
func (r *Reader) Next() (Message, error) {
	if r.err != nil {
		return Message{}, r.err
	}
	m, err := r.next()
	if err != nil {
		var pe *ProtocolError
		if r.closed && errors.As(err, &pe) {
			err = ErrFrameAfterClose
		}
		r.err = err
		r.msg, r.comp, r.infl = nil, nil, nil
	}
	return m, err
}

// fill reads until buf[r:w] holds n bytes (n <= len(buf)).
func (r *Reader) fill(n int) error {
	if r.w-r.r >= n {
		return nil
	}
	if r.r == r.w {
		r.r, r.w = 0, 0
	} else if len(r.buf)-r.r < n {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	for empty := 0; r.w-r.r < n; {
		if r.rerr != nil {
			return r.rerr
		}
		k, err := r.src.Read(r.buf[r.w:])
		r.w += k
		if err != nil {
			r.rerr = err
		} else if k == 0 {
			if empty++; empty >= 100 {
				r.rerr = io.ErrNoProgress
			}
		}
	}
	return nil
}

// eof is the error of a src that ended (err) before a frame's bytes were all
// there; boundary: no byte of the frame had come.
func (r *Reader) eof(err error, boundary bool) error {
	if err != io.EOF {
		return err
	}
	if boundary && (!r.inMsg || r.closed) {
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}

func (r *Reader) next() (Message, error) {
	for {
		if err := r.fill(2); err != nil {
			return Message{}, r.eof(err, r.r == r.w)
		}
		b0, b1 := r.buf[r.r], r.buf[r.r+1]
		hl := 2
		switch b1 & 0x7f {
		case 126:
			hl = 4
		case 127:
			hl = 10
		}
		if err := r.fill(hl); err != nil {
			return Message{}, r.eof(err, false)
		}
		length := uint64(b1 & 0x7f)
		switch length {
		case 126:
			length = uint64(binary.BigEndian.Uint16(r.buf[r.r+2:]))
			if length < 126 {
				return Message{}, ErrNonMinimalLength
			}
		case 127:
			length = binary.BigEndian.Uint64(r.buf[r.r+2:])
			if length < 1<<16 || length>>63 != 0 {
				return Message{}, ErrNonMinimalLength
			}
			if length > maxInt32 {
				return Message{}, ErrFrameTooBig
			}
		}
		masked := b1&0x80 != 0
		if masked {
			hl += 4
			if err := r.fill(hl); err != nil {
				return Message{}, r.eof(err, false)
			}
		}
		fin, rsv, op := b0&0x80 != 0, b0&0x70, Opcode(b0&0x0f)
		n := int(length)

		if op >= OpClose && op <= OpPong {
			if !fin || length > 125 {
				return Message{}, ErrBadControlFrame
			}
			if err := r.fill(hl + n); err != nil {
				return Message{}, r.eof(err, false)
			}
			payload := r.buf[r.r+hl : r.r+hl+n : r.r+hl+n]
			r.r += hl + n
			switch {
			case r.closed:
				return Message{}, ErrFrameAfterClose
			case masked:
				return Message{}, ErrMaskedFrame
			case rsv != 0:
				return Message{}, ErrReservedBits
			}
			if op != OpClose {
				return Message{Op: op, Data: payload}, nil
			}
			return r.parseClose(payload)
		}

		if op == OpContinuation && n == 0 && !fin {
			r.r += hl // Chromium's basic stream makes no frame of it
			continue
		}
		if op == OpContinuation && n > 0 {
			if err := r.fill(hl + 1); err != nil {
				return Message{}, r.eof(err, false)
			}
		}
		if op > OpBinary { // 3-7, 11-15
			switch {
			case r.closed:
				return Message{}, ErrFrameAfterClose
			case masked:
				return Message{}, ErrMaskedFrame
			case rsv != 0:
				return Message{}, ErrReservedBits
			}
			return Message{}, ErrUnknownOpcode
		}

		// A data frame: Chromium's deflate stream first, then its channel.
		rsv1 := rsv&0x40 != 0
		switch {
		case r.closed:
			return Message{}, ErrFrameAfterClose
		case r.cfg.Deflate && r.inMsg && rsv1:
			return Message{}, ErrMisplacedRSV1
		case masked:
			return Message{}, ErrMaskedFrame
		case rsv&0x30 != 0, rsv1 && !r.cfg.Deflate:
			return Message{}, ErrReservedBits
		case op == OpContinuation && !r.inMsg:
			return Message{}, ErrLoneContinuation
		case op != OpContinuation && r.inMsg:
			if !r.compressed {
				return Message{}, ErrUnfinished
			}
			// Chromium's deflate stream inflates a frame without RSV1 that
			// comes inside a compressed message as part of it.
			op = OpContinuation
		}
		r.r += hl
		if op != OpContinuation {
			r.text, r.compressed, r.size, r.utf = op == OpText, rsv1, 0, utf8Stream{}
			if fin && !rsv1 {
				return r.readSized(op, n)
			}
			r.inMsg = true
		}
		if r.compressed {
			if err := r.readCompressed(n); err != nil {
				return Message{}, err
			}
		} else {
			if max := r.cfg.MaxMessageSize; max > 0 && r.size+int64(n) > max {
				return Message{}, ErrMessageTooBig
			}
			r.size += int64(n)
			if r.msg == nil {
				r.msg = make([]byte, 0, max(r.hint, smallMessage))
			}
			var err error
			if r.msg, err = r.appendPayload(r.msg, n, r.text); err != nil {
				return Message{}, err
			}
		}
		if !fin {
			continue
		}
		r.inMsg = false
		op = OpBinary
		if r.text {
			op = OpText
		}
		if r.compressed {
			if err := r.inflateMessage(); err != nil {
				return Message{}, err
			}
		} else if r.text && !r.utf.complete() {
			return Message{}, ErrInvalidUTF8
		}
		return Message{Op: op, Data: r.takeMessage()}, nil
	}
}

// parseClose reads a close frame's payload as Chromium's ParseClose does.
func (r *Reader) parseClose(p []byte) (Message, error) {
	switch {
	case len(p) == 0:
		r.closed = true
		return Message{Op: OpClose, Code: CloseNoStatus}, nil
	case len(p) == 1:
		return Message{}, ErrBadClosePayload
	}
	code := int(binary.BigEndian.Uint16(p))
	switch code {
	case 1005, 1006, 1015:
		return Message{}, ErrBadClosePayload
	}
	if !utf8.Valid(p[2:]) {
		return Message{}, ErrCloseReasonUTF8
	}
	r.closed = true
	return Message{Op: OpClose, Code: code, Reason: string(p[2:])}, nil
}

func (r *Reader) alloc(n int) []byte {
	if r.cfg.Alloc != nil {
		return r.cfg.Alloc(n)[:n]
	}
	return make([]byte, n)
}

// readSized reads a message of one uncompressed frame of n bytes, whose
// header has been consumed.
func (r *Reader) readSized(op Opcode, n int) (Message, error) {
	if max := r.cfg.MaxMessageSize; max > 0 && int64(n) > max {
		return Message{}, ErrMessageTooBig
	}
	text := op == OpText
	if n > exactAlloc {
		b, err := r.appendPayload(nil, n, text)
		if err != nil {
			return Message{}, err
		}
		if text && !r.utf.complete() {
			return Message{}, ErrInvalidUTF8
		}
		return Message{Op: op, Data: b}, nil
	}
	if r.w-r.r >= n { // the common case: all there
		data := r.alloc(n)
		copy(data, r.buf[r.r:r.r+n])
		r.r += n
		if text && !utf8.Valid(data) {
			return Message{}, ErrInvalidUTF8
		}
		return Message{Op: op, Data: data}, nil
	}
	data := r.alloc(n)
	got := copy(data, r.buf[r.r:r.w])
	r.r = r.w
	if text && !r.utf.feed(data[:got]) {
		return Message{}, ErrInvalidUTF8
	}
	for got < n {
		var k int
		if n-got <= len(r.buf) {
			// The rest fits the read buffer: read it there, with what follows.
			if err := r.fill(1); err != nil {
				return Message{}, r.eof(err, false)
			}
			k = copy(data[got:], r.buf[r.r:r.w])
			r.r += k
		} else {
			if r.rerr != nil {
				return Message{}, r.eof(r.rerr, false)
			}
			var err error
			k, err = r.src.Read(data[got:])
			if err != nil {
				r.rerr = err
			}
		}
		if text && !r.utf.feed(data[got:got+k]) {
			return Message{}, ErrInvalidUTF8
		}
		got += k
	}
	if text && !r.utf.complete() {
		return Message{}, ErrInvalidUTF8
	}
	return Message{Op: op, Data: data}, nil
}

// grow returns b with room for n more bytes, at least doubling its capacity.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), max(2*cap(b), len(b)+n, smallMessage))
	copy(nb, b)
	return nb
}

// appendPayload appends the next n payload bytes to b, checking them as
// UTF-8 as they arrive when text. Bytes not yet read are read into b directly
// when there are more of them than the read buffer holds.
func (r *Reader) appendPayload(b []byte, n int, text bool) ([]byte, error) {
	b = grow(b, min(n, exactAlloc))
	for n > 0 {
		start := len(b)
		switch {
		case r.r < r.w:
			k := min(n, r.w-r.r)
			b = append(grow(b, k), r.buf[r.r:r.r+k]...)
			r.r += k
			n -= k
		case n <= len(r.buf):
			if err := r.fill(1); err != nil {
				return b, r.eof(err, false)
			}
			continue
		default:
			if r.rerr != nil {
				return b, r.eof(r.rerr, false)
			}
			b = grow(b, min(n, exactAlloc))
			room := b[len(b):cap(b)]
			k, err := r.src.Read(room[:min(n, len(room))])
			if err != nil {
				r.rerr = err
			}
			b = b[:len(b)+k]
			n -= k
		}
		if text && !r.utf.feed(b[start:]) {
			return b, ErrInvalidUTF8
		}
	}
	return b, nil
}

// readCompressed adds the next n payload bytes to the compressed message
// under way.
func (r *Reader) readCompressed(n int) error {
	// The compressed bytes are bounded too: a message inflating to at most
	// the limit is not more than about twice as long compressed, unless
	// padded with empty blocks.
	if max := r.cfg.MaxMessageSize; max > 0 && int64(len(r.comp))+int64(n) > 2*max+1024 {
		return ErrMessageTooBig
	}
	var err error
	r.comp, err = r.appendPayload(r.comp, n, false)
	return err
}

// inflateMessage inflates the compressed message just completed into r.msg.
func (r *Reader) inflateMessage() error {
	if r.infl == nil {
		r.infl = new(inflater)
	}
	if r.msg == nil {
		r.msg = make([]byte, 0, max(r.hint, smallMessage))
	}
	var err error
	r.msg, err = r.infl.inflate(r.msg, append(r.comp, syncTail...), !r.cfg.ServerNoContextTakeover, r.cfg.MaxMessageSize)
	if cap(r.comp) > keepScratch {
		r.comp = nil
	} else {
		r.comp = r.comp[:0]
	}
	if err != nil {
		return err
	}
	if r.text && !utf8.Valid(r.msg) {
		return ErrInvalidUTF8
	}
	return nil
}

// takeMessage returns the message assembled in r.msg as the caller's own,
// keeping the assembly buffer when the message is copied out of it.
func (r *Reader) takeMessage() []byte {
	b := r.msg
	n := len(b)
	r.hint = min(n, maxSizeHint)
	if n <= smallMessage || n < cap(b)/2 {
		out := r.alloc(n)
		copy(out, b)
		if cap(b) <= keepScratch {
			r.msg = b[:0]
		} else {
			r.msg = nil
		}
		return out
	}
	r.msg = nil
	return b
}
