//go:build !js

package websocket

import (
	"compress/flate"
	"crypto/rand"
	"encoding/binary"
	"net"
	"sync"
)

// The send path's own frames.
//
// Why: for a message it does not compress, coder/websocket's Write spends about
// as much time outside write(2) as the package spends around it: two
// channel-based locks, a read of crypto/rand for the mask key, a buffered writer
// and its flush. Profiles of a 16-byte send stream put that at about a third of a
// message's client time. A message is one frame — a header, a mask key and the
// masked payload, compressed by the package's own deflater when permessage-deflate
// is on — so the package writes it itself: built in a pooled buffer and passed,
// whole, in one Write to the connection coder/websocket writes to (endBody, whose
// frame checks see it like every other frame). coder/websocket still writes the
// rest (see ownFrame and maxOwnFrame): pings, pongs, close frames, uncompressed
// messages over maxOwnFrame, and compressed ones under client_no_context_takeover.
// Those are frames of their own, each written with one Write under coder's write
// lock, so endBody's own lock is all it takes to keep frames whole; and a data
// frame never goes out after a close frame (clientFrames notes it), as
// coder/websocket's Write would refuse too.

// maxOwnFrame bounds the uncompressed messages framed here: a larger one goes
// through coder/websocket, whose Write streams it through its 4 KiB buffer
// instead of a buffer of the whole frame (the pool's largest class is 1 MiB).
// Compressed messages are all framed here (see ownFrame).
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

// ownFrame says how a message goes out: as a frame of the package's own, and
// whether compressed, or (own false) through coder/websocket: on a connection
// whose frames endBody does not see, an uncompressed message too large for one
// pooled buffer, or a compressed one when the server asked for
// client_no_context_takeover (a rare answer: Chromium's offer does not ask for
// it). With context takeover every compressed message, whatever its size, must
// come from the same compressor as the one before it: the server inflates each
// with the window of all before it, so one message from coder/websocket's
// compressor would corrupt the next one from the package's (found against
// Python's websockets; TestOwnFramesArriveWhole).
func (t *nativeTransport) ownFrame(n int) (own, compress bool) {
	if t.body == nil {
		return false, false
	}
	compress = t.sendDeflate != deflateNone && n >= flateThreshold
	switch {
	case compress:
		return t.sendDeflate == deflateOwn, true
	case n > maxOwnFrame:
		return false, false // coder/websocket does not compress it either
	}
	return true, false
}

// sendDeflate says how the messages a socket sends are compressed, settled once
// the handshake is done (setSendDeflate).
type sendDeflate uint8

const (
	deflateNone  sendDeflate = iota // not at all: no permessage-deflate, or a client window below 15 bits (plainWrites)
	deflateOwn                      // by the package's compressor (deflater), from flateThreshold up
	deflateCoder                    // by coder/websocket's: the server asked for client_no_context_takeover
)

// setSendDeflate settles t.sendDeflate from the handshake's answer.
func (t *nativeTransport) setSendDeflate() {
	switch {
	case !t.frames.deflate || t.rw.plainWrites():
		t.sendDeflate = deflateNone
	case t.rw.clientTakeover():
		t.sendDeflate = deflateOwn
	default:
		t.sendDeflate = deflateCoder
	}
}

// maxHeader is the longest header of a client frame: 2 bytes, an 8-byte length
// and the mask key.
const maxHeader = 14

// writeOwnFrame writes p as one unfragmented frame, compressed or not.
func (t *nativeTransport) writeOwnFrame(text bool, p []byte, compress bool) error {
	key, err := t.keys.next()
	if err != nil {
		return err
	}
	var buf []byte // the frame, at the end of a pooled buffer
	var n int      // its payload's length
	if compress {
		buf, n = t.deflate.compress(p)
	} else {
		n = len(p)
		buf = getSendBuf(maxHeader + n)[:maxHeader+n]
	}
	defer putSendBuf(buf)
	frame := buf[maxHeader-headerLen(n) : maxHeader+n]
	hl := len(frame) - n
	frame[0] = 0x80 | 2 // FIN, binary
	if text {
		frame[0] = 0x80 | 1
	}
	if compress {
		frame[0] |= 0x40 // RSV1: permessage-deflate
	}
	switch {
	case n > 0xffff:
		frame[1] = 0x80 | 127
		binary.BigEndian.PutUint64(frame[2:], uint64(n))
	case n > 125:
		frame[1] = 0x80 | 126
		binary.BigEndian.PutUint16(frame[2:], uint16(n))
	default:
		frame[1] = 0x80 | byte(n)
	}
	copy(frame[hl-4:hl], key[:])
	if compress {
		maskCopy(frame[hl:], frame[hl:], key) // in place
	} else {
		maskCopy(frame[hl:], p, key)
	}
	return t.body.writeFrame(frame)
}

// headerLen is the length of a client frame header for a payload of n bytes.
func headerLen(n int) int {
	switch {
	case n > 0xffff:
		return maxHeader
	case n > 125:
		return 8
	}
	return 6
}

// deflater compresses the messages of the package's own frames with context
// takeover (RFC 7692): one compressor for the connection's life, each message
// ended by a sync flush whose last four bytes (00 00 ff ff) stay off the wire.
// It is made with the first compressed message (coder/websocket's own compressor
// is then never made) and compresses as coder/websocket does (flate.BestSpeed).
// Used by one writer at a time (the send queue's turn).
type deflater struct {
	fw  *flate.Writer
	out []byte // what fw wrote: room for a header, then the compressed message
}

func (d *deflater) Write(p []byte) (int, error) {
	d.out = append(d.out, p...)
	return len(p), nil
}

// flateWriters keeps the compressors of closed sockets for new ones: a
// compressor is a few hundred KiB, as coder/websocket's pool keeps its own.
var flateWriters sync.Pool

// release gives the compressor back once the socket writes no more.
func (d *deflater) release() {
	if d.fw != nil {
		flateWriters.Put(d.fw)
		d.fw = nil
	}
}

// compress returns a pooled buffer that holds maxHeader bytes of room and then
// p compressed, and the compressed length.
func (d *deflater) compress(p []byte) (buf []byte, n int) {
	// Deflate's worst case adds 5 bytes per 16 KiB block and the flush.
	d.out = getSendBuf(maxHeader + len(p) + len(p)/1024 + 64)[:maxHeader]
	if d.fw == nil {
		if fw, _ := flateWriters.Get().(*flate.Writer); fw != nil {
			fw.Reset(d)
			d.fw = fw
		} else {
			d.fw, _ = flate.NewWriter(d, flate.BestSpeed) // the level is valid: no error
		}
	}
	d.fw.Write(p) // d.Write never fails
	d.fw.Flush()
	buf, d.out = d.out[:len(d.out)-4], nil // the flush ends in 00 00 ff ff
	return buf, len(buf) - maxHeader
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
