package main

// The randomized differential (-random N): N random server scripts (randgen.go),
// each played by the test server's /script endpoint to Chromium's WebSocket (the
// reference) and to the package natively; the traces must be the same.
//
// Traces hold no times, with one exception: a client that fires close only after
// a timer where Chromium fires it at once must show. The harness appends a
// "timing" entry that buckets when the close event came, counted from the
// constructor minus the script's own pauses: under 1 s, or 1 s and more. The
// scripts pause for at most a few hundred milliseconds and a local handshake
// takes milliseconds, while the timers that matter (Chromium's 2 s wait for the
// server to close TCP, the package's 2-5 s wait after failing a connection) are
// far above 1 s, so the bucket does not depend on the machine's speed.
//
// A differing script is played once more in both runtimes: when Chromium's trace
// changes, or the second run agrees, the script is "unstable" (its outcome
// depends on timing) and is listed apart, without failing the run. Stable
// differences are then shrunk (-minimize): the script's items are dropped one by
// one, last first, keeping each drop after which the script still differs with
// the same first differing lines.
//
// Chromium decides per read where the package decides per frame: when a frame
// Chromium's network process refuses (a control frame over 125 bytes or not
// FIN, a huge or non-minimal length, corrupt deflate data) comes in the same TCP
// read as earlier frames, Chromium fails the whole read: the earlier messages are
// never delivered, its close reason is "WebSocket Protocol Error" even when an
// earlier frame of the read broke another rule, and what a listener of an
// earlier message sent never leaves. The package takes the frames one by one in
// order, whatever the reads (a requirement: its verdicts must not depend on how
// the bytes are split). So a stable difference of a script that writes several
// frames at once is played again as its split variant (splitVariant: each frame
// in a write of its own, gapMS ms apart), twice. When, both times, Chromium's
// trace of the variant and the package's are the package's trace of the
// original, the script is listed apart ("Chromium decides per read") and does
// not fail the run. This is sound: the package gives the same verdict for both
// split patterns (checked, not assumed), and Chromium gives that verdict too once
// the frames come in separate reads, so the only difference left is Chromium's
// read-wide failure. The test is about reads, not about that failure only: it
// also sets apart other ways in which Chromium's outcome depends on what came
// in one read (e.g. its network process answers a ping of a read before the
// renderer's listener of an earlier message of that read closes). Anything
// else, including a variant that still differs, stays a difference. These
// scripts are not shrunk.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/browserws/websocket/conformance/scenario"
	"github.com/browserws/websocket/internal/wstest"
	"github.com/google/go-cmp/cmp"
)

var (
	flagRandom     = flag.Int("random", 0, "run only the randomized differential (random.go) with this many random server scripts")
	flagSeed       = flag.Uint64("seed", 1, "with -random: the scripts' seed (script n of a seed is always the same)")
	flagRandomPick = flag.String("random-pick", "", "with -random: only these script numbers, comma-separated (to replay one)")
	flagReportOnly = flag.Bool("report-only", false, "with -random: exit 0 even when scripts differ")
	flagMinimize   = flag.Bool("minimize", true, "with -random: shrink each stable difference before printing it")
)

// randomTimeoutMS is how long a driver waits for the close event of a script.
const randomTimeoutMS = 6000

// outcome is what one play of a script showed.
type outcome struct {
	ref, got []scenario.Entry // Chromium's trace and the package's
}

// differs tells whether the traces differ.
func (o outcome) differs() bool { return !cmp.Equal(o.ref, o.got) }

// diff is the traces' line diff ("-" Chromium, "+" the package).
func (o outcome) diff() string { return lineDiff(formatTrace(o.ref), formatTrace(o.got)) }

// dataField matches the data of an entry, left out of a difference's signature.
var dataField = regexp.MustCompile(` data="(?:[^"\\]|\\.)*"`)

// signature is a difference in short: its first line from Chromium and its first
// line from the package, without message data.
func (o outcome) signature() string {
	var minus, plus string
	for _, l := range strings.Split(o.diff(), "\n") {
		if minus == "" && strings.HasPrefix(l, "- ") {
			minus = l
		}
		if plus == "" && strings.HasPrefix(l, "+ ") {
			plus = l
		}
	}
	return dataField.ReplaceAllString(minus+"\n"+plus, "")
}

