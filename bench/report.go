//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
)

// The results section of BENCHMARKS.md lies between these two lines; the rest of
// the file is prose that the bench command keeps.
const (
	beginMarker = "<!-- begin results: written by `go -C bench run .`; do not edit by hand -->"
	endMarker   = "<!-- end results -->"
)

// loadResults reads a results.json written by an earlier run; nil if there is none.
func loadResults(path string) *results {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var r results
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	return &r
}

// updateMarkdown replaces the results section of the file at path with md.
func updateMarkdown(path, md string) error {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		b = []byte("# Benchmarks\n\n" + beginMarker + "\n" + endMarker + "\n")
	} else if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no results section (%q … %q)", path, beginMarker, endMarker)
	}
	s = s[:i] + beginMarker + "\n\n" + md + "\n" + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

// stat is the median of one figure over the rounds.
func stat(ss []sample, f func(sample) float64) float64 {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		xs[i] = f(s)
	}
	return median(xs)
}

func nsOf(s sample) float64     { return s.NsPerOp }
func allocsOf(s sample) float64 { return s.AllocsPerOp }
func bytesOf(s sample) float64  { return s.BytesPerOp }

// pairedRatio is the median over the rounds of a[i]/b[i] (time ratio).
func pairedRatio(a, b []sample) float64 { return pairedRatioOf(a, b, nsOf) }

// pairedRatioOf is the median of the per-round ratios of f(a) to f(b).
func pairedRatioOf(a, b []sample, f func(sample) float64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return math.NaN()
	}
	xs := make([]float64, n)
	for i := range n {
		xs[i] = f(a[i]) / f(b[i])
	}
	return median(xs)
}

func fmtDur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fmtRate(ns float64, size int) string {
	perSec := 1e9 / ns
	mb := perSec * float64(size) / 1e6
	if perSec >= 1e4 {
		return fmt.Sprintf("%.0fk msg/s, %.1f MB/s", perSec/1e3, mb)
	}
	return fmt.Sprintf("%.0f msg/s, %.1f MB/s", perSec, mb)
}

