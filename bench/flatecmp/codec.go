package main

import (
	"bytes"
	stdflate "compress/flate"
	"errors"
	"io"
	"sync"

	kpflate "github.com/klauspost/compress/flate"
)

// This file is internal/wire/deflate.go with the library made a parameter:
// inflater.inflate, end and keep, and deflater.compress and release are line
// for line the wire package's, so that what is timed here is what the codec
// does with either library.

// flateWriter is the part of *flate.Writer the deflater uses; both libraries'
// writers have it.
type flateWriter interface {
	Write([]byte) (int, error)
	Flush() error
	Reset(io.Writer)
}

// resetter is flate.Resetter, which both libraries declare alike.
type resetter interface {
	Reset(r io.Reader, dict []byte) error
}

// lib is one flate implementation.
type lib struct {
	name          string
	newWriter     func(w io.Writer, level int) (flateWriter, error)
	newReaderDict func(r io.Reader, dict []byte) io.ReadCloser
	writers       *sync.Pool // the wire package's flateWriters, one per library
}

var (
	stdLib = &lib{
		name:          "std",
		newWriter:     func(w io.Writer, level int) (flateWriter, error) { return stdflate.NewWriter(w, level) },
		newReaderDict: stdflate.NewReaderDict,
		writers:       new(sync.Pool),
	}
	kpLib = &lib{
		name:          "klauspost",
		newWriter:     func(w io.Writer, level int) (flateWriter, error) { return kpflate.NewWriter(w, level) },
		newReaderDict: kpflate.NewReaderDict,
		writers:       new(sync.Pool),
	}
	libs = []*lib{stdLib, kpLib}
)

const windowSize = 32 << 10

var syncTail = []byte{0, 0, 0xff, 0xff}

var errBadCompression = errors.New("bad compression")
var errMessageTooBig = errors.New("message too big")

type inflater struct {
	lib    *lib
	fr     io.ReadCloser
	src    bytes.Reader
	window []byte
	probe  [64]byte
}

func (f *inflater) inflate(dst, comp []byte, takeover bool, limit int64) ([]byte, error) {
	f.src.Reset(comp)
	var dict []byte
	if takeover {
		dict = f.window
	}
	if f.fr == nil {
		f.fr = f.lib.newReaderDict(&f.src, dict)
	} else if err := f.fr.(resetter).Reset(&f.src, dict); err != nil {
		return dst, errBadCompression
	}
	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			n, err := f.fr.Read(f.probe[:])
			if n > 0 {
				if limit > 0 && int64(len(dst)-start+n) > limit {
					return dst, errMessageTooBig
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
			return dst, errMessageTooBig
		}
		if done, err := f.end(err); done || err != nil {
			return f.keep(dst, start, takeover), err
		}
	}
}

func (f *inflater) end(err error) (done bool, _ error) {
	switch {
	case err == nil:
		return false, nil
	case err == io.EOF:
		return true, nil
	case err == io.ErrUnexpectedEOF && f.src.Len() == 0:
		return true, nil
	}
	return true, errBadCompression
}

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

// grow is internal/wire's (reader.go): room for n more bytes.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), max(2*cap(b), len(b)+n, smallMessage))
	copy(nb, b)
	return nb
}

const smallMessage = 512

type deflater struct {
	lib *lib
	fw  flateWriter
	out []byte
}

func (d *deflater) Write(p []byte) (int, error) {
	d.out = append(d.out, p...)
	return len(p), nil
}

func (d *deflater) compress(p []byte, fresh bool) []byte {
	d.out = d.out[:0]
	switch {
	case d.fw == nil:
		if fw, _ := d.lib.writers.Get().(flateWriter); fw != nil {
			fw.Reset(d)
			d.fw = fw
		} else {
			d.fw, _ = d.lib.newWriter(d, stdflate.BestSpeed) // both: level 1
		}
	case fresh:
		d.fw.Reset(d)
	}
	d.fw.Write(p)
	d.fw.Flush()
	return d.out[:len(d.out)-len(syncTail)]
}

func (d *deflater) release() {
	if d.fw != nil {
		d.lib.writers.Put(d.fw)
		d.fw = nil
	}
	d.out = nil
}
