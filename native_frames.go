//go:build !js

package websocket

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	ws "github.com/coder/websocket"
)

// frameError is a rule of RFC 6455 a server broke, found by serverFrames.
type frameError struct {
	msg    string
	reason string // what Chromium puts in the close frame (1002) it sends back
}

func (e *frameError) Error() string { return "websocket: " + e.msg }

var (
	errMaskedFrame      = &frameError{"the server sent a masked frame", "Masked frame from server"}
	errNonMinimalLength = &frameError{"the server sent a frame length not in its shortest form", "WebSocket Protocol Error"}
	errBadControlFrame  = &frameError{"the server sent a fragmented or oversized control frame", "WebSocket Protocol Error"}
	errReservedBits     = &frameError{"the server set reserved bits", "Invalid reserved bit"}
	errUnknownOpcode    = &frameError{"the server sent an unknown opcode", "Unknown opcode"}
	errLoneContinuation = &frameError{"the server sent a continuation frame with no message to continue", "Unexpected continuation"}
	errUnfinished       = &frameError{"the server began a message before finishing the last one", "Previous data frame unfinished"}
	errBadClosePayload  = &frameError{"the server's close frame has a 1-byte payload or the code 1005, 1006 or 1015", ""}
	errCloseReasonUTF8  = &frameError{"the server's close reason is not UTF-8", "Invalid UTF-8 in Close frame"}
	errFrameAfterClose  = &frameError{"the server sent a frame after its close frame", ""}
)

// frameHeader is what serverFrames needs of a frame header.
type frameHeader struct {
	fin    bool
	rsv    byte // the three reserved bits
	op     byte
	masked bool
	l7     byte // the 7-bit length field
	length uint64
	mask   [4]byte
	size   int // bytes of the header
}

// headerReader gathers the frame headers of a byte stream that arrives in
// pieces, skipping payloads.
type headerReader struct {
	hdr  [14]byte
	hn   int    // header bytes gathered so far
	left uint64 // payload bytes of the current frame still to come
	// withMask: the frames are the client's, whose mask key is wanted. Without
	// it (the server's frames) a masked frame's header is complete before its
	// mask key: masking is an error there, and waiting for 4 more bytes would let
	// coder/websocket, which reads them, fail first with its own error when the
	// header comes in pieces (found by FuzzServerStream).
	withMask bool
}

// next goes through p from i. It returns the index just after the next complete
// header, and the header; or len(p) and ok false when p ends first.
func (r *headerReader) next(p []byte, i int) (j int, h frameHeader, ok bool) {
	for i < len(p) {
		if r.left > 0 {
			n := min(uint64(len(p)-i), r.left)
			i += int(n)
			r.left -= n
			continue
		}
		for r.hn < 2 && i < len(p) {
			r.hdr[r.hn] = p[i]
			r.hn++
			i++
		}
		if r.hn < 2 {
			break
		}
		h = frameHeader{fin: r.hdr[0]&0x80 != 0, rsv: r.hdr[0] >> 4 & 7, op: r.hdr[0] & 0x0f,
			masked: r.hdr[1]&0x80 != 0, l7: r.hdr[1] & 0x7f, size: 2}
		switch h.l7 {
		case 126:
			h.size += 2
		case 127:
			h.size += 8
		}
		if h.masked && r.withMask {
			h.size += 4
		}
		for r.hn < h.size && i < len(p) {
			r.hdr[r.hn] = p[i]
			r.hn++
			i++
		}
		if r.hn < h.size {
			break
		}
		r.hn = 0
		h.length = uint64(h.l7)
		switch h.l7 {
		case 126:
			h.length = uint64(r.hdr[2])<<8 | uint64(r.hdr[3])
		case 127:
			h.length = 0
			for _, c := range r.hdr[2:10] {
				h.length = h.length<<8 | uint64(c)
			}
		}
		if h.masked && r.withMask {
			copy(h.mask[:], r.hdr[h.size-4:h.size])
		}
		r.left = h.length
		return i, h, true
	}
	return len(p), frameHeader{}, false
}