// report renders the results as markdown.
func report(res *results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := res.Machine
	p("Run: `%s` — %d rounds; within each round every native sample is measured in %d slices, the libraries taking turns slice by slice in a shuffled order, each library taking its %d connections per workload in turn.\n\n", res.Command, res.Count, max(1, res.Slices), max(1, res.Conns))
	p("Machine: %s, %s CPUs (shared with other jobs: expect noise), %s RAM; Linux %s; %s; Node %s; %s.\n\n",
		m["cpu"], m["cpus"], m["memory"], m["kernel"], m["go"], m["node"], m["chromium"])

	p("### Targets\n\n")
	targetTable(&b, res)

	cols := append([]string{}, res.Libraries...)
	child := func(w workload) bool { return !w.InProc }
	inProc := func(w workload) bool { return w.InProc }
	node := len(res.Node) > 0
	for _, compress := range []bool{false, true} {
		for _, kind := range []string{"rtt", "recv", "send"} {
			speedTable(&b, res, cols, kind, compress, false, node)
		}
	}
	p("### Allocations\n\n")
	p("Allocations and bytes allocated per operation in the client process (a round trip is two messages; a streamed message is one), median; in brackets the difference to raw coder/websocket per message.\n\n")
	allocTable(&b, res, cols, child)

	if slices.ContainsFunc(res.Workloads, inProc) {
		p("### Echo server in the client's process\n\n")
		p("The same echo server handler, served by `net/http/httptest` on 127.0.0.1 inside the client's own process, as a Go integration test runs it: client and server share the process's %s CPUs and its scheduler. Same libraries and code as above.\n\n", m["cpus"])
		for _, compress := range []bool{false, true} {
			for _, kind := range []string{"rtt", "recv", "send"} {
				speedTable(&b, res, cols, kind, compress, true, false)
			}
		}
		p("### Allocations, in-process\n\n")
		p("As above, but the process is client and server together, so the counts include the server's allocations: the same work for every library, so the difference to raw coder/websocket (in brackets, per message) is still the client's.\n\n")
		allocTable(&b, res, cols, inProc)
	}

	cpuTable(&b, res)
	handOffTable(&b, res)

	if len(res.Idle) > 0 {
		p("### Idle sockets\n\n")
		p("Memory held per open idle socket (live heap + goroutine stacks after GC, over %d sockets in one client process, the server in another), median; in brackets the ratio to raw coder/websocket. Every socket can receive: each library's reading goroutine waits.\n\n", *flagIdle)
		header(&b, "compression", cols, false)
		for _, key := range []string{"off", "on"} {
			m := res.Idle[key]
			if m == nil {
				continue
			}
			base := idleMedian(m[baseline])
			p("| %s |", key)
			for _, c := range cols {
				st := idleMedian(m[c])
				p(" %s, %.1f goroutines", fmtBytes(st.BytesPerSocket), st.GoroutinesPerSocket)
				if c != baseline {
					p(" (%.2f×)", st.BytesPerSocket/base.BytesPerSocket)
				}
				p(" |")
			}
			p("\n")
		}
		p("\n")
	}

	if len(res.WASM) > 0 {
		p("### WASM in headless Chromium\n\n")
		p("The same page runs the same work through this package (GOOS=js), through a Go client written straight on `syscall/js` (what a Go program without the package would write in the browser: `rawSocket` in `bench/wasm`; the WASM baseline, as raw coder/websocket is natively), and through plain JavaScript `WebSocket` code, against the same echo server, all sending the same bytes. In brackets: throughput as a fraction of plain JavaScript's, and for browserws also of the raw `syscall/js` client's (higher is better; the target asks ≥ 1.00× raw on every workload).\n\n")
		p("| workload | plain JavaScript | syscall/js (raw) | browserws (wasm) |\n|---|---|---|---|\n")
		keys := make([]string, 0, len(res.WASM))
		for k := range res.WASM {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return workloadLess(res, keys[i], keys[j]) })
		for _, k := range keys {
			js, raw, gw := res.WASM[k]["JavaScript"], res.WASM[k][wasmRaw], res.WASM[k]["browserws (wasm)"]
			rawCell := "—"
			vsRaw := ""
			if len(raw) > 0 {
				rawCell = fmt.Sprintf("%s (%.2f×)", fmtDur(stat(raw, nsOf)), 1/pairedRatio(raw, js))
				vsRaw = fmt.Sprintf(", %.2f× raw", 1/pairedRatio(gw, raw))
			}
			p("| %s | %s | %s | %s (%.2f×%s) |\n", k, fmtDur(stat(js, nsOf)), rawCell, fmtDur(stat(gw, nsOf)), 1/pairedRatio(gw, js), vsRaw)
		}
		p("\n")
	}
	if before := loadResults(*flagBefore); before != nil {
		p("### browserws before and after the optimizations\n\n")
		p("browserws's ratios to raw coder/websocket in `bench/%s` (measured before any optimization, with the same harness, except that its senders polled bufferedAmount every 50 µs) and in this run. Round trips: time ratio (lower is better); streaming: throughput ratio (higher is better); allocations: extra allocations per message.\n\n", *flagBefore)
		p("| workload | ratio before | ratio now | extra allocs/msg before | now |\n|---|---|---|---|---|\n")
		for _, w := range res.Workloads {
			k := w.String()
			bm, nm := before.Samples[k], res.Samples[k]
			if bm == nil || nm == nil {
				continue
			}
			rb, rn := pairedRatio(bm["browserws"], bm[baseline]), pairedRatio(nm["browserws"], nm[baseline])
			if w.Kind != "rtt" {
				rb, rn = 1/rb, 1/rn
			}
			ab := (stat(bm["browserws"], allocsOf) - stat(bm[baseline], allocsOf)) / msgsPerOp(w)
			an := (stat(nm["browserws"], allocsOf) - stat(nm[baseline], allocsOf)) / msgsPerOp(w)
			p("| %s | %.2f× | %.2f× | %+.1f | %+.1f |\n", k, rb, rn, ab, an)
		}
		for _, key := range []string{"off", "on"} {
			bi, ni := before.Idle[key], res.Idle[key]
			if bi == nil || ni == nil {
				continue
			}
			p("| idle memory, compression %s | %.2f× (%.1f goroutines) | %.2f× (%.1f goroutines) | | |\n", key,
				idleMedian(bi["browserws"]).BytesPerSocket/idleMedian(bi[baseline]).BytesPerSocket, idleMedian(bi["browserws"]).GoroutinesPerSocket,
				idleMedian(ni["browserws"]).BytesPerSocket/idleMedian(ni[baseline]).BytesPerSocket, idleMedian(ni["browserws"]).GoroutinesPerSocket)
		}
		p("\n")
	}
	if len(res.Errors) > 0 {
		p("### Errors in this run\n\n")
		for _, e := range res.Errors {
			p("- %s\n", e)
		}
		p("\n")
	}
	p("![Round-trip time by message size](bench/results/rtt.png)\n")
	return b.String()
}

