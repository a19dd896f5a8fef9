package wire

import "unicode/utf8"

// utf8Stream checks UTF-8 that arrives in pieces: a code point may be cut at
// the end of one piece and go on in the next. Like Chromium's
// StreamingUtf8Validator it fails at the first byte no valid text can have,
// even when the code point is not complete yet.
type utf8Stream struct {
	pend [4]byte // the start of a code point cut at the end of the last piece
	n    int
}

// seqInfo returns the length of the sequence lead byte c begins, and the range
// its second byte must be in; n 0 for a byte that cannot begin one.
func seqInfo(c byte) (n int, lo, hi byte) {
	lo, hi = 0x80, 0xbf
	switch {
	case c < 0x80:
		return 1, lo, hi
	case c >= 0xc2 && c <= 0xdf:
		return 2, lo, hi
	case c == 0xe0:
		return 3, 0xa0, hi
	case c == 0xed:
		return 3, lo, 0x9f
	case c >= 0xe1 && c <= 0xef:
		return 3, lo, hi
	case c == 0xf0:
		return 4, 0x90, hi
	case c >= 0xf1 && c <= 0xf3:
		return 4, lo, hi
	case c == 0xf4:
		return 4, lo, 0x8f
	}
	return 0, lo, hi
}

// validPrefix says whether b, shorter than the sequence its first byte
// begins, can still become a valid code point.
func validPrefix(b []byte) bool {
	n, lo, hi := seqInfo(b[0])
	if n <= len(b) {
		return false
	}
	for i := 1; i < len(b); i++ {
		if i == 1 && (b[i] < lo || b[i] > hi) || b[i]&0xc0 != 0x80 {
			return false
		}
	}
	return true
}

// feed checks the next piece; false: the text is not UTF-8.
func (s *utf8Stream) feed(p []byte) bool {
	if s.n > 0 {
		need, _, _ := seqInfo(s.pend[0])
		for s.n < need && len(p) > 0 {
			s.pend[s.n] = p[0]
			s.n++
			p = p[1:]
		}
		if s.n < need {
			return validPrefix(s.pend[:s.n])
		}
		if !utf8.Valid(s.pend[:s.n]) {
			return false
		}
		s.n = 0
	}
	if utf8.Valid(p) {
		return true
	}
	// Not valid whole: valid up to a cut code point at the end?
	end := len(p)
	for k := 1; k <= 3 && k <= len(p); k++ {
		c := p[len(p)-k]
		if c < 0x80 {
			break
		}
		if c >= 0xc0 {
			if n, _, _ := seqInfo(c); n > k {
				end = len(p) - k
			}
			break
		}
	}
	if end == len(p) || !utf8.Valid(p[:end]) || !validPrefix(p[end:]) {
		return false
	}
	s.n = copy(s.pend[:], p[end:])
	return true
}

// complete says whether the text ends at the end of a code point.
func (s *utf8Stream) complete() bool { return s.n == 0 }