// serverFrames follows the frames of the byte stream a server sends, as it is
// read and before coder/websocket parses it, to apply Chromium's rules where
// coder/websocket's differ or send another close reason:
//
//   - a frame that breaks a rule fails the connection with code 1002 and
//     Chromium's reason (coder/websocket lets masked frames, lengths not in their
//     shortest form, close reasons that are not UTF-8 and frames after the close
//     frame through, and words its reasons differently);
//   - a close code Chromium accepts and coder/websocket refuses (0–999, 1004,
//     1016–2999, 5000 and up: Chromium refuses only 1005, 1006 and 1015) is
//     rewritten to rewrittenCode on the way in, and back on the way out in the
//     echoed close frame (clientFrames); the close event gets the original.
//
// The rules must not depend on how the bytes were split into reads (one TCP
// segment or many), so the server's close frame, whose payload the rules read
// and rewrite, is gathered whole here (closeFrame) and handed to coder/websocket
// only once complete, whatever reads it came in; and since coder/websocket reads
// nothing after the close frame, the connection is read on (endBody.linger) for a
// frame after it until the server ends the connection.
//
// Reads of one connection are serialized (by coder/websocket, then by the end of
// its reading in linger), so scan needs no lock; what other goroutines read is
// atomic.
type serverFrames struct {
	r         headerReader
	deflate   bool // permessage-deflate was negotiated: RSV1 may start a message
	inMessage bool // a fragmented data message is under way
	inflating bool // ... and it is compressed
	// midClose is the server's close frame when it came inside a compressed
	// message: coder/websocket v1.8.15 panics on that (it frees the inflater's
	// window while still reading into it), so it never sees such a frame; the
	// stream ends with closeInMessage instead, which finish reads as the close.
	midClose *closeInMessage
	sizes    messageSizes // the sizes of the messages read ahead, for read (native_receive.go)

	// The server's close frame: its bytes so far, how many payload bytes are
	// still to come, and whether it is complete (and not yet handed over).
	inClose    bool // the close frame has begun: nothing from it on goes to coder/websocket as read
	closeFrame []byte
	closeSize  int // bytes of the close frame's header
	closeLeft  uint64
	closeDone  bool

	ready     atomic.Bool                // the handshake was accepted: frames may be read
	seenClose atomic.Bool                // the server's close frame has begun
	bad       atomic.Pointer[frameError] // the rule the server broke
	origCode  atomic.Int32               // the close code that was rewritten to rewrittenCode
}

// rewrittenCode stands in for a close code coder/websocket would refuse.
const rewrittenCode = 4999

// scan looks at p, bytes just read, and returns how many of them to hand to
// coder/websocket now: all of them, or those before a frame that breaks a
// rule, or those before the server's close frame (which takeClose hands over
// once complete).
func (f *serverFrames) scan(p []byte) int {
	keep := len(p)
	for i := 0; i < len(p); {
		if f.closeLeft == 0 && f.r.left == 0 && f.r.hn == 0 && p[i]&0x0f == 8 {
			f.inClose = true
		}
		if f.inClose {
			keep = min(keep, i) // the close frame goes to coder/websocket whole, later
		}
		if f.closeLeft > 0 {
			n := min(f.closeLeft, uint64(len(p)-i))
			f.closeFrame = append(f.closeFrame, p[i:i+int(n)]...)
			f.closeLeft -= n
			f.r.left -= n
			i += int(n)
			if f.closeLeft == 0 {
				f.endClose()
			}
			continue
		}
		if f.r.left > 0 {
			n := min(f.r.left, uint64(len(p)-i))
			f.r.left -= n
			i += int(n)
			continue
		}
		j, h, ok := f.r.next(p, i)
		if !ok {
			break
		}
		start := j - h.size // where the frame began; negative when in an earlier read
		i = j
		bad := f.check(h)
		if bad == nil {
			continue
		}
		f.bad.CompareAndSwap(nil, bad)
		if bad == errFrameAfterClose {
			return keep // coder/websocket reads nothing after the close frame
		}
		return min(keep, max(start, 0))
	}
	return keep
}