// speedTable writes the table of one kind of workload ("rtt": time per round trip;
// "recv", "send": throughput) at one compression setting, for the child-process
// server or the in-process one.
func speedTable(b *strings.Builder, res *results, cols []string, kind string, compress, inProc, node bool) {
	var ws []workload
	for _, w := range res.Workloads {
		if w.Kind == kind && w.Compress == compress && w.InProc == inProc {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return
	}
	where := ""
	if inProc {
		where = "In-process "
	}
	if kind == "rtt" {
		fmt.Fprintf(b, "### %s, compression %s\n\n", upperFirst(where+"round trip"), onOff(compress))
		fmt.Fprintf(b, "Time for one message to go to the echo server and back (median); in brackets the ratio to raw coder/websocket in the same rounds (lower is better).\n\n")
	} else {
		what := map[string]string{
			"recv": "server → client: the server writes messages as fast as it can, the client counts them",
			"send": "client → server: the client sends as fast as it can (browserws, Node and the browser stay under 4 MiB of bufferedAmount, checked every millisecond), the server counts",
		}[kind]
		fmt.Fprintf(b, "### %s %s, compression %s\n\n", upperFirst(where+"streaming"), kind, onOff(compress))
		fmt.Fprintf(b, "One-way, many messages in flight (%s). Throughput (median); in brackets the throughput ratio to raw coder/websocket (higher is better).\n\n", what)
	}
	header(b, "size", cols, node)
	for _, w := range ws {
		if kind == "rtt" {
			row(b, res, w, func(ss []sample) string { return fmtDur(stat(ss, nsOf)) }, false, node)
		} else {
			size := w.Size
			row(b, res, w, func(ss []sample) string { return fmtRate(stat(ss, nsOf), size) }, true, node)
		}
	}
	fmt.Fprintf(b, "\n")
}

// allocTable writes allocations per operation of the workloads keep accepts.
func allocTable(b *strings.Builder, res *results, cols []string, keep func(workload) bool) {
	header(b, "workload", cols, false)
	for _, w := range res.Workloads {
		if !keep(w) {
			continue
		}
		m := res.Samples[w.String()]
		base := m[baseline]
		fmt.Fprintf(b, "| %s |", w)
		for _, c := range cols {
			a, by := stat(m[c], allocsOf), stat(m[c], bytesOf)
			if c == baseline {
				fmt.Fprintf(b, " %.1f allocs, %s |", a, fmtBytes(by))
				continue
			}
			d := (a - stat(base, allocsOf)) / msgsPerOp(w)
			fmt.Fprintf(b, " %.1f allocs (%+.1f), %s |", a, d, fmtBytes(by))
		}
		fmt.Fprintf(b, "\n")
	}
	fmt.Fprintf(b, "\n")
}

// cpuTable writes what each operation cost the client process in CPU time (user
// and system, getrusage), as a ratio to raw coder/websocket's in the same rounds:
// browserws's and the A/A control's. It is a measure of the package's cost that
// does not depend, as throughput does, on whether a faster reader catches up with
// its server and parks (BENCHMARKS.md, "Profiles"); in-process it includes the
// server's work, the same for every client. Reported, no target.
func cpuTable(b *strings.Builder, res *results) {
	cols := []string{"browserws"}
	if slices.Contains(res.Variants, rawControl) {
		cols = append(cols, rawControl)
	}
	var ws []workload
	for _, w := range res.Workloads {
		if m := res.Samples[w.String()]; len(m[baseline]) > 0 && m[baseline][0].CPUPerOp > 0 {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(b, "### CPU time per operation\n\n")
	fmt.Fprintf(b, "CPU time (user and system) of the whole client process per operation, raw coder/websocket's median, and the median of the per-round ratios to it for browserws and for the A/A control (lower is cheaper). In-process the process is client and server together. Reported, no target: a cost that does not depend, as throughput does, on whether a faster reader catches up with its server and parks.\n\n")
	header(b, "workload", append([]string{baseline}, cols...), false)
	cpu := func(s sample) float64 { return s.CPUPerOp }
	for _, w := range ws {
		m := res.Samples[w.String()]
		fmt.Fprintf(b, "| %s | %s |", w, fmtDur(stat(m[baseline], cpu)))
		for _, c := range cols {
			fmt.Fprintf(b, " %.2f× |", pairedRatioOf(m[c], m[baseline], cpu))
		}
		fmt.Fprintf(b, "\n")
	}
	fmt.Fprintf(b, "\n")
}

// handOffTable writes the round trips of the variants (library.only) next to
// browserws's listener-driven ones and the baseline, on the workloads they ran.
func handOffTable(b *strings.Builder, res *results) {
	if len(res.Variants) == 0 {
		return
	}
	variants := slices.DeleteFunc(slices.Clone(res.Variants), func(v string) bool { return v == rawControl })
	if len(variants) == 0 {
		return
	}
	cols := append([]string{baseline, "browserws"}, variants...)
	var ws []workload
	for _, w := range res.Workloads {
		m := res.Samples[w.String()]
		if slices.ContainsFunc(variants, func(v string) bool { return len(m[v]) > 0 }) {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(b, "### The caller's own hand-off\n\n")
	fmt.Fprintf(b, "Round trips written two ways with browserws: as JavaScript writes them (\"browserws\": the message listener sends the next message) and as \"Send, then wait on a channel the listener feeds\" (%q: the caller's goroutine must be woken for every echo). Time per round trip (median); in brackets the ratio to raw coder/websocket in the same rounds (lower is better). Reported only: the targets are for listener-driven code.\n\n", sendWait)
	header(b, "workload", cols, false)
	for _, w := range ws {
		m := res.Samples[w.String()]
		fmt.Fprintf(b, "| %s |", w)
		for _, c := range cols {
			switch {
			case len(m[c]) == 0:
				fmt.Fprintf(b, " – |")
			case c == baseline:
				fmt.Fprintf(b, " %s |", fmtDur(stat(m[c], nsOf)))
			default:
				fmt.Fprintf(b, " %s (%.2f×) |", fmtDur(stat(m[c], nsOf)), pairedRatio(m[c], m[baseline]))
			}
		}
		fmt.Fprintf(b, "\n")
	}
	fmt.Fprintf(b, "\n")
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func workloadLess(res *results, a, b string) bool {
	ia, ib := len(res.Workloads), len(res.Workloads)
	for i, w := range res.Workloads {
		if w.String() == a {
			ia = i
		}
		if w.String() == b {
			ib = i
		}
	}
	if ia != ib {
		return ia < ib
	}
	return a < b
}

func msgsPerOp(w workload) float64 {
	if w.Kind == "rtt" {
		return 2
	}
	return 1
}

func idleMedian(ss []idleStat) idleStat {
	var b, g []float64
	for _, s := range ss {
		b = append(b, s.BytesPerSocket)
		g = append(g, s.GoroutinesPerSocket)
	}
	return idleStat{BytesPerSocket: median(b), GoroutinesPerSocket: median(g)}
}

func fmtBytes(n float64) string {
	switch {
	case math.Abs(n) >= 1<<20:
		return fmt.Sprintf("%.2f MiB", n/(1<<20))
	case math.Abs(n) >= 10<<10:
		return fmt.Sprintf("%.1f KiB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}

func header(b *strings.Builder, first string, cols []string, node bool) {
	fmt.Fprintf(b, "| %s |", first)
	for _, c := range cols {
		fmt.Fprintf(b, " %s |", c)
	}
	if node {
		fmt.Fprintf(b, " Node WebSocket |")
	}
	fmt.Fprintf(b, "\n|---|")
	for range cols {
		fmt.Fprintf(b, "---|")
	}
	if node {
		fmt.Fprintf(b, "---|")
	}
	fmt.Fprintf(b, "\n")
}

// row writes one table row: each library's figure, and its ratio to the baseline
// (a time ratio, or with throughput its inverse).
func row(b *strings.Builder, res *results, w workload, cell func([]sample) string, throughput, node bool) {
	m := res.Samples[w.String()]
	base := m[baseline]
	fmt.Fprintf(b, "| %s |", sizeName(w.Size))
	ratio := func(ss []sample) float64 {
		r := pairedRatio(ss, base)
		if throughput {
			r = 1 / r
		}
		return r
	}
	for _, name := range res.Libraries {
		ss := m[name]
		if name == baseline {
			fmt.Fprintf(b, " %s |", cell(ss))
			continue
		}
		fmt.Fprintf(b, " %s (%.2f×) |", cell(ss), ratio(ss))
	}
	if node {
		if ss := res.Node[w.String()]; len(ss) > 0 {
			fmt.Fprintf(b, " %s (%.2f×) |", cell(ss), ratio(ss))
		} else {
			fmt.Fprintf(b, " – |")
		}
	}
	fmt.Fprintf(b, "\n")
}

// How a target's verdict is reached (target.rule).
const (
	ruleAA    = "A/A" // browserws meets it in at least as many cases as the A/A control
	ruleEvery = "every case"
	ruleOne   = "one figure"
)

type target struct {
	name, value string
	good, n     int    // cases that meet the target, of how many
	rule        string // ruleAA, ruleEvery or ruleOne
	ok          bool   // for ruleAA: every case holds (the verdict needs the control: targetTable)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// targetTable writes the targets and whether browserws holds them. A target of
// the A/A rule holds when browserws meets it in at least as many cases as the A/A
// control (rawControl) in the same run; without the control in the run (-libs),
// when it meets it in every case.
func targetTable(b *strings.Builder, res *results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	control := map[string]target{}
	if slices.Contains(res.Variants, rawControl) {
		for _, t := range targets(res, rawControl) {
			control[t.name] = t
		}
	}
	if len(control) > 0 {
		p("Rule %s (the native speed targets): a target holds when browserws meets it in at least as many cases as the A/A control meets it in the same run. The control is a second raw coder/websocket client (%q), measured in every round like the others against raw coder/websocket: two clients running the same code differ only by the harness's noise, so a case the control misses too says nothing about the package. ", ruleAA, rawControl)
	} else {
		p("Rule %s (the native speed targets): a target holds when browserws meets it in at least as many cases as the A/A control (a second raw coder/websocket client) meets it in the same run. This run measured no control, so here they hold only when every case holds. ", ruleAA)
	}
	p("Rule %s: the allocation targets hold when every case holds (allocation counts are not noisy). Idle memory is one figure (compression off). WASM: the page has no A/A control, so the target holds when browserws's throughput is at least 1.00× the raw `syscall/js` client's on every workload, each figure the median of the per-round ratios. Ratios are medians of the per-round ratios; \"worst\" is the worst case over sizes and compression settings.\n\n", ruleEvery)
	p("| target | rule | browserws | A/A control | holds |\n|---|---|---|---|---|\n")
	for _, t := range targets(res, "browserws") {
		ok := t.ok
		cv := "–"
		if c, have := control[t.name]; have {
			cv = c.value
			if t.rule == ruleAA {
				ok = t.good >= c.good
			}
		}
		p("| %s | %s | %s | %s | %s |\n", t.name, t.rule, t.value, cv, yesNo(ok))
	}
	p("\n")
}

// targets checks the goals of issues #5 and #14 against the measured medians of
// lib (browserws, or the A/A control rawControl; not the other variants), taking
// the worst case over sizes and compression settings; the child-process and the
// in-process workloads are checked apart. A target none of whose workloads ran
// (-run, -inproc=false) is left out. The idle-memory and WASM targets are
// browserws's only.
func targets(res *results, lib string) []target {
	var ts []target
	// ratio target: the worst lib/baseline ratio over the workloads keep
	// accepts (a throughput ratio if throughput), and how many of them meet ok.
	ratio := func(name string, keep func(workload) bool, throughput bool, ok func(float64) bool) {
		w0, at, n, good := math.NaN(), "", 0, 0
		for _, w := range res.Workloads {
			if !keep(w) {
				continue
			}
			m := res.Samples[w.String()]
			r := pairedRatio(m[lib], m[baseline])
			if throughput {
				r = 1 / r
			}
			n++
			if ok(r) {
				good++
			}
			if math.IsNaN(w0) || (throughput && r < w0) || (!throughput && r > w0) {
				w0, at = r, w.String()
			}
		}
		if n > 0 {
			ts = append(ts, target{name, fmt.Sprintf("worst %.2f× (%s); %d of %d cases hold", w0, at, good, n), good, n, ruleAA, good == n})
		}
	}
	allocs := func(name string, keep func(workload) bool) {
		extra, at, n, good := math.Inf(-1), "", 0, 0
		for _, w := range res.Workloads {
			if !keep(w) {
				continue
			}
			m := res.Samples[w.String()]
			d := (stat(m[lib], allocsOf) - stat(m[baseline], allocsOf)) / msgsPerOp(w)
			n++
			if d <= 1.05 {
				good++
			}
			if d > extra {
				extra, at = d, w.String()
			}
		}
		if n > 0 {
			ts = append(ts, target{name, fmt.Sprintf("worst %+.1f (%s); %d of %d cases hold", extra, at, good, n), good, n, ruleEvery, good == n})
		}
	}
	kind := func(inProc bool, kinds ...string) func(workload) bool {
		return func(w workload) bool { return w.InProc == inProc && slices.Contains(kinds, w.Kind) }
	}
	atMost := func(x float64) func(float64) bool { return func(r float64) bool { return r <= x } }
	atLeast := func(x float64) func(float64) bool { return func(r float64) bool { return r >= x } }
	ratio("round trip ≤ 1.05× raw coder/websocket", kind(false, "rtt"), false, atMost(1.05))
	ratio("streaming ≥ 0.95× raw", kind(false, "recv", "send"), true, atLeast(0.95))
	ratio("64 KiB and 1 MiB receives ≥ 1.0× raw", func(w workload) bool {
		return !w.InProc && w.Kind == "recv" && (w.Size == 64<<10 || w.Size == 1<<20)
	}, true, atLeast(1.0))
	allocs("≤ 1 extra allocation per message", func(w workload) bool { return !w.InProc })
	ratio("in-process round trip ≤ 1.05× raw", kind(true, "rtt"), false, atMost(1.05))
	ratio("in-process streaming ≥ 0.95× raw", kind(true, "recv", "send"), true, atLeast(0.95))
	allocs("in-process ≤ 1 extra allocation per message", func(w workload) bool { return w.InProc })
	if lib != "browserws" {
		return ts
	}
	if m := res.Idle["off"]; m != nil {
		ir := idleMedian(m["browserws"]).BytesPerSocket / idleMedian(m[baseline]).BytesPerSocket
		ok := ir <= 1.0
		ts = append(ts, target{"idle socket memory ≤ 1.0× raw", fmt.Sprintf("%.2f× (compression off)", ir), b2i(ok), 1, ruleOne, ok})
	}
	if t, ok := wasmTarget(res); ok {
		ts = append(ts, t)
	}
	return ts
}

// wasmTarget checks "WASM ≥ raw syscall/js client on every workload": on each
// workload the median of the per-round throughput ratios of browserws (wasm) to
// the raw syscall/js client must be at least 1.00. ok is false if the WASM bench
// did not run (or measured no raw client).
func wasmTarget(res *results) (target, bool) {
	wr, at, n, good := math.Inf(1), "", 0, 0
	keys := make([]string, 0, len(res.WASM))
	for k := range res.WASM {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := res.WASM[k]
		if len(m[wasmRaw]) == 0 || len(m["browserws (wasm)"]) == 0 {
			continue
		}
		r := 1 / pairedRatio(m["browserws (wasm)"], m[wasmRaw])
		n++
		if r >= 1.0 {
			good++
		}
		if r < wr {
			wr, at = r, k
		}
	}
	if n == 0 {
		return target{}, false
	}
	return target{"WASM ≥ raw syscall/js client on every workload (throughput)", fmt.Sprintf("worst %.2f× (%s); %d of %d cases hold", wr, at, good, n), good, n, ruleEvery, good == n}, true
}

func b2i(ok bool) int {
	if ok {
		return 1
	}
	return 0
}
