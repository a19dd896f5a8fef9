package wire

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// frame builds a server frame: unmasked, length in shortest form.
func frame(fin bool, rsv byte, op Opcode, payload []byte) []byte {
	b0 := rsv<<4 | byte(op)
	if fin {
		b0 |= 0x80
	}
	var b []byte
	switch n := len(payload); {
	case n > 0xffff:
		b = binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
	case n > 125:
		b = binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	default:
		b = []byte{b0, byte(n)}
	}
	return append(b, payload...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// splitReader returns data in pieces: each split byte is a piece's length (0
// counting as 1), the rest in one piece; then io.EOF (or end).
type splitReader struct {
	data   []byte
	splits []byte
	end    error
}

func (s *splitReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		if s.end != nil {
			return 0, s.end
		}
		return 0, io.EOF
	}
	n := len(s.data)
	if len(s.splits) > 0 {
		n = max(int(s.splits[0]), 1)
		s.splits = s.splits[1:]
	}
	n = min(n, len(p), len(s.data))
	copy(p, s.data[:n])
	s.data = s.data[n:]
	return n, nil
}

// result is one call of Next, printable and comparable.
type result struct {
	Op     Opcode
	Data   string
	Code   int
	Reason string
	Err    error
}

func (r result) String() string {
	if r.Err != nil {
		return "err " + r.Err.Error()
	}
	return fmt.Sprintf("op%d %q %d %q", r.Op, r.Data, r.Code, r.Reason)
}

// readAll calls Next until an error (at most 10000 times).
func readAll(r *Reader) []result {
	var out []result
	for i := 0; i < 10000; i++ {
		m, err := r.Next()
		if err != nil {
			out = append(out, result{Err: err})
			// the error sticks
			if _, err2 := r.Next(); err2 != err {
				out = append(out, result{Err: fmt.Errorf("second Next returned %v", err2)})
			}
			return out
		}
		out = append(out, result{m.Op, string(m.Data), m.Code, m.Reason, nil})
	}
	return out
}

func readStream(stream, splits []byte, c ReaderConfig) []result {
	return readAll(NewReader(&splitReader{data: stream, splits: splits}, c))
}

func sameResults(a, b []result) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Err != nil || b[i].Err != nil {
			if !errors.Is(a[i].Err, b[i].Err) && a[i].Err.Error() != b[i].Err.Error() {
				return false
			}
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// serverDeflate compresses messages as a server does (RFC 7692), with context
// takeover unless fresh.
type serverDeflate struct {
	buf   bytes.Buffer
	fw    *flate.Writer
	fresh bool
}

func (s *serverDeflate) compress(p []byte) []byte {
	if s.fw == nil {
		s.fw, _ = flate.NewWriter(&s.buf, flate.BestCompression)
	} else if s.fresh {
		s.fw.Reset(&s.buf)
	}
	s.buf.Reset()
	s.fw.Write(p)
	s.fw.Flush()
	b := bytes.Clone(s.buf.Bytes())
	if !bytes.HasSuffix(b, syncTail) {
		panic("no sync tail")
	}
	return b[:len(b)-4]
}

// unmaskFrames turns the client's frames into what the Reader accepts from a
// server: the mask bit cleared, the key removed, the payload unmasked.
func unmaskFrames(t testing.TB, b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		if len(b) < 2 || b[1]&0x80 == 0 {
			t.Fatalf("not a masked frame: %x", b)
		}
		hl := 2
		n := uint64(b[1] & 0x7f)
		switch n {
		case 126:
			n, hl = uint64(binary.BigEndian.Uint16(b[2:])), 4
			if n < 126 {
				t.Fatalf("non-minimal length %d", n)
			}
		case 127:
			n, hl = binary.BigEndian.Uint64(b[2:]), 10
			if n < 1<<16 {
				t.Fatalf("non-minimal length %d", n)
			}
		}
		key := [4]byte(b[hl : hl+4])
		out = append(out, b[0], b[1]&0x7f)
		out = append(out, b[2:hl]...)
		payload := b[hl+4 : hl+4+int(n)]
		start := len(out)
		out = append(out, payload...)
		for i := range payload {
			out[start+i] ^= key[i&3]
		}
		b = b[hl+4+int(n):]
	}
	return out
}
