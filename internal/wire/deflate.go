package wire

import (
	"bytes"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The compressor and decompressor seams: everything that names a flate
// package is in this file. It is github.com/klauspost/compress/flate, which
// has compress/flate's API: measured against the standard library as this
// file uses them (bench/flatecmp), it compresses 30-40 % faster at
// BestSpeed (JSON, 128 B to 1 MiB), keeps the whole 32 KiB window between
// messages where compress/flate's BestSpeed keeps only the last message
// (128 B JSON messages shrink to 28 % instead of 57 %), inflates 10-30 %
// faster without allocating, and its compressor holds about 380 KiB less.
// The price: its BestSpeed stores a block in which it finds no match, where
// compress/flate would still Huffman-code it, so hex, base64 or random
// letters go out uncompressed (compress/flate: 50-78 %).

// windowSize is the LZ77 window of permessage-deflate at 15 bits.
const windowSize = 32 << 10

// syncTail is what a sync flush ends with; RFC 7692 leaves it off the wire.
var syncTail = []byte{0, 0, 0xff, 0xff}

// inflater inflates the messages of one connection (RFC 7692, section 7.2.2).
type inflater struct {
	fr     io.ReadCloser // a flate reader; also a flate.Resetter
	src    bytes.Reader  // an io.ByteReader: flate reads it with no buffer of its own
	window []byte        // with context takeover: the last output, up to windowSize bytes
	probe  [64]byte
}

// inflate appends to dst the message that comp (its compressed bytes, with
// syncTail appended) inflates to. takeover: the message may refer to the
// output of those before it. limit > 0: ErrMessageTooBig as soon as the
// output exceeds limit bytes.
func (f *inflater) inflate(dst, comp []byte, takeover bool, limit int64) ([]byte, error) {
	f.src.Reset(comp) // f.window, the dictionary, stays empty without takeover
	if f.fr == nil {
		f.fr = flate.NewReaderDict(&f.src, f.window)
	} else if err := f.fr.(flate.Resetter).Reset(&f.src, f.window); err != nil {
		return dst, ErrBadCompression
	}
	start := len(dst)
	for {
		// Full: look for more before growing, so that a buffer of exactly
		// the message's size is not copied into a larger one.
		p, full := f.probe[:], len(dst) == cap(dst)
		if !full {
			p = dst[len(dst):cap(dst)]
			if left := limit + 1 - int64(len(dst)-start); limit > 0 && int64(len(p)) > left {
				p = p[:left]
			}
		}
		n, err := f.fr.Read(p)
		if full {
			dst = append(grow(dst, n), p[:n]...)
		} else {
			dst = dst[:len(dst)+n]
		}
		switch {
		case limit > 0 && int64(len(dst)-start) > limit:
			return dst, ErrMessageTooBig
		case err == nil:
			continue
		case err != io.EOF && (err != io.ErrUnexpectedEOF || f.src.Len() > 0):
			// io.EOF: a final block (BFINAL), allowed; io.ErrUnexpectedEOF
			// with the input used up: the end of the message (as zlib's
			// Z_SYNC_FLUSH reading).
			return dst, ErrBadCompression
		}
		if takeover { // the last windowSize bytes of output: the next message's dictionary
			out := dst[max(start, len(dst)-windowSize):]
			if f.window == nil {
				f.window = make([]byte, 0, windowSize)
			}
			if drop := len(f.window) + len(out) - windowSize; drop > 0 {
				f.window = f.window[:copy(f.window, f.window[drop:])]
			}
			f.window = append(f.window, out...)
		}
		return dst, nil
	}
}

// flateWriters keeps the compressors of released Writers for new ones (a
// compressor is several hundred KiB).
var flateWriters sync.Pool

// deflater compresses the messages of one Writer (RFC 7692, section 7.2.1).
type deflater struct {
	fw  *flate.Writer
	out []byte // what fw wrote for the message being compressed
}

func (d *deflater) Write(p []byte) (int, error) {
	d.out = append(d.out, p...)
	return len(p), nil
}

// compress returns p compressed, without the sync flush's tail, in a buffer
// the deflater reuses on its next call. fresh: compress p with no reference
// to the messages before it.
func (d *deflater) compress(p []byte, fresh bool) []byte {
	d.out = d.out[:0]
	switch {
	case d.fw == nil:
		if fw, _ := flateWriters.Get().(*flate.Writer); fw != nil {
			fw.Reset(d)
			d.fw = fw
		} else {
			d.fw, _ = flate.NewWriter(d, flate.BestSpeed) // a valid level: no error
		}
	case fresh:
		d.fw.Reset(d)
	}
	d.fw.Write(p) // d.Write never fails
	d.fw.Flush()
	return d.out[:len(d.out)-len(syncTail)]
}

// release gives the compressor back to the pool and drops the buffer.
func (d *deflater) release() {
	if d.fw != nil {
		flateWriters.Put(d.fw)
		d.fw = nil
	}
	d.out = nil
}