// check applies the rules to a frame header (the close frame's payload is
// checked by endClose).
func (f *serverFrames) check(h frameHeader) *frameError {
	control := h.op >= 8
	switch {
	case f.seenClose.Load():
		return errFrameAfterClose
	case h.masked:
		return errMaskedFrame
	case h.l7 == 126 && h.length < 126, h.l7 == 127 && (h.length < 1<<16 || h.length>>63 != 0):
		return errNonMinimalLength
	case h.rsv&3 != 0, h.rsv&4 != 0 && (!f.deflate || control || h.op == 0):
		return errReservedBits
	case h.op > 2 && h.op < 8, h.op > 10:
		return errUnknownOpcode
	case control && (!h.fin || h.length > 125):
		return errBadControlFrame
	case h.op == 0 && !f.inMessage:
		return errLoneContinuation
	case (h.op == 1 || h.op == 2) && f.inMessage:
		return errUnfinished
	}
	if !control {
		if h.op != 0 {
			f.sizes.push(h) // native_receive.go
			f.inflating = h.rsv&4 != 0
		}
		f.inMessage = !h.fin
		return nil
	}
	if h.op != 8 {
		return nil
	}
	f.seenClose.Store(true)
	if h.length == 1 {
		return errBadClosePayload
	}
	f.closeFrame = append(f.closeFrame[:0], f.r.hdr[:h.size]...)
	f.closeSize = h.size
	f.closeLeft = h.length
	if h.length == 0 {
		f.endClose()
	}
	return nil
}

// endClose checks the complete close frame's payload, and rewrites a code that
// coder/websocket would refuse.
func (f *serverFrames) endClose() {
	f.closeDone = true
	payload := f.closeFrame[f.closeSize:]
	if len(payload) < 2 {
		if f.inMessage && f.inflating {
			f.midClose = &closeInMessage{ws.CloseError{Code: ws.StatusNoStatusRcvd}}
		}
		return
	}
	code := int(payload[0])<<8 | int(payload[1])
	if code == 1005 || code == 1006 || code == 1015 {
		f.bad.CompareAndSwap(nil, errBadClosePayload)
		return
	}
	if !utf8.Valid(payload[2:]) {
		f.bad.CompareAndSwap(nil, errCloseReasonUTF8)
		return
	}
	if f.inMessage && f.inflating {
		f.midClose = &closeInMessage{ws.CloseError{Code: ws.StatusCode(code), Reason: string(payload[2:])}}
		return
	}
	if !coderAcceptsCode(code) {
		f.origCode.Store(int32(code))
		payload[0], payload[1] = rewrittenCode>>8, rewrittenCode&0xff
	}
}

// takeClose returns the server's close frame once it is complete and breaks no
// rule, once; nil otherwise.
func (f *serverFrames) takeClose() []byte {
	if !f.closeDone || f.midClose != nil || f.bad.Load() != nil && f.bad.Load() != errFrameAfterClose {
		return nil
	}
	f.closeDone = false
	return f.closeFrame
}

// coderAcceptsCode is coder/websocket's rule for a close code on the wire.
func coderAcceptsCode(code int) bool {
	return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006 || code >= 3000 && code <= 4999
}

// broken returns the rule the server broke, if any, and whether that was after
// its close frame.
func (f *serverFrames) broken() (err *frameError, afterClose bool) {
	bad := f.bad.Load()
	return bad, bad == errFrameAfterClose
}

// rewritten returns the close code that was rewritten to rewrittenCode, or 0.
func (f *serverFrames) rewritten() int { return int(f.origCode.Load()) }

// closeCode returns the code the server's close frame really held, given the
// one coder/websocket reported.
func (f *serverFrames) closeCode(reported int) int {
	if orig := f.rewritten(); orig != 0 && reported == rewrittenCode {
		return orig
	}
	return reported
}

// clientFrames follows the frames the client writes, to put a close code that
// serverFrames rewrote back into the close frame coder/websocket echoes, as
// Chromium echoes the code it received. Writes of one connection are
// serialized by coder/websocket.
type clientFrames struct {
	r      headerReader
	server *serverFrames
	// closeSent: a close frame has gone out; no data frame may follow it.
	closeSent bool
}

// fix returns p, or a copy of p with the echoed close code restored.
func (c *clientFrames) fix(p []byte) []byte {
	out := p
	for i := 0; i < len(p); {
		j, h, ok := c.r.next(p, i)
		if !ok {
			break
		}
		i = j
		if h.op == 8 {
			c.closeSent = true
		}
		if h.op != 8 || h.length < 2 || len(p)-i < 2 {
			continue
		}
		orig := c.server.rewritten()
		if orig == 0 || int(p[i]^h.mask[0])<<8|int(p[i+1]^h.mask[1]) != rewrittenCode {
			continue
		}
		if &out[0] == &p[0] {
			out = append([]byte(nil), p...)
		}
		out[i], out[i+1] = byte(orig>>8)^h.mask[0], byte(orig)^h.mask[1]
	}
	return out
}

