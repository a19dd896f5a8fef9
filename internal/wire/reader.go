package wire

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"sync/atomic"
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
	// exactAlloc bounds the buffer made up front for a message of one frame: a
	// larger one (a server may announce sizes it never sends) grows as bytes arrive.
	exactAlloc = 16 << 20
	// maxSizeHint bounds the buffer a fragmented or compressed message starts in.
	maxSizeHint  = 1 << 20
	smallMessage = 512      // an assembled message up to this size is copied out; its buffer is kept
	keepScratch  = 64 << 10 // bounds the assembly and compressed-bytes buffers kept between messages
	maxInt32     = 1<<31 - 1
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
	src   io.Reader
	cfg   ReaderConfig
	buf   []byte
	r, w  int   // buf[r:w]: read, not yet parsed
	rerr  error // what src returned last, once buf[r:w] is used up
	err   error // the error Next returns from now on
	empty int   // reads of src in a row that returned nothing

	inMsg      bool   // a fragmented data message is under way
	op         Opcode // the opcode of the message under way: OpText or OpBinary
	compressed bool   // its first frame had RSV1
	utf        utf8Stream
	msg        []byte // the message being assembled (fragmented or inflated)
	comp       []byte // the compressed bytes of the message under way
	hint       int    // the size of the last assembled message, at most maxSizeHint
	closed     bool   // the close frame was returned
	infl       *inflater
	ignore     atomic.Bool // IgnoreData was called
}

// NewReader returns a Reader of the server's frames read from src.
func NewReader(src io.Reader, c ReaderConfig) *Reader {
	c.MaxMessageSize = min(c.MaxMessageSize, math.MaxInt64/4) // the arithmetic on it cannot overflow
	return &Reader{src: src, cfg: c, buf: make([]byte, readBufSize)}
}

// IgnoreData makes the Reader drop the data messages that come from now on, as
// Chromium's channel drops them once its own close frame is out: they are not
// returned and not checked for UTF-8, fragment order or size; the frame rules
// still hold, and compressed ones are still inflated (a failure fails). It may
// be called from any goroutine.
func (r *Reader) IgnoreData() { r.ignore.Store(true) }

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
		if pe := (*ProtocolError)(nil); r.closed && errors.As(err, &pe) {
			err = ErrFrameAfterClose
		}
		r.err = err
		r.msg, r.comp, r.infl = nil, nil, nil
	}
	return m, err
}

// read reads src into p once. src's error comes once the bytes read before it
// are used up, io.EOF as io.ErrUnexpectedEOF (more bytes were needed); 100
// empty reads in a row are io.ErrNoProgress, so that such a src cannot hang Next.
func (r *Reader) read(p []byte) (int, error) {
	switch r.rerr {
	case nil:
	case io.EOF:
		return 0, io.ErrUnexpectedEOF
	default:
		return 0, r.rerr
	}
	k, err := r.src.Read(p)
	if r.empty++; k > 0 {
		r.empty = 0
	} else if err == nil && r.empty >= 100 {
		err = io.ErrNoProgress
	}
	r.rerr = err
	return k, nil
}

