package reconnecting

import (
	"fmt"
	"unicode/utf8"

	"github.com/browserws/websocket"
)

// checkClose applies the close() argument rules that websocket.CloseWithCode
// applies, for a Close that may find no connection to apply them: code 1000 or
// 3000–4999, reason at most 123 bytes of UTF-8 (bytes that are not UTF-8 count
// as U+FFFD, three bytes each).
func checkClose(code int, reason string) error {
	if code != 1000 && (code < 3000 || code > 4999) {
		return fmt.Errorf("%w: the close code must be 1000 or in 3000–4999; %d is neither", websocket.ErrInvalidAccess, code)
	}
	n := 0
	for _, r := range reason { // as a JavaScript string would hold it
		n += utf8.RuneLen(r)
	}
	if n > 123 {
		return fmt.Errorf("%w: the close reason must be at most 123 bytes of UTF-8; it has %d", websocket.ErrSyntax, n)
	}
	return nil
}
