//go:build !js

package websocket

import (
	"crypto/rand"
	"encoding/binary"
	"net"
)

// The send path's own frames.
//
// Why: for a message it does not compress, coder/websocket's Write spends about
// as much time outside write(2) as the package spends around it: two
// channel-based locks, a read of crypto/rand for the mask key, a buffered writer
// and its flush. Profiles of a 16-byte send stream put that at about a third of a
// message's client time. An uncompressed message is one frame — a header, a mask
// key and the masked payload — so the package writes it itself: built in a pooled
// buffer and passed, whole, in one Write to the connection coder/websocket writes
// to (endBody, whose frame checks see it like every other frame). coder/websocket
// still writes everything else: compressed messages, pings, pongs and close frames.
// Those are frames of their own, each written with one Write under coder's write
// lock, so endBody's own lock is all it takes to keep frames whole; and a data
// frame never goes out after a close frame (clientFrames notes it), as
// coder/websocket's Write would refuse too.

// maxOwnFrame bounds the messages framed here: a larger one goes through
// coder/websocket, whose Write streams it through its 4 KiB buffer instead of a
// buffer of the whole frame (the pool's largest class is 1 MiB).
const maxOwnFrame = minSendBuf<<(sendBufClasses-1) - 14

// maskKeys hands out frame mask keys from crypto/rand, read 32 bytes at a time
// (one read per 8 frames instead of one per frame; a larger buffer would weigh
// on every idle socket). Used by one writer at a time (the send queue's turn).
type maskKeys struct {
	buf [32]byte
	pos uint8
}

func (k *maskKeys) next() (key [4]byte, err error) {
	if k.pos == 0 || int(k.pos) == len(k.buf) {
		if _, err := rand.Read(k.buf[:]); err != nil {
			return key, err
		}
		k.pos = 0
	}
	copy(key[:], k.buf[k.pos:])
	k.pos += 4
	return key, nil
}

// writesOwnFrame reports whether a message of n bytes goes out as a frame of the
// package's own: one coder/websocket would not compress, on a connection whose
// frames endBody sees.
func (t *nativeTransport) writesOwnFrame(n int) bool {
	if t.body == nil || n > maxOwnFrame {
		return false
	}
	return !t.frames.deflate || n < flateThreshold || t.rw.plainWrites()
}

// writeOwnFrame writes p as one unfragmented, uncompressed frame.
func (t *nativeTransport) writeOwnFrame(text bool, p []byte) error {
	key, err := t.keys.next()
	if err != nil {
		return err
	}
	n := len(p)
	hl := 6
	switch {
	case n > 0xffff:
		hl += 8
	case n > 125:
		hl += 2
	}
	buf := getSendBuf(hl + n)[:hl+n]
	defer putSendBuf(buf)
	buf[0] = 0x80 | 2 // FIN, binary
	if text {
		buf[0] = 0x80 | 1
	}
	switch {
	case n > 0xffff:
		buf[1] = 0x80 | 127
		binary.BigEndian.PutUint64(buf[2:], uint64(n))
	case n > 125:
		buf[1] = 0x80 | 126
		binary.BigEndian.PutUint16(buf[2:], uint16(n))
	default:
		buf[1] = 0x80 | byte(n)
	}
	copy(buf[hl-4:hl], key[:])
	maskCopy(buf[hl:], p, key)
	return t.body.writeFrame(buf)
}

// writeFrame writes one whole frame of the package's own, unless a close frame
// has gone out.
func (b *endBody) writeFrame(frame []byte) error {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.out.closeSent {
		return net.ErrClosed
	}
	_, err := b.ReadWriteCloser.Write(b.out.fix(frame))
	return err
}

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
