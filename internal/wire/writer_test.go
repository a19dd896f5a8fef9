package wire

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"math/rand"
	"testing"
)

// clientFrame is one frame the Writer made, parsed as a server would.
type clientFrame struct {
	b0      byte
	payload []byte // unmasked
	hl      int    // header length, mask key included
}

func parseClientFrames(t *testing.T, b []byte) []clientFrame {
	t.Helper()
	var out []clientFrame
	for len(b) > 0 {
		if b[1]&0x80 == 0 {
			t.Fatalf("frame not masked: %x", b[:2])
		}
		if b[0]&0x80 == 0 {
			t.Fatalf("frame without FIN: %x", b[:2])
		}
		n, hl := int(b[1]&0x7f), 2
		switch n {
		case 126:
			n, hl = int(binary.BigEndian.Uint16(b[2:])), 4
			if n < 126 {
				t.Fatalf("length %d not shortest", n)
			}
		case 127:
			n, hl = int(binary.BigEndian.Uint64(b[2:])), 10
			if n < 1<<16 {
				t.Fatalf("length %d not shortest", n)
			}
		}
		key := b[hl : hl+4]
		p := bytes.Clone(b[hl+4 : hl+4+n])
		for i := range p {
			p[i] ^= key[i&3]
		}
		out = append(out, clientFrame{b[0], p, hl + 4})
		b = b[hl+4+n:]
	}
	return out
}

// testInflater is an RFC 7692 inflater written apart from the package's: the
// payload, 00 00 ff ff, and the last 32 KiB of output as the window.
type testInflater struct {
	window   []byte
	takeover bool
}

func (ti *testInflater) inflate(t *testing.T, p []byte) []byte {
	t.Helper()
	var dict []byte
	if ti.takeover {
		dict = ti.window
	}
	fr := flate.NewReaderDict(io.MultiReader(bytes.NewReader(p), bytes.NewReader([]byte{0, 0, 0xff, 0xff})), dict)
	out, err := io.ReadAll(fr)
	if err != io.ErrUnexpectedEOF && err != nil {
		t.Fatalf("inflate: %v", err)
	}
	ti.window = append(ti.window, out...)
	if len(ti.window) > 32768 {
		ti.window = ti.window[len(ti.window)-32768:]
	}
	return out
}

func TestWriterFrames(t *testing.T) {
	w := NewWriter(WriterConfig{})
	rnd := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 7, 8, 9, 125, 126, 127, 65535, 65536, 70000} {
		for _, op := range []Opcode{OpText, OpBinary} {
			p := make([]byte, n)
			rnd.Read(p)
			dst := []byte("prefix")
			out, err := w.AppendFrame(dst, op, p)
			if err != nil {
				t.Fatal(err)
			}
			if string(out[:6]) != "prefix" || len(out)-6 > MaxFrameSize(n) {
				t.Fatalf("n %d: bad prefix or %d bytes over MaxFrameSize %d", n, len(out)-6, MaxFrameSize(n))
			}
			f := parseClientFrames(t, out[6:])
			if len(f) != 1 || f[0].b0 != 0x80|byte(op) || !bytes.Equal(f[0].payload, p) {
				t.Fatalf("n %d: frame %x", n, f[0].b0)
			}
		}
	}
	// Control frames, and close frames.
	out, _ := w.AppendFrame(nil, OpPing, []byte("abc"))
	out, _ = w.AppendClose(out, CloseNoStatus, "")
	out, _ = w.AppendClose(out, 1000, "bye")
	f := parseClientFrames(t, out)
	if len(f) != 3 || f[0].b0 != 0x89 || string(f[0].payload) != "abc" || f[1].b0 != 0x88 || len(f[1].payload) != 0 ||
		f[2].b0 != 0x88 || string(f[2].payload) != "\x03\xe8bye" {
		t.Fatalf("frames %+v", f)
	}
	// The mask keys differ from frame to frame.
	keys := map[[4]byte]bool{}
	for i := 0; i < 64; i++ {
		b, _ := w.AppendFrame(nil, OpBinary, nil)
		keys[[4]byte(b[2:6])] = true
	}
	if len(keys) < 60 {
		t.Fatalf("%d distinct keys of 64", len(keys))
	}
}

