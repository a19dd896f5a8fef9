package websocket

import "strings"

// BinaryType selects how binary messages are handed to message listeners, like
// JavaScript's WebSocket.binaryType.
type BinaryType string

const (
	// BinaryTypeBlob delivers binary messages as *Blob. It is the default, as in browsers.
	BinaryTypeBlob BinaryType = "blob"
	// BinaryTypeArrayBuffer delivers binary messages as []byte (JavaScript's ArrayBuffer).
	BinaryTypeArrayBuffer BinaryType = "arraybuffer"
)

// Blob is immutable binary data with a MIME type, the Go form of JavaScript's Blob.
// A Blob never changes after it is made: NewBlob copies its input and Bytes returns a copy.
// The zero value is an empty Blob with no type.
type Blob struct {
	data []byte
	typ  string
}

// NewBlob returns a Blob holding a copy of data, with the given MIME type.
// As in browsers, the type is lowercased, and it becomes "" if it holds a
// character outside U+0020–U+007E.
func NewBlob(data []byte, contentType string) *Blob {
	return &Blob{data: append([]byte(nil), data...), typ: normalizeBlobType(contentType)}
}

// Size returns the number of bytes in the Blob (JavaScript's blob.size).
func (b *Blob) Size() int { return len(b.data) }

// Type returns the Blob's MIME type (JavaScript's blob.type); "" when unknown.
func (b *Blob) Type() string { return b.typ }

// Bytes returns a copy of the Blob's bytes (JavaScript's blob.arrayBuffer()).
func (b *Blob) Bytes() []byte { return append([]byte(nil), b.data...) }

// Text returns the Blob's bytes as a string (JavaScript's blob.text()). Like the
// browser, which decodes UTF-8 with replacement, invalid UTF-8 sequences become U+FFFD.
func (b *Blob) Text() string { return toUSVString(string(b.data)) }

// Slice returns a new Blob with the bytes from start up to (not including) end, and
// the given type, like JavaScript's blob.slice(start, end, contentType). Negative
// indexes count back from the end; indexes are clamped to the Blob, and an empty
// Blob results when end is not after start. Both Blobs stay immutable.
func (b *Blob) Slice(start, end int, contentType string) *Blob {
	n := len(b.data)
	rel := func(i int) int {
		if i < 0 {
			return max(n+i, 0)
		}
		return min(i, n)
	}
	s := rel(start)
	e := max(rel(end), s)
	return &Blob{data: b.data[s:e:e], typ: normalizeBlobType(contentType)}
}

// normalizeBlobType applies the File API's rule to a blob type.
func normalizeBlobType(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return ""
		}
	}
	return strings.ToLower(t) // ASCII only: t itself when nothing is upper case
}
