package payload

import (
	"bytes"
	cflate "compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// TestStable pins the bytes: every run, every Go version, the same message.
func TestStable(t *testing.T) {
	sum := sha256.Sum256(Of(1 << 20))
	if got := hex.EncodeToString(sum[:]); got != stableSum {
		t.Errorf("sha256 of Of(1 MiB) = %s, want %s: the payload changed (update stableSum and the ratios in the package doc if that was meant)", got, stableSum)
	}
}

const stableSum = "fa565dac6528c882c4b376b96c1d364589808eabec39e7ec3ec4cd93cdd76454"

// TestPrefix: a shorter message is the start of a longer one, whichever is made first.
func TestPrefix(t *testing.T) {
	small := bytes.Clone(Of(1000))
	big := Of(3 << 20)
	if !bytes.Equal(small, big[:1000]) || !bytes.Equal(Of(1000), small) || len(Of(16)) != 16 {
		t.Fatal("messages of different sizes disagree")
	}
}

// TestJSON: the stream, closed where an event ends, is valid JSON.
func TestJSON(t *testing.T) {
	b := Of(64 << 10)
	i := bytes.LastIndex(b, []byte(`"v":2}`))
	doc := append(bytes.Clone(b[:i+len(`"v":2}`)]), "]}"...)
	var v struct{ Events []map[string]any }
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Events) < 50 {
		t.Fatalf("%d events in 64 KiB", len(v.Events))
	}
}

// TestRatio checks that both flate packages the libraries use compress the
// message to 30–50 % at BestSpeed (the first message of a stream, with a sync
// flush as permessage-deflate ends a message), and logs the ratios.
func TestRatio(t *testing.T) {
	type codec struct {
		name string
		new  func(w *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Flush() error
		}
	}
	codecs := []codec{
		{"compress/flate BestSpeed", func(w *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Flush() error
		} {
			f, _ := cflate.NewWriter(w, cflate.BestSpeed)
			return f
		}},
		{"klauspost/compress/flate BestSpeed", func(w *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Flush() error
		} {
			f, _ := kflate.NewWriter(w, kflate.BestSpeed)
			return f
		}},
		{"compress/flate DefaultCompression", func(w *bytes.Buffer) interface {
			Write([]byte) (int, error)
			Flush() error
		} {
			f, _ := cflate.NewWriter(w, cflate.DefaultCompression)
			return f
		}},
	}
	for _, c := range codecs {
		for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
			var out bytes.Buffer
			f := c.new(&out)
			f.Write(Of(size))
			f.Flush()
			r := float64(out.Len()) / float64(size)
			t.Logf("%-36s %7d B: %4.1f %%", c.name, size, 100*r)
			if c.name != "compress/flate DefaultCompression" && size >= 64<<10 && (r < 0.3 || r > 0.5) {
				t.Errorf("%s compresses %d B to %.1f %%, not 30–50 %%", c.name, size, 100*r)
			}
		}
	}
}
