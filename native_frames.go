//go:build !js

package websocket

import (
	"sync"
	"unicode/utf8"
)

// frameError is a rule of RFC 6455 a server broke that coder/websocket does not
// check, or checks differently from Chromium.
type frameError struct {
	msg    string
	reason string // what Chromium puts in the close frame (1002) it sends back
}

func (e *frameError) Error() string { return "websocket: " + e.msg }

var (
	errMaskedFrame      = &frameError{"the server sent a masked frame", "Masked frame from server"}
	errNonMinimalLength = &frameError{"the server sent a frame length not in its shortest form", "WebSocket Protocol Error"}
	errCloseReasonUTF8  = &frameError{"the server's close reason is not UTF-8", "Invalid UTF-8 in Close frame"}
	errFrameAfterClose  = &frameError{"the server sent a frame after its close frame", ""}
)

// serverFrames follows the frame headers of the byte stream a server sends, as it
// is read and before coder/websocket parses it, to apply Chromium's rules where
// coder/websocket's differ:
//
//   - a masked frame, a length not in its shortest form, a close frame whose reason
//     is not UTF-8, or a frame after the close frame fails the connection;
//   - a close code that Chromium accepts and coder/websocket refuses (0–999, 1004,
//     1016–2999, 5000 and up; Chromium refuses only 1005, 1006 and 1015) is
//     rewritten to one coder/websocket accepts, and the close event gets the
//     original.
//
// Reads of one connection are serialized by coder/websocket, so scan needs no
// lock; mu guards what the transport reads afterwards.
type serverFrames struct {
	hdr  [14]byte
	hn   int    // header bytes gathered so far
	left uint64 // payload bytes of the current frame still to come
	seen bool   // a close frame has gone by

	mu         sync.Mutex
	bad        *frameError // the rule the server broke
	afterClose bool        // bad was found after the server's close frame
	origCode   int         // the close code that was rewritten to rewrittenCode
}

// rewrittenCode stands in for a close code coder/websocket would refuse.
const rewrittenCode = 4999

// scan looks at p, bytes just read, and returns how many of them to hand to
// coder/websocket: all of them, or those before a frame that breaks a rule.
func (f *serverFrames) scan(p []byte) int {
	i := 0
	for i < len(p) {
		if f.left > 0 {
			n := uint64(len(p) - i)
			if n > f.left {
				n = f.left
			}
			i += int(n)
			f.left -= n
			continue
		}
		start := i - f.hn // where the frame began; negative when in an earlier read
		for f.hn < 2 && i < len(p) {
			f.hdr[f.hn] = p[i]
			f.hn++
			i++
		}
		if f.hn < 2 {
			break
		}
		need, l7, masked := 2, f.hdr[1]&0x7f, f.hdr[1]&0x80 != 0
		switch l7 {
		case 126:
			need += 2
		case 127:
			need += 8
		}
		if masked {
			need += 4
		}
		for f.hn < need && i < len(p) {
			f.hdr[f.hn] = p[i]
			f.hn++
			i++
		}
		if f.hn < need {
			break
		}
		f.hn = 0
		length := uint64(l7)
		switch l7 {
		case 126:
			length = uint64(f.hdr[2])<<8 | uint64(f.hdr[3])
		case 127:
			length = 0
			for _, c := range f.hdr[2:10] {
				length = length<<8 | uint64(c)
			}
		}
		var bad *frameError
		switch {
		case f.seen:
			bad = errFrameAfterClose
		case masked:
			bad = errMaskedFrame
		case l7 == 126 && length < 126, l7 == 127 && (length < 1<<16 || length>>63 != 0):
			bad = errNonMinimalLength
		case f.hdr[0]&0x0f == 8: // close
			f.seen = true
			if length >= 2 && uint64(len(p)-i) >= length {
				code := int(p[i])<<8 | int(p[i+1])
				if code != 1005 && code != 1006 && code != 1015 { // those, both refuse
					if !utf8.Valid(p[i+2 : i+int(length)]) {
						bad = errCloseReasonUTF8
						break
					}
					if !coderAcceptsCode(code) {
						f.mu.Lock()
						f.origCode = code
						f.mu.Unlock()
						p[i], p[i+1] = rewrittenCode>>8, rewrittenCode&0xff
					}
				}
			}
		}
		if bad != nil {
			f.mu.Lock()
			f.bad, f.afterClose = bad, f.seen && bad == errFrameAfterClose
			f.mu.Unlock()
			if bad == errFrameAfterClose {
				return len(p) // coder/websocket reads nothing after the close frame
			}
			return max(start, 0)
		}
		f.left = length
	}
	return len(p)
}

// coderAcceptsCode is coder/websocket's rule for a close code on the wire.
func coderAcceptsCode(code int) bool {
	return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006 || code >= 3000 && code <= 4999
}

// broken returns the rule the server broke, if any, and whether that was after
// its close frame.
func (f *serverFrames) broken() (err *frameError, afterClose bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bad, f.afterClose
}

// closeCode returns the code the server's close frame really held, given the
// one coder/websocket reported.
func (f *serverFrames) closeCode(reported int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.origCode != 0 && reported == rewrittenCode {
		return f.origCode
	}
	return reported
}
