// Command flatecmp measures compress/flate against
// github.com/klauspost/compress/flate as internal/wire uses them: per-message
// compression at BestSpeed with a sync flush (with and without context
// takeover) and inflation with the last 32 KiB as dictionary. Both libraries
// are measured in the same run, interleaved round by round; the tables give
// medians over the rounds. See README.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	rounds    = flag.Int("rounds", 7, "rounds; each measures every case with both libraries")
	benchtime = flag.Duration("benchtime", 150*time.Millisecond, "time of one measurement")
	run       = flag.String("run", "", "regexp: only the cases whose name matches")
	memN      = flag.Int("mem", 1000, "live compressors and decompressors for the memory figures")
	sizesFlag = flag.String("sizes", "128,1K,16K,64K,1M", "message sizes")
)

// sample is one measurement.
type sample struct {
	ns, mbs     float64
	allocs, byt int64
}

type bcase struct {
	name   string // op/mode/kind/size
	op     string // compress or inflate
	mode   string // takeover or fresh
	kind   string // json or random
	size   int
	bench  map[*lib]func(b *testing.B)
	ratio  float64 // compressed/original, per library below
	ratios map[*lib]float64
}

func parseSize(s string) int {
	switch {
	case strings.HasSuffix(s, "K"):
		var n int
		fmt.Sscan(strings.TrimSuffix(s, "K"), &n)
		return n << 10
	case strings.HasSuffix(s, "M"):
		var n int
		fmt.Sscan(strings.TrimSuffix(s, "M"), &n)
		return n << 20
	}
	var n int
	fmt.Sscan(s, &n)
	return n
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprint(n)
}

// compressBench times deflater.compress on a stream of messages, as
// Writer.AppendFrame calls it (fresh = client_no_context_takeover).
func compressBench(l *lib, msgs [][]byte, fresh bool) func(b *testing.B) {
	return func(b *testing.B) {
		d := &deflater{lib: l}
		defer d.release()
		d.compress(msgs[len(msgs)-1], fresh) // the compressor exists: steady state
		b.SetBytes(int64(len(msgs[0])))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			c := d.compress(msgs[i%len(msgs)], fresh)
			if len(c) == 0 {
				b.Fatal("empty")
			}
		}
	}
}

// compressed returns msgs compressed by l as the wire Writer does (without the
// sync tail), and the ratio compressed/original.
func compressed(l *lib, msgs [][]byte, fresh bool) ([][]byte, float64) {
	d := &deflater{lib: l}
	defer d.release()
	out := make([][]byte, len(msgs))
	var in, n int
	for i, m := range msgs {
		out[i] = append([]byte(nil), d.compress(m, fresh)...)
		in += len(m)
		n += len(out[i])
	}
	return out, float64(n) / float64(in)
}

// inflateBench times inflater.inflate as Reader.inflateMessage calls it: the
// compressed bytes with the sync tail appended, into a reused buffer.
func inflateBench(l *lib, msgs, comp [][]byte, takeover bool) func(b *testing.B) {
	in := make([][]byte, len(comp))
	for i, c := range comp {
		in[i] = append(c[:len(c):len(c)], syncTail...)
	}
	return func(b *testing.B) {
		f := &inflater{lib: l}
		dst := make([]byte, 0, len(msgs[0]))
		// One pass checks the output, and leaves the inflater warm.
		for i := range in {
			out, err := f.inflate(dst[:0], in[i], takeover, 0)
			if err != nil || !bytes.Equal(out, msgs[i]) {
				b.Fatalf("%s: message %d does not inflate: %v", l.name, i, err)
			}
		}
		b.SetBytes(int64(len(msgs[0])))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// The stream loops: message 0 refers to nothing before it, so any
			// window is right for it.
			out, err := f.inflate(dst[:0], in[i%len(in)], takeover, 0)
			if err != nil || len(out) != len(dst[:cap(dst)]) {
				b.Fatal(err)
			}
		}
	}
}