// randomRun holds what every play of scripts needs.
type randomRun struct {
	srv   *server
	br    *chromium
	plays int // plays so far, for unique ids
}

// runRandom is -random: generate the scripts, play them, recheck and shrink the
// differences, print them and the summary.
func runRandom() (int, error) {
	var scripts []script
	if *flagRandomPick != "" {
		for _, f := range strings.Split(*flagRandomPick, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return 0, fmt.Errorf("-random-pick: %v", err)
			}
			scripts = append(scripts, generate(*flagSeed, n))
		}
	} else {
		for n := range *flagRandom {
			scripts = append(scripts, generate(*flagSeed, n))
		}
	}
	srv, err := startServer("", "")
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	br, err := startChromium(context.Background(), *flagChromium)
	if err != nil {
		return 0, err
	}
	defer br.close()
	r := &randomRun{srv: srv, br: br}
	logf("random: %d scripts, seed %d; Chromium %s", len(scripts), *flagSeed, br.version)

	first, err := r.play(scripts)
	if err != nil {
		return 0, err
	}
	if *flagVerbose {
		for i, o := range first {
			fmt.Printf("--- script %d:\n%s\n  trace (- chromium, + native):\n%s\n", scripts[i].n, indent(scripts[i].String()), indent(indent(o.diff())))
		}
	}
	var suspects []script
	for i, o := range first {
		if o.differs() {
			suspects = append(suspects, scripts[i])
		}
	}
	again, err := r.play(suspects)
	if err != nil {
		return 0, err
	}
	var diffs, unstable []script
	var outs []outcome
	k := 0
	for i, o := range first {
		if !o.differs() {
			continue
		}
		a := again[k]
		k++
		if !cmp.Equal(o.ref, a.ref) || !a.differs() || o.signature() != a.signature() {
			unstable = append(unstable, scripts[i])
			continue
		}
		diffs = append(diffs, scripts[i])
		outs = append(outs, o)
	}
	diffs, outs, perRead, perReadOuts, err := r.splitReads(diffs, outs)
	if err != nil {
		return 0, err
	}
	if *flagMinimize && len(diffs) > 0 {
		if diffs, outs, err = r.minimize(diffs, outs); err != nil {
			return 0, err
		}
	}
	printRandom(os.Stdout, diffs, outs, unstable)
	printPerRead(os.Stdout, perRead, perReadOuts)
	agree := len(scripts) - len(diffs) - len(perRead) - len(unstable)
	fmt.Printf("random: %d of %d agree, %d differ only where Chromium decides per read (split variant agrees), %d differ, %d unstable (seed %d)\n",
		agree, len(scripts), len(perRead), len(diffs), len(unstable), *flagSeed)
	if len(diffs) > 0 && !*flagReportOnly {
		return 1, nil
	}
	return 0, nil
}

// play runs scripts in Chromium and natively and returns each one's outcome.
func (r *randomRun) play(scripts []script) ([]outcome, error) {
	if len(scripts) == 0 {
		return nil, nil
	}
	r.plays++
	scsFor := func(rt string) []scenario.Scenario {
		scs := make([]scenario.Scenario, len(scripts))
		for i, s := range scripts {
			scs[i] = scenario.Scenario{Name: fmt.Sprintf("random %d", s.n),
				URL:       r.srv.ws + "/script?" + s.query() + "&id=" + randomID(rt, r.plays, i),
				Protocols: s.protocols, OnOpen: s.onOpen, OnMessage: s.onMessage, TimeoutMS: randomTimeoutMS}
		}
		return scs
	}
	env := scenario.Env{WS: r.srv.ws, Runtime: rtChromium}
	var ref []scenario.Trace
	const chunk = 40 // each call of runJS must end within runTimeout
	all := jsScenarios(scsFor(rtChromium), env)
	for i := 0; i < len(all); i += chunk {
		trs, err := r.br.runJS(r.srv, all[i:min(i+chunk, len(all))], *flagParallel)
		if err != nil {
			return nil, fmt.Errorf("JavaScript in Chromium: %w", err)
		}
		ref = append(ref, trs...)
	}
	// The package's runs mostly wait, so run more of them at once.
	got := scenario.RunAll(env, scsFor(rtNative), 2**flagParallel)
	out := make([]outcome, len(scripts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, s := range scripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = outcome{ref: r.finish(s, ref[i], randomID(rtChromium, r.plays, i)),
				got: r.finish(s, got[i], randomID(rtNative, r.plays, i))}
		}()
	}
	wg.Wait()
	return out, nil
}

