package wire

import (
	"bytes"
	"io"
	"testing"
)

// loopReader returns the same stream again and again, in reads of up to
// chunk bytes (a socket's reads).
type loopReader struct {
	data  []byte
	pos   int
	chunk int
}

func (l *loopReader) Read(p []byte) (int, error) {
	if l.pos == len(l.data) {
		l.pos = 0
	}
	n := copy(p[:min(len(p), l.chunk)], l.data[l.pos:])
	l.pos += n
	return n, nil
}

func benchReader(b *testing.B, size int, cfg ReaderConfig, compress bool) {
	m := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	var stream []byte
	d := &serverDeflate{fresh: true} // the stream loops: each message alone
	per := max(1, 64<<10/(size+14))
	for i := 0; i < per; i++ {
		if compress {
			stream = append(stream, frame(true, 4, OpBinary, d.compress(m))...)
		} else {
			stream = append(stream, frame(true, 0, OpBinary, m)...)
		}
	}
	cfg.ServerNoContextTakeover = compress
	r := NewReader(&loopReader{data: stream, chunk: 64 << 10}, cfg)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msg, err := r.Next()
		if err != nil || len(msg.Data) != size {
			b.Fatal(err, len(msg.Data))
		}
	}
}

func BenchmarkReaderSmall(b *testing.B) { benchReader(b, 16, ReaderConfig{}, false) }
func BenchmarkReader1K(b *testing.B)    { benchReader(b, 1<<10, ReaderConfig{}, false) }
func BenchmarkReader64K(b *testing.B)   { benchReader(b, 64<<10, ReaderConfig{}, false) }
func BenchmarkReader1M(b *testing.B)    { benchReader(b, 1<<20, ReaderConfig{}, false) }
func BenchmarkReaderSmallPooled(b *testing.B) {
	var pool [64]byte
	benchReader(b, 16, ReaderConfig{Alloc: func(n int) []byte { return pool[:n] }}, false)
}
func BenchmarkReaderDeflate1K(b *testing.B) {
	benchReader(b, 1<<10, ReaderConfig{Deflate: true}, true)
}
func BenchmarkReaderDeflate64K(b *testing.B) {
	benchReader(b, 64<<10, ReaderConfig{Deflate: true}, true)
}

func benchWriter(b *testing.B, size int, cfg WriterConfig) {
	m := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	w := NewWriter(cfg)
	defer w.Release()
	buf := make([]byte, 0, MaxFrameSize(size))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := w.AppendFrame(buf[:0], OpBinary, m)
		if err != nil {
			b.Fatal(err)
		}
		io.Discard.Write(out)
	}
}

func BenchmarkWriter16(b *testing.B)  { benchWriter(b, 16, WriterConfig{}) }
func BenchmarkWriter1K(b *testing.B)  { benchWriter(b, 1<<10, WriterConfig{}) }
func BenchmarkWriter64K(b *testing.B) { benchWriter(b, 64<<10, WriterConfig{}) }
func BenchmarkWriterDeflate16(b *testing.B) {
	benchWriter(b, 16, WriterConfig{Deflate: true, Threshold: 0})
}
func BenchmarkWriterDeflate1K(b *testing.B) {
	benchWriter(b, 1<<10, WriterConfig{Deflate: true, Threshold: 128})
}
func BenchmarkWriterDeflate64K(b *testing.B) {
	benchWriter(b, 64<<10, WriterConfig{Deflate: true, Threshold: 128})
}