func main() {
	testing.Init()
	flag.Parse()
	flag.Set("test.benchtime", benchtime.String())
	re := regexp.MustCompile(*run)

	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		sizes = append(sizes, parseSize(s))
	}

	// The cases. Inflation reads what a server at BestSpeed with
	// compress/flate sends (coder/websocket, the project's test server);
	// both libraries inflate the same bytes.
	var cases []*bcase
	for _, op := range []string{"compress", "inflate"} {
		for _, mode := range []string{"takeover", "fresh"} {
			for _, kind := range []string{"json", "random"} {
				for _, size := range sizes {
					c := &bcase{op: op, mode: mode, kind: kind, size: size, bench: map[*lib]func(*testing.B){}, ratios: map[*lib]float64{}}
					c.name = fmt.Sprintf("%s/%s/%s/%s", op, mode, kind, sizeName(size))
					if !re.MatchString(c.name) {
						continue
					}
					msgs := messages(kind, size)
					fresh := mode == "fresh"
					for _, l := range libs {
						comp, ratio := compressed(l, msgs, fresh)
						c.ratios[l] = ratio
						if op == "compress" {
							c.bench[l] = compressBench(l, msgs, fresh)
						} else if l == stdLib {
							for _, l2 := range libs {
								c.bench[l2] = inflateBench(l2, msgs, comp, !fresh)
							}
						}
					}
					cases = append(cases, c)
				}
			}
		}
	}

	fmt.Printf("flatecmp: %s %s/%s, GOMAXPROCS %d, %d rounds of %v per measurement, klauspost/compress %s\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), *rounds, *benchtime, kpVersion())

	samples := map[string]map[*lib][]sample{}
	start := time.Now()
	for r := 0; r < *rounds; r++ {
		order := libs
		if r%2 == 1 {
			order = []*lib{libs[1], libs[0]} // who goes first alternates
		}
		for _, c := range cases {
			if samples[c.name] == nil {
				samples[c.name] = map[*lib][]sample{}
			}
			for _, l := range order {
				runtime.GC()
				res := testing.Benchmark(c.bench[l])
				if res.N == 0 {
					fmt.Fprintf(os.Stderr, "%s %s: failed\n", c.name, l.name)
					os.Exit(1)
				}
				ns := float64(res.T.Nanoseconds()) / float64(res.N)
				samples[c.name][l] = append(samples[c.name][l], sample{
					ns: ns, mbs: float64(c.size) / ns * 1e3, allocs: res.AllocsPerOp(), byt: res.AllocedBytesPerOp(),
				})
			}
		}
		fmt.Fprintf(os.Stderr, "round %d/%d done (%v)\n", r+1, *rounds, time.Since(start).Round(time.Second))
	}

	fmt.Println()
	fmt.Println("Medians over the rounds. ratio: compressed/original (std | klauspost); k/s: klauspost's time over std's (< 1: klauspost faster).")
	fmt.Println()
	fmt.Printf("| %-30s | %10s | %10s | %8s | %8s | %5s | %12s | %12s | %13s |\n", "case", "std ns/op", "kp ns/op", "std MB/s", "kp MB/s", "k/s", "std allocs/B", "kp allocs/B", "ratio std|kp")
	fmt.Printf("|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 32), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 6), strings.Repeat("-", 13), strings.Repeat("-", 13), strings.Repeat("-", 14))
	for _, c := range cases {
		s, k := median(samples[c.name][stdLib]), median(samples[c.name][kpLib])
		fmt.Printf("| %-30s | %10.0f | %10.0f | %8.0f | %8.0f | %5.2f | %12s | %12s | %13s |\n", c.name, s.ns, k.ns, s.mbs, k.mbs, k.ns/s.ns,
			fmt.Sprintf("%d/%d", s.allocs, s.byt), fmt.Sprintf("%d/%d", k.allocs, k.byt),
			fmt.Sprintf("%.3f|%.3f", c.ratios[stdLib], c.ratios[kpLib]))
	}
	fmt.Println()
	fmt.Println("spread of ns/op over the rounds, (max-min)/median: median over the cases (worst case)")
	for _, l := range libs {
		var sp []float64
		for _, c := range cases {
			sp = append(sp, spread(samples[c.name][l]))
		}
		if len(sp) == 0 {
			break
		}
		slices.Sort(sp)
		fmt.Printf("%s: %.0f %% (%.0f %%)\n", l.name, 100*sp[len(sp)/2], 100*sp[len(sp)-1])
	}

	if *memN > 0 {
		fmt.Println()
		memory(*memN)
	}
	fmt.Println()
	ratios(sizes)
}

// ratios prints the compression ratio (compressed/original, over a stream of
// messages) of more kinds of content: encoded random bytes, where BestSpeed's
// matchers find nothing and only Huffman coding can shrink the message.
func ratios(sizes []int) {
	fmt.Println("Compression ratio, compressed/original (std | klauspost), of encoded random bytes; > 1: sent uncompressed when alone (fresh):")
	fmt.Println()
	fmt.Printf("| %-16s |", "kind/mode")
	for _, s := range sizes {
		fmt.Printf(" %13s |", sizeName(s))
	}
	fmt.Printf("\n|%s|%s\n", strings.Repeat("-", 18), strings.Repeat(strings.Repeat("-", 14)+":|", len(sizes)))
	for _, kind := range []string{"hex", "base64", "letters"} {
		for _, mode := range []string{"takeover", "fresh"} {
			fmt.Printf("| %-16s |", kind+"/"+mode)
			for _, size := range sizes {
				msgs := messages(kind, size)
				if len(msgs) > 64 {
					msgs = msgs[:64]
				}
				_, s := compressed(stdLib, msgs, mode == "fresh")
				_, k := compressed(kpLib, msgs, mode == "fresh")
				fmt.Printf(" %13s |", fmt.Sprintf("%.3f|%.3f", s, k))
			}
			fmt.Println()
		}
	}
}

func median(ss []sample) sample {
	pick := func(f func(sample) float64) float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return sample{
		ns:     pick(func(s sample) float64 { return s.ns }),
		mbs:    pick(func(s sample) float64 { return s.mbs }),
		allocs: int64(pick(func(s sample) float64 { return float64(s.allocs) })),
		byt:    int64(pick(func(s sample) float64 { return float64(s.byt) })),
	}
}

func spread(ss []sample) float64 {
	lo, hi := ss[0].ns, ss[0].ns
	for _, s := range ss {
		lo, hi = min(lo, s.ns), max(hi, s.ns)
	}
	return (hi - lo) / median(ss).ns
}

// heapInUse returns the heap's live bytes after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// memory prints what n live compressors and n live decompressors hold, each
// having handled one message (context takeover, as a connection keeps them
// between messages): for both libraries, in the same process, one after the
// other.
func memory(n int) {
	fmt.Printf("Memory held per live codec (heap after GC, %d of them, each after one message with context takeover):\n\n", n)
	fmt.Printf("| %-40s | %12s | %12s |\n", "what", "std", "klauspost")
	fmt.Printf("|%s|%s:|%s:|\n", strings.Repeat("-", 42), strings.Repeat("-", 13), strings.Repeat("-", 13))
	for _, size := range []int{1 << 10, 64 << 10} {
		msg := messages("json", size)[0]
		comp, _ := compressed(stdLib, [][]byte{msg}, false)
		in := append(comp[0], syncTail...)
		var per [4]map[*lib]float64
		for i := range per {
			per[i] = map[*lib]float64{}
		}
		for _, l := range libs {
			// Compressors: the flate writer and the deflater's output buffer.
			base := heapInUse()
			ds := make([]*deflater, n)
			for i := range ds {
				ds[i] = &deflater{lib: l}
				ds[i].compress(msg, false)
			}
			per[0][l] = float64(heapInUse()-base) / float64(n)
			for _, d := range ds {
				d.out = nil
			}
			per[1][l] = float64(heapInUse()-base) / float64(n)
			runtime.KeepAlive(ds)
			ds = nil

			// Decompressors: the flate reader and the inflater's 32 KiB window.
			base = heapInUse()
			fs := make([]*inflater, n)
			for i := range fs {
				fs[i] = &inflater{lib: l}
				if _, err := fs[i].inflate(make([]byte, 0, size), in, true, 0); err != nil {
					panic(err)
				}
			}
			per[2][l] = float64(heapInUse()-base) / float64(n)
			for _, f := range fs {
				f.window = nil
			}
			per[3][l] = float64(heapInUse()-base) / float64(n)
			runtime.KeepAlive(fs)
			fs = nil
		}
		sz := sizeName(size)
		rows := []string{
			"compressor (writer + output buffer), " + sz,
			"  of which the flate writer, " + sz,
			"decompressor (reader + 32 KiB window), " + sz,
			"  of which the flate reader, " + sz,
		}
		for i, r := range rows {
			fmt.Printf("| %-40s | %9.1f KiB | %9.1f KiB |\n", r, per[i][stdLib]/1024, per[i][kpLib]/1024)
		}
	}
}
