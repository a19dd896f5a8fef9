package main

import (
	"bytes"
	"testing"
)

// TestInterop: what each library compresses, the other inflates, over a
// stream of 100 messages with context takeover (each message may refer to
// the ones before it) and without, through the wire package's deflater and
// inflater.
func TestInterop(t *testing.T) {
	for _, mode := range []string{"takeover", "fresh"} {
		for _, kind := range []string{"json", "random"} {
			for _, size := range []int{128, 1 << 10, 16 << 10, 64 << 10, 1 << 20} {
				all := messages(kind, size)
				n := 100
				if size == 1<<20 {
					n = 10
				}
				// 100 messages in a row; short ones cycle through their set.
				msgs := make([][]byte, n)
				for i := range msgs {
					msgs[i] = all[i%len(all)]
				}
				for _, from := range libs {
					for _, to := range libs {
						name := mode + "/" + kind + "/" + sizeName(size) + "/" + from.name + "-to-" + to.name
						d := &deflater{lib: from}
						f := &inflater{lib: to}
						var dst []byte
						for i, m := range msgs {
							c := append([]byte(nil), d.compress(m, mode == "fresh")...)
							out, err := f.inflate(dst[:0], append(c, syncTail...), mode == "takeover", 0)
							if err != nil || !bytes.Equal(out, m) {
								t.Fatalf("%s: message %d: %v (got %d bytes, want %d)", name, i, err, len(out), len(m))
							}
							dst = out
						}
						d.release()
					}
				}
			}
		}
	}
}

// TestInteropMixedSizes: one stream whose messages change size (so the
// window holds parts of several), both ways.
func TestInteropMixedSizes(t *testing.T) {
	var msgs [][]byte
	sizes := []int{128, 1 << 10, 16 << 10, 64 << 10, 300, 5000, 40 << 10}
	sets := map[int][][]byte{}
	for _, s := range sizes {
		sets[s] = messages("json", s)
	}
	for i := 0; i < 100; i++ {
		s := sizes[i%len(sizes)]
		msgs = append(msgs, sets[s][i%len(sets[s])])
	}
	for _, from := range libs {
		for _, to := range libs {
			d := &deflater{lib: from}
			f := &inflater{lib: to}
			for i, m := range msgs {
				c := append([]byte(nil), d.compress(m, false)...)
				out, err := f.inflate(nil, append(c, syncTail...), true, 0)
				if err != nil || !bytes.Equal(out, m) {
					t.Fatalf("%s to %s: message %d (%d bytes): %v", from.name, to.name, i, len(m), err)
				}
			}
		}
	}
}
