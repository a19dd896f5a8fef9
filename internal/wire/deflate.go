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
	f.src.Reset(comp)
	var dict []byte
	if takeover {
		dict = f.window
	}
	if f.fr == nil {
		f.fr = flate.NewReaderDict(&f.src, dict)
	} else if err := f.fr.(flate.Resetter).Reset(&f.src, dict); err != nil {
		return dst, ErrBadCompression
	}
	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			// Full: look for more before growing, so that a buffer of
			// exactly the message's size is not copied into a larger one.
			n, err := f.fr.Read(f.probe[:])
			if n > 0 {
				if limit > 0 && int64(len(dst)-start+n) > limit {
					return dst, ErrMessageTooBig
				}
				dst = append(grow(dst, n), f.probe[:n]...)
			}
			if done, err := f.end(err); done || err != nil {
				return f.keep(dst, start, takeover), err
			}
			continue
		}
		room := dst[len(dst):cap(dst)]
		if limit > 0 {
			if left := limit + 1 - int64(len(dst)-start); int64(len(room)) > left {
				room = room[:left]
			}
		}
		n, err := f.fr.Read(room)
		dst = dst[:len(dst)+n]
		if limit > 0 && int64(len(dst)-start) > limit {
			return dst, ErrMessageTooBig
		}
		if done, err := f.end(err); done || err != nil {
			return f.keep(dst, start, takeover), err
		}
	}
}

// end says whether the inflater's err ends the message, or fails it.
func (f *inflater) end(err error) (done bool, _ error) {
	switch {
	case err == nil:
		return false, nil
	case err == io.EOF:
		return true, nil // a final block (BFINAL): allowed
	case err == io.ErrUnexpectedEOF && f.src.Len() == 0:
		return true, nil // the input ran out: the end of the message (zlib's Z_SYNC_FLUSH reading)
	}
	return true, ErrBadCompression
}

// keep notes the message's output as the window of the next, and returns dst.
func (f *inflater) keep(dst []byte, start int, takeover bool) []byte {
	if !takeover {
		return dst
	}
	out := dst[start:]
	if len(out) >= windowSize {
		f.window = append(f.window[:0], out[len(out)-windowSize:]...)
		return dst
	}
	if f.window == nil {
		f.window = make([]byte, 0, windowSize)
	}
	if drop := len(f.window) + len(out) - windowSize; drop > 0 {
		f.window = f.window[:copy(f.window, f.window[drop:])]
	}
	f.window = append(f.window, out...)
	return dst
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
