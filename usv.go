package websocket

import (
	"strings"
	"unicode/utf8"
)

// toUSVString turns a Go string into what a JavaScript string becomes when a
// browser encodes it as UTF-8: every byte that is not part of valid UTF-8 becomes
// U+FFFD.
func toUSVString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}