// randomID is the id parameter of script i of a play in a runtime.
func randomID(rt string, play, i int) string { return fmt.Sprintf("%s-r%d-%d", rt, play, i) }

// finish makes a trace comparable: it drops the URL (long, and the runtime's id
// is in it), writes the server's address as HOST, and appends the timing entry
// and what the server received.
func (r *randomRun) finish(s script, tr scenario.Trace, id string) []scenario.Entry {
	host := strings.TrimPrefix(r.srv.ws, "ws://")
	es := append([]scenario.Entry(nil), tr.Entries...)
	closed := false
	for i := range es {
		es[i].URL = ""
		es[i].Origin = strings.ReplaceAll(es[i].Origin, host, "HOST")
		closed = closed || es[i].Event == "close"
	}
	if closed {
		bucket := "close event under 1 s after the script's writes"
		if tr.ElapsedMS-s.pauseMS() >= 1000 {
			bucket = "close event 1 s or more after the script's writes"
		}
		es = append(es, scenario.Entry{Event: "timing", Action: bucket, ReadyState: 3})
	}
	return append(es, fetchRecord(r.srv, id))
}

// fetchRecord is the "server" entry of a script: the close code and reason the
// server received from the client (-1: none) and, as data, the other frames it
// got before it.
func fetchRecord(s *server, id string) scenario.Entry {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(s.http + "/record?wait_ms=3000&id=" + id)
	if err != nil {
		return scenario.Entry{Event: "server", Reason: "(error: " + err.Error() + ")"}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return scenario.Entry{Event: "server", Reason: "(no record)"}
	}
	var rec wstest.Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return scenario.Entry{Event: "server", Reason: fmt.Sprintf("(bad record %q)", b)}
	}
	return scenario.Entry{Event: "server", Code: rec.Code, Reason: rec.Reason, Data: orDefault(rec.Err, "no other frames")}
}

// splitReads sets apart the stable differences that come only from Chromium
// deciding per read (see the top of the file): those of scripts with a write of
// several frames whose split variant, played twice, gives in both runtimes the
// package's trace of the original script. It returns the other differences and
// those set apart, each with its outcome.
func (r *randomRun) splitReads(scripts []script, outs []outcome) (rest []script, restOuts []outcome, perRead []script, perReadOuts []outcome, err error) {
	var idx []int // of the scripts that have a split variant
	var vars []script
	for i, s := range scripts {
		if v, ok := splitVariant(s); ok {
			idx, vars = append(idx, i), append(vars, v)
		}
	}
	agrees := make([]bool, len(scripts))
	for play := range 2 { // the second play only of the variants that agreed
		if len(vars) == 0 {
			break
		}
		logf("random: playing %d split variants (%d of 2)", len(vars), play+1)
		res, err := r.play(vars)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		var idx2 []int
		var vars2 []script
		for k, i := range idx {
			want := outs[i].got
			agrees[i] = cmp.Equal(res[k].ref, want) && cmp.Equal(res[k].got, want)
			if agrees[i] {
				idx2, vars2 = append(idx2, i), append(vars2, vars[k])
			}
		}
		idx, vars = idx2, vars2
	}
	for i, s := range scripts {
		if agrees[i] {
			perRead, perReadOuts = append(perRead, s), append(perReadOuts, outs[i])
		} else {
			rest, restOuts = append(rest, s), append(restOuts, outs[i])
		}
	}
	return rest, restOuts, perRead, perReadOuts, nil
}