// fill reads until buf[r:w] holds n bytes (n <= len(buf)).
func (r *Reader) fill(n int) error {
	if r.w-r.r >= n {
		return nil
	}
	if r.r == r.w || len(r.buf)-r.r < n {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	for r.w-r.r < n {
		k, err := r.read(r.buf[r.w:])
		if err != nil {
			return err
		}
		r.w += k
	}
	return nil
}

func (r *Reader) next() (Message, error) {
	for {
		if err := r.fill(2); err != nil {
			if r.r == r.w && r.rerr == io.EOF && (!r.inMsg || r.closed) {
				err = io.EOF // no byte of a frame came, and no message is cut
			}
			return Message{}, err
		}
		b0, b1 := r.buf[r.r], r.buf[r.r+1]
		fin, rsv, op := b0&0x80 != 0, b0&0x70, Opcode(b0&0x0f)
		length, hl := uint64(b1&0x7f), 2
		if length >= 126 {
			hl = 4 + 6*int(length-126) // 126: a 16-bit length follows, 127: a 64-bit one
			if err := r.fill(hl); err != nil {
				return Message{}, err
			}
			if length = uint64(binary.BigEndian.Uint16(r.buf[r.r+2:])); hl == 10 {
				length = binary.BigEndian.Uint64(r.buf[r.r+2:])
			}
			if length < 126 || hl == 10 && (length < 1<<16 || length>>63 != 0) {
				return Message{}, ErrNonMinimalLength
			} else if length > maxInt32 {
				return Message{}, ErrFrameTooBig
			}
		}
		masked, n := b1&0x80 != 0, int(length)
		hl += 4 * int(b1>>7) // the mask key
		control := op >= OpClose && op <= OpPong
		if err := r.fill(hl); err != nil {
			return Message{}, err
		} else if control && (!fin || n > 125) {
			return Message{}, ErrBadControlFrame
		} else if op == OpContinuation && n == 0 && !fin {
			r.r += hl // Chromium's basic stream makes no frame of it
			continue
		}
		need := hl // the bytes the rest of the rules wait for (see Reader)
		switch {
		case control:
			need += n
		case op == OpContinuation:
			need += min(n, 1)
		}
		if err := r.fill(need); err != nil {
			return Message{}, err
		}

		// Chromium's deflate stream first, then its channel.
		data, rsv1 := op <= OpBinary, rsv&0x40 != 0
		// Compressed messages are still inflated: Chromium's deflate stream,
		// below its channel, fails on bad compressed data whatever the state.
		ignore := data && r.ignore.Load() && !rsv1 && !(r.inMsg && r.compressed)
		switch {
		case r.closed:
			return Message{}, ErrFrameAfterClose
		case data && r.cfg.Deflate && r.inMsg && rsv1:
			return Message{}, ErrMisplacedRSV1
		case masked:
			return Message{}, ErrMaskedFrame
		case rsv&0x30 != 0, rsv1 && !(data && r.cfg.Deflate):
			return Message{}, ErrReservedBits
		case control:
			p := r.buf[r.r+hl : r.r+need : r.r+need]
			r.r += need
			if op != OpClose {
				return Message{Op: op, Data: p}, nil
			}
			// Chromium's ParseClose.
			code := CloseNoStatus
			if n >= 2 {
				code = int(binary.BigEndian.Uint16(p))
			}
			switch {
			case n == 1, n >= 2 && (code == 1005 || code == 1006 || code == 1015):
				return Message{}, ErrBadClosePayload
			case n > 2 && !utf8.Valid(p[2:]):
				return Message{}, ErrCloseReasonUTF8
			}
			r.closed = true
			return Message{Op: OpClose, Code: code, Reason: string(p[min(n, 2):])}, nil
		case !data:
			return Message{}, ErrUnknownOpcode
		case ignore:
			r.r, r.inMsg, r.compressed = r.r+hl, !fin, r.compressed && op == OpContinuation
			for ; n > 0; n -= need {
				if err := r.fill(1); err != nil {
					return Message{}, err
				}
				need = min(n, r.w-r.r)
				r.r += need
			}
			continue
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

		// A data frame. A message of one uncompressed frame is read straight
		// into a buffer of its size; the others are assembled in r.msg, or
		// r.comp and then inflated into r.msg.
		r.r += hl
		single := op != OpContinuation && fin && !rsv1
		if op != OpContinuation {
			r.op, r.compressed, r.utf = op, rsv1, utf8Stream{}
			if !single && r.msg == nil {
				r.msg = make([]byte, 0, max(r.hint, smallMessage))
			}
		}
		r.inMsg = !fin
		var b []byte
		if r.compressed {
			b = r.comp
		} else if !single {
			b = r.msg
		}
		if max := r.cfg.MaxMessageSize; max > 0 {
			if r.compressed { // inflating to at most max, it is not over about twice that compressed (unless padded)
				max = 2*max + 1024
			}
			if int64(len(b)+n) > max {
				return Message{}, ErrMessageTooBig
			}
		}
		if single && n <= exactAlloc {
			b = r.alloc(n)[:0]
		}
		b, err := r.appendPayload(b, n, r.op == OpText && !r.compressed)
		if err != nil {
			return Message{}, err
		}
		if r.compressed {
			r.comp = b
		} else if !single {
			r.msg = b
		}
		if !fin {
			continue
		}
		if r.compressed {
			if r.infl == nil {
				r.infl = new(inflater)
			}
			b, err = r.infl.inflate(r.msg, append(r.comp, syncTail...), !r.cfg.ServerNoContextTakeover, r.cfg.MaxMessageSize)
			r.msg, r.comp = b, reuse(r.comp)
			if err != nil {
				return Message{}, err
			}
		}
		if r.ignore.Load() { // a compressed message that came after IgnoreData
			r.msg = reuse(b)
			continue
		}
		if r.op == OpText && (r.compressed && !utf8.Valid(b) || !r.utf.complete()) {
			return Message{}, ErrInvalidUTF8
		}
		if !single { // the caller gets its own buffer: r.msg's is kept when copied out
			r.hint, r.msg = min(len(b), maxSizeHint), nil
			if len(b) <= smallMessage || len(b) < cap(b)/2 {
				r.msg, b = reuse(b), append(r.alloc(len(b))[:0], b...)
			}
		}
		return Message{Op: r.op, Data: b}, nil
	}
}

func (r *Reader) alloc(n int) []byte {
	if r.cfg.Alloc != nil {
		return r.cfg.Alloc(n)[:n]
	}
	return make([]byte, n)
}

// reuse returns b emptied for the next message, or nil when too large to keep.
func reuse(b []byte) []byte {
	if cap(b) > keepScratch {
		return nil
	}
	return b[:0]
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
// UTF-8 as they arrive when text. When the read buffer is empty and more
// bytes are missing than it holds, they are read into b directly.
func (r *Reader) appendPayload(b []byte, n int, text bool) ([]byte, error) {
	for n > 0 {
		b = grow(b, min(n, exactAlloc))
		start := len(b)
		if r.r == r.w && n > len(r.buf) {
			k, err := r.read(b[start:min(cap(b), start+n)])
			if err != nil {
				return b, err
			}
			b = b[:start+k]
		} else {
			if err := r.fill(1); err != nil {
				return b, err
			}
			k := min(n, r.w-r.r)
			b = append(b, r.buf[r.r:r.r+k]...)
			r.r += k
		}
		n -= len(b) - start
		if text && !r.utf.feed(b[start:]) {
			return b, ErrInvalidUTF8
		}
	}
	return b, nil
}
