package wire

import (
	"crypto/rand"
	"encoding/binary"
)

// WriterConfig is what the handshake settled for the frames a Writer makes.
type WriterConfig struct {
	Deflate           bool // permessage-deflate was negotiated: compress data messages of at least Threshold bytes
	NoContextTakeover bool // client_no_context_takeover: each message compressed alone
	// WindowBits is the client_max_window_bits the server asked for (8..15;
	// 0 means 15). The compressor (deflate.go) keeps no smaller window, so
	// then messages go out uncompressed (RFC 7692 allows it).
	WindowBits int
	Threshold  int // smallest message compressed (the native client passes 128)
}

// Writer makes the client's frames: whole (FIN set), masked, and for data
// messages compressed when the config says so. It is used by one goroutine
// at a time.
type Writer struct {
	cfg      WriterConfig
	compress bool     // cfg allows compressing
	keys     [32]byte // mask keys from crypto/rand, read 32 bytes at a time (one read per 8 frames)
	kpos     int      // the next key in keys; 0: read more
	d        deflater
}

const maxHeader = 14 // the longest header of a client frame: 2 bytes, an 8-byte length, the mask key

// NewWriter returns a Writer with config c.
func NewWriter(c WriterConfig) *Writer {
	return &Writer{cfg: c, compress: c.Deflate && (c.WindowBits == 0 || c.WindowBits >= 15)}
}

// MaxFrameSize bounds the bytes AppendFrame adds for a payload of n bytes
// (header, mask key, and deflate's worst case: the compressor stores a block
// it cannot shrink, 5 bytes per block of at most 64 KiB, plus the flush).
func MaxFrameSize(n int) int { return maxHeader + n + n/1024 + 64 }

// AppendFrame appends one whole masked frame (FIN set) carrying payload with
// op (a data message, compressed when the config says so, or a ping, pong or
// close frame) to dst and returns the extended slice. It does not keep
// payload or dst. The only errors are crypto/rand's.
func (w *Writer) AppendFrame(dst []byte, op Opcode, payload []byte) ([]byte, error) {
	if w.kpos == 0 {
		if _, err := rand.Read(w.keys[:]); err != nil {
			return dst, err
		}
	}
	key := [4]byte(w.keys[w.kpos:])
	w.kpos = (w.kpos + 4) % len(w.keys)
	b0 := 0x80 | byte(op)
	p := payload
	if w.compress && op < OpClose && len(payload) >= w.cfg.Threshold {
		c := w.d.compress(payload, w.cfg.NoContextTakeover)
		// Alone, a message that does not shrink may as well go out as is.
		if !w.cfg.NoContextTakeover || len(c) < len(payload) {
			p = c
			b0 |= 0x40 // RSV1: permessage-deflate
		}
	}
	n := len(p)
	dst = grow(dst, maxHeader+n)
	switch {
	case n > 0xffff:
		dst = binary.BigEndian.AppendUint64(append(dst, b0, 0x80|127), uint64(n))
	case n > 125:
		dst = binary.BigEndian.AppendUint16(append(dst, b0, 0x80|126), uint16(n))
	default:
		dst = append(dst, b0, 0x80|byte(n))
	}
	dst = append(dst, key[:]...)
	maskCopy(dst[len(dst):len(dst)+n], p, key)
	dst = dst[:len(dst)+n]
	if cap(w.d.out) > keepScratch {
		w.d.out = nil // a large message's buffer is not kept for the next
	}
	return dst, nil
}

// AppendClose appends a close frame: with no payload when code is
// CloseNoStatus, else code and reason (at most 123 bytes; the rest is cut).
func (w *Writer) AppendClose(dst []byte, code int, reason string) ([]byte, error) {
	if code == CloseNoStatus {
		return w.AppendFrame(dst, OpClose, nil)
	}
	var buf [125]byte
	binary.BigEndian.PutUint16(buf[:], uint16(code))
	n := 2 + copy(buf[2:], reason)
	return w.AppendFrame(dst, OpClose, buf[:n])
}

// Release gives the compressor (and its buffer) back to a pool. The Writer
// may still be used after: it then makes a new one, which starts with no
// context (only right before the connection ends, or with NoContextTakeover).
func (w *Writer) Release() { w.d.release() }

// maskCopy copies src to dst masked with key (RFC 6455, section 5.3), eight
// bytes at a time.
func maskCopy(dst, src []byte, key [4]byte) {
	k := uint64(binary.LittleEndian.Uint32(key[:]))
	k |= k << 32
	i := 0
	for ; i+8 <= len(src); i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(src[i:])^k)
	}
	for ; i < len(src); i++ {
		dst[i] = src[i] ^ key[i&3]
	}
}