// minimize shrinks each differing script: in rounds, each script tries its next
// reduction (shrink), all scripts at once; a reduction is kept when the script
// still differs stably with the same signature.
func (r *randomRun) minimize(scripts []script, outs []outcome) ([]script, []outcome, error) {
	sigs := make([]string, len(scripts))
	nItems := make([]int, len(scripts))
	rounds := 0
	for i := range scripts {
		sigs[i], nItems[i] = outs[i].signature(), len(scripts[i].items)
		rounds = max(rounds, nItems[i]+2)
	}
	for step := range rounds {
		var idx []int
		var cands []script
		for i, s := range scripts {
			if c, ok := shrink(s, step, nItems[i]); ok {
				idx, cands = append(idx, i), append(cands, c)
			}
		}
		if len(cands) == 0 {
			continue
		}
		logf("random: shrinking, round %d of %d: %d candidates", step+1, rounds, len(cands))
		res, err := r.play(cands)
		if err != nil {
			return nil, nil, err
		}
		var keep []int
		for j, o := range res {
			if o.differs() && o.signature() == sigs[idx[j]] {
				keep = append(keep, j)
			}
		}
		// A reduction must show the same difference twice.
		var twice []script
		for _, j := range keep {
			twice = append(twice, cands[j])
		}
		res2, err := r.play(twice)
		if err != nil {
			return nil, nil, err
		}
		for k, j := range keep {
			if cmp.Equal(res[j].ref, res2[k].ref) && res2[k].signature() == sigs[idx[j]] {
				scripts[idx[j]], outs[idx[j]] = cands[j], res[j]
			}
		}
	}
	return scripts, outs, nil
}

// shrink is reduction number step of a script that had n items: steps 0 to n-1
// drop item n-1-step (items after it were dropped or kept by earlier steps, so
// its index is still n-1-step), step n drops the message handler's actions,
// step n+1 the open handler's (but binaryType). ok is false when the step
// changes nothing.
func shrink(s script, step, n int) (script, bool) {
	switch {
	case step < n:
		j := n - 1 - step
		s.items = append(append([]item(nil), s.items[:j]...), s.items[j+1:]...)
		return s, true
	case step == n && len(s.onMessage) > 0:
		s.onMessage = nil
		return s, true
	case step == n+1 && len(s.onOpen) > 1:
		s.onOpen = s.onOpen[:1]
		return s, true
	}
	return s, false
}

// printRandom prints the differing scripts grouped by signature, then the
// unstable ones.
func printRandom(w io.Writer, scripts []script, outs []outcome, unstable []script) {
	groups := map[string][]int{}
	for i, o := range outs {
		groups[o.signature()] = append(groups[o.signature()], i)
	}
	sigs := make([]string, 0, len(groups))
	for sig := range groups {
		sigs = append(sigs, sig)
	}
	sort.Slice(sigs, func(a, b int) bool { return len(groups[sigs[a]]) > len(groups[sigs[b]]) })
	for g, sig := range sigs {
		is := groups[sig]
		fmt.Fprintf(w, "=== difference %d (%d scripts), first lines:\n%s\n", g+1, len(is), indent(sig))
		for _, i := range is {
			fmt.Fprintf(w, "--- script %d (-seed %d -random-pick %d):\n%s\n", scripts[i].n, *flagSeed, scripts[i].n, indent(scripts[i].String()))
			fmt.Fprintf(w, "  trace (- chromium, + native):\n%s\n", indent(indent(outs[i].diff())))
		}
	}
	if len(unstable) > 0 {
		var ns []string
		for _, s := range unstable {
			ns = append(ns, strconv.Itoa(s.n))
		}
		fmt.Fprintf(w, "=== unstable (the outcome changed between two plays): scripts %s\n", strings.Join(ns, ", "))
	}
}

// printPerRead prints the scripts that differ only where Chromium decides per
// read, with the traces of the original script.
func printPerRead(w io.Writer, scripts []script, outs []outcome) {
	if len(scripts) == 0 {
		return
	}
	fmt.Fprintf(w, "=== Chromium decides per read (%d scripts): with each frame in a write of its own, Chromium gives the native trace (+), and native gives it for both splits\n", len(scripts))
	for i, s := range scripts {
		fmt.Fprintf(w, "--- script %d (-seed %d -random-pick %d):\n%s\n", s.n, *flagSeed, s.n, indent(s.String()))
		fmt.Fprintf(w, "  trace (- chromium, + native):\n%s\n", indent(indent(outs[i].diff())))
	}
}
