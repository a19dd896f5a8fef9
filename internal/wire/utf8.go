package wire

import "unicode/utf8"

// utf8Stream checks UTF-8 that arrives in pieces: a code point may be cut at
// the end of one piece and go on in the next. Like Chromium's
// StreamingUtf8Validator it fails at the first byte no valid text can have,
// even when the code point is not complete yet; a cut code point fails only
// at the end of the text (complete).
type utf8Stream struct {
	pend [utf8.UTFMax]byte // the start of a code point cut at the end of the last piece
	n    int
}

// feed checks the next piece; false: the text is not UTF-8.
func (s *utf8Stream) feed(p []byte) bool {
	if s.n > 0 { // complete the cut code point first
		b := s.pend[:s.n+copy(s.pend[s.n:], p)]
		if !utf8.FullRune(b) { // still a valid start (FullRune is true for invalid bytes)
			s.n = len(b)
			return true
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return false
		}
		p, s.n = p[size-s.n:], 0
	}
	// A code point cut at the end begins at the last of the last 3 bytes that
	// can begin one.
	end := len(p)
	for i := len(p) - 1; i >= max(0, len(p)-3); i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				end = i
			}
			break
		}
	}
	s.n = copy(s.pend[:], p[end:])
	return utf8.Valid(p[:end])
}

// complete says whether the text ends at the end of a code point.
func (s *utf8Stream) complete() bool { return s.n == 0 }
