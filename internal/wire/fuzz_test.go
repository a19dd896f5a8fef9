package wire

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// FuzzReaderSplits: a stream read in the pieces the fuzzer chooses gives the
// same messages and error as the stream read whole; nothing panics or hangs.
func FuzzReaderSplits(f *testing.F) {
	// The seeds of FuzzServerStream (fuzz_native_test.go) and the rule tables.
	for _, h := range []string{
		"81026869880203e8", "81850000000068656c6c6f", "817f00000000000000026869880203e8", "880403e8fffe",
		"880203e881026869", "880203e7", "88050bb7627965", "c1026869", "8300", "01016189008001628802" + "03e8",
		"880203ed", "010368656c80026c6f880203e8", "8801e8", "88020fa7", "890068656c6c6f", "8a00", "0101618100",
		"81036162", "817e0004616263648800", "880203e88900",
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b, []byte{1, 2, 3, 5, 7}, false)
		f.Add(b, []byte{255}, true)
	}
	for _, c := range ruleCases() {
		if len(c.stream) < 1<<12 {
			f.Add(c.stream, []byte{1, 1, 2}, c.cfg.Deflate)
		}
	}
	d := &serverDeflate{}
	c := d.compress([]byte("hello hello hello hello"))
	f.Add(cat(frame(false, 4, OpText, c[:3]), frame(true, 0, OpPing, nil), frame(true, 0, 0, c[3:]), frame(true, 4, OpBinary, d.compress([]byte("hello")))), []byte{1, 4, 1}, true)
	f.Fuzz(func(t *testing.T, stream, splits []byte, deflate bool) {
		if len(stream) > 1<<16 {
			return
		}
		for _, cfg := range []ReaderConfig{{Deflate: deflate}, {Deflate: deflate, MaxMessageSize: 64, ServerNoContextTakeover: true}} {
			whole := readStream(stream, nil, cfg)
			split := readStream(stream, splits, cfg)
			if !sameResults(whole, split) {
				t.Fatalf("stream %x split at %v:\nwhole %v\nsplit %v", stream, splits, whole, split)
			}
			bytewise := readStream(stream, bytes.Repeat([]byte{1}, len(stream)), cfg)
			if !sameResults(whole, bytewise) {
				t.Fatalf("stream %x read a byte at a time:\nwhole %v\nsplit %v", stream, whole, bytewise)
			}
		}
	})
}

// FuzzRoundTrip: messages written by Writer, unmasked as a server would, read
// back by Reader, compressed or not, with or without context takeover.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello world"), []byte{3, 0, 200}, false, false)
	f.Add(bytes.Repeat([]byte("abcabcabd"), 300), []byte{1, 255, 128, 7}, true, false)
	f.Add(bytes.Repeat([]byte("xyz"), 3000), []byte{255, 255, 2}, true, true)
	f.Fuzz(func(t *testing.T, data, sizes []byte, deflate, noTakeover bool) {
		w := NewWriter(WriterConfig{Deflate: deflate, NoContextTakeover: noTakeover, Threshold: 16})
		defer w.Release()
		var stream []byte
		var want [][]byte
		for i := 0; len(data) > 0 || i == 0; i++ {
			n := len(data)
			if i < len(sizes) {
				n = min(int(sizes[i])*int(sizes[i])/4, len(data)) // up to 16 KiB
			}
			m := data[:n]
			data = data[n:]
			var err error
			if stream, err = w.AppendFrame(stream, OpBinary, m); err != nil {
				t.Fatal(err)
			}
			want = append(want, m)
			if i > 1000 {
				break
			}
		}
		r := NewReader(bytes.NewReader(unmaskFrames(t, stream)), ReaderConfig{Deflate: deflate, ServerNoContextTakeover: noTakeover})
		for i, m := range want {
			got, err := r.Next()
			if err != nil || got.Op != OpBinary || !bytes.Equal(got.Data, m) {
				t.Fatalf("message %d of %d: %v %d %x, want %x", i, len(want), err, got.Op, got.Data, m)
			}
		}
		if _, err := r.Next(); err == nil {
			t.Fatal("more messages than written")
		}
	})
}