// Compressed frames inflate with an independent RFC 7692 inflater, across
// many messages, with and without context takeover, and after Release.
func TestWriterDeflateInterop(t *testing.T) {
	rnd := rand.New(rand.NewSource(4))
	for _, noTakeover := range []bool{false, true} {
		w := NewWriter(WriterConfig{Deflate: true, NoContextTakeover: noTakeover, Threshold: 128})
		ti := &testInflater{takeover: !noTakeover}
		for i := 0; i < 200; i++ {
			n := []int{0, 50, 127, 128, 1000, 20000, 100000}[i%7]
			p := make([]byte, n)
			for j := range p {
				p[j] = "abcdefghij"[rnd.Intn(2+i%9)]
			}
			if i%10 == 9 {
				rnd.Read(p) // incompressible
			}
			out, err := w.AppendFrame(nil, OpText, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) > MaxFrameSize(n) {
				t.Fatalf("%d bytes over MaxFrameSize(%d) = %d", len(out), n, MaxFrameSize(n))
			}
			f := parseClientFrames(t, out)[0]
			compressed := f.b0&0x40 != 0
			// Alone (no context takeover), a message that did not shrink goes
			// out as is: random bytes, and with klauspost/compress's BestSpeed
			// any message in which it finds no match.
			if compressed && n < 128 || !noTakeover && compressed != (n >= 128) {
				t.Fatalf("message %d (%d bytes): compressed %v", i, n, compressed)
			}
			got := f.payload
			if compressed {
				got = ti.inflate(t, f.payload)
			}
			if !bytes.Equal(got, p) {
				t.Fatalf("message %d (%d bytes) does not round-trip", i, n)
			}
			if i == 100 && noTakeover {
				w.Release() // still usable
			}
		}
		w.Release()
	}
}

// Control frames and messages under Threshold are not compressed, nor
// anything when the server asked for a window under 15 bits.
func TestWriterNotCompressed(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 1000)
	for _, c := range []struct {
		cfg WriterConfig
		op  Opcode
		p   []byte
	}{
		{WriterConfig{Deflate: true, Threshold: 128}, OpBinary, big[:127]},
		{WriterConfig{Deflate: true, Threshold: 128}, OpPing, big[:125]},
		{WriterConfig{Deflate: true, Threshold: 128}, OpClose, big[:125]},
		{WriterConfig{Deflate: true, WindowBits: 14}, OpBinary, big},
		{WriterConfig{Deflate: true, WindowBits: 8}, OpBinary, big},
		{WriterConfig{}, OpBinary, big},
	} {
		out, _ := NewWriter(c.cfg).AppendFrame(nil, c.op, c.p)
		if f := parseClientFrames(t, out); f[0].b0&0x40 != 0 || !bytes.Equal(f[0].payload, c.p) {
			t.Fatalf("%+v op %d: compressed", c.cfg, c.op)
		}
	}
	for _, bits := range []int{0, 15} {
		out, _ := NewWriter(WriterConfig{Deflate: true, WindowBits: bits}).AppendFrame(nil, OpBinary, big)
		if f := parseClientFrames(t, out); f[0].b0&0x40 == 0 {
			t.Fatalf("window bits %d: not compressed", bits)
		}
	}
}

func TestMaskCopy(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	for n := 0; n < 40; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i * 7)
		}
		dst := make([]byte, n)
		maskCopy(dst, src, key)
		for i := range src {
			if dst[i] != src[i]^key[i%4] {
				t.Fatalf("n %d byte %d", n, i)
			}
		}
	}
}