// checkDeflateResponse applies Chromium's rules to the server's
// Sec-WebSocket-Extensions answer where coder/websocket is laxer: a
// permessage-deflate parameter may appear once, the no_context_takeover ones take
// no value, and server_max_window_bits and client_max_window_bits (which the
// offer, chromiumOffer, allows) take a number from 8 to 15 without a leading zero.
func checkDeflateResponse(values []string) error {
	for _, v := range values {
		for _, ext := range strings.Split(v, ",") {
			params := strings.Split(ext, ";")
			if strings.TrimSpace(params[0]) != "permessage-deflate" {
				continue // coder/websocket refuses it
			}
			seen := map[string]bool{}
			for _, p := range params[1:] {
				name, value, hasValue := strings.Cut(strings.TrimSpace(p), "=")
				name, value = strings.TrimSpace(name), strings.TrimSpace(value)
				if seen[name] {
					return fmt.Errorf("websocket: the server repeated the permessage-deflate parameter %s", name)
				}
				seen[name] = true
				switch name {
				case "server_no_context_takeover", "client_no_context_takeover":
					if hasValue {
						return fmt.Errorf("websocket: the server gave the permessage-deflate parameter %s a value", name)
					}
				case "server_max_window_bits", "client_max_window_bits":
					if n, err := strconv.Atoi(value); err != nil || n < 8 || n > 15 || value[0] == '0' || value[0] == '+' {
						return fmt.Errorf("websocket: the server's %s %q is not from 8 to 15", name, value)
					}
				}
			}
		}
	}
	return nil
}

// closeInMessage ends the stream coder/websocket reads when the server's close
// frame came inside a compressed message (see serverFrames.midClose). It
// unwraps to the close frame's CloseError, so that the socket closes cleanly
// with the server's code, as in Chromium; unlike Chromium, no close frame is
// echoed (coder/websocket's writer may be in the middle of a frame).
type closeInMessage struct{ ce ws.CloseError }

func (e *closeInMessage) Error() string {
	return "websocket: the server's close frame came inside a compressed message: " + e.ce.Error()
}

func (e *closeInMessage) Unwrap() error { return e.ce }

// closeLinger is how long the connection is read on after the server's close
// frame for the server to end it, as Chromium does (2 s, then it ends the
// connection itself): a frame that comes meanwhile fails the connection.
const closeLinger = 2 * time.Second

// readFrames is endBody's Read: it hands what it read to the frame checks, ends
// the stream before a frame that breaks a rule, and hands the server's close
// frame over whole (see serverFrames).
func (b *endBody) readFrames(p []byte) (int, error) {
	if !b.frames.ready.Load() {
		// coder/websocket reads the body of a refused answer for its error text, for
		// up to 3 s when a server keeps the connection; a browser fails at once.
		return 0, io.EOF
	}
	for {
		if len(b.held) > 0 {
			n := copy(p, b.held)
			b.held = b.held[n:]
			return n, nil
		}
		if bad, after := b.frames.broken(); bad != nil && !after {
			b.ended.Store(true)
			return 0, bad
		}
		if b.err != nil {
			return 0, b.err
		}
		if b.frames.midClose != nil {
			return 0, b.frames.midClose
		}
		n, err := b.ReadWriteCloser.Read(p)
		if err != nil {
			b.ended.Store(true)
			b.err = err
		}
		if n == 0 {
			return 0, err
		}
		keep := b.frames.scan(p[:n])
		b.held = b.frames.takeClose()
		if keep > 0 {
			if keep == n && len(b.held) == 0 {
				b.err = nil
				return n, err
			}
			return keep, nil
		}
	}
}

// linger runs when coder/websocket ends the connection. After the server's
// close frame (coder/websocket reads no further), it reads on until the server
// ends the connection or closeLinger passes, so that a frame after the close
// frame fails the connection however late it comes.
func (b *endBody) linger() {
	f := b.frames
	if !f.seenClose.Load() || f.bad.Load() != nil || b.ended.Load() {
		return
	}
	timer := time.AfterFunc(closeLinger, func() { b.ReadWriteCloser.Close() })
	defer timer.Stop()
	var buf [512]byte
	for f.bad.Load() == nil {
		n, err := b.ReadWriteCloser.Read(buf[:])
		f.scan(buf[:n])
		if err != nil {
			return
		}
	}
}
