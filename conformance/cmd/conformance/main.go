// Command conformance runs every scenario of conformance/scenario in five
// runtimes — JavaScript's WebSocket in headless Chromium (the reference), this
// package natively, this package compiled to WASM in Chromium, and for reference
// Node's WebSocket and this package as WASM in Node — compares each trace with
// Chromium's using go-cmp, and writes the table to a Markdown file.
//
// Run it from the conformance module (conformance/run does):
//
//	go run ./cmd/conformance -write ../CONFORMANCE.md
//
// It exits 1 when the native or WASM-in-Chromium trace of a scenario differs from
// Chromium's and the difference is not documented in the scenario, or when -check
// finds the committed report different from the one this run makes, and 2 when a
// runtime it needs (Chromium, the test server, Node, the Go toolchain) fails.
// Differences of the Node runtimes are reported, never fatal.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/browserws/websocket/conformance/scenario"
)

// Runtime names, in table order.
const (
	rtChromium     = "chromium"
	rtNative       = "native"
	rtWASMChromium = "wasm-chromium"
	rtNode         = "node"
	rtWASMNode     = "wasm-node"
)

// gating are the runtimes whose undocumented differences fail the run.
var gating = map[string]bool{rtNative: true, rtWASMChromium: true}

var (
	flagWrite    = flag.String("write", "", "write the Markdown report to this file")
	flagCheck    = flag.String("check", "", "compare the Markdown report with this file, without writing it; a difference fails the run (CI)")
	flagChromium = flag.String("chromium", "", "Chromium executable (default: chromium, chromium-browser or google-chrome on PATH)")
	flagNode     = flag.Bool("node", true, "also run the Node runtimes (reference only)")
	flagParallel = flag.Int("parallel", 6, "scenarios run at once in each runtime")
	flagRun      = flag.String("run", "", "only scenarios whose name matches this regexp")
	flagVerbose  = flag.Bool("v", false, "print every difference and the browsers' console")
	flagURLs     = flag.Bool("urls", true, "also run the URL step (urls.go): constructor inputs in Chromium and natively")
	flagURLsOnly = flag.Bool("urls-only", false, "run only the URL step (never writes the report)")
	flagURLsMore = flag.String("urls-extra", "", "also run the inputs of this JSON list of strings in the URL step (for exploring; not in the report or the golden file)")
	flagGolden   = flag.String("write-urls", "", "write Chromium's answers of the URL step to this file (the root package's testdata/chromium-urls.json)")
)

func main() {
	flag.Parse()
	start := time.Now()
	code, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "conformance: done in %v\n", time.Since(start).Round(100*time.Millisecond))
	os.Exit(code)
}

func run() (int, error) {
	if *flagURLsOnly {
		return runURLsOnly()
	}
	if *flagRandom > 0 || *flagRandomPick != "" {
		return runRandom()
	}
	scs := scenario.All()
	if *flagRun != "" {
		re, err := regexp.Compile(*flagRun)
		if err != nil {
			return 0, err
		}
		var keep []scenario.Scenario
		for _, sc := range scs {
			if re.MatchString(sc.Name) {
				keep = append(keep, sc)
			}
		}
		scs = keep
	}
	if err := checkNames(scs); err != nil {
		return 0, err
	}

	tmp, err := os.MkdirTemp("", "conformance")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	wasm, wasmExec, err := buildWASM(tmp)
	if err != nil {
		return 0, err
	}
	srv, err := startServer(wasm, wasmExec)
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	deadPort, err := freePort()
	if err != nil {
		return 0, err
	}
	blockedPort, stopBlocked := srv.listenBlocked()
	defer stopBlocked()
	envFor := func(rt string) scenario.Env {
		env := scenario.Env{WS: srv.ws, DeadPort: deadPort, BlockedPort: blockedPort, Runtime: rt}
		if rt == rtNative {
			env.PageURL = srv.http + "/_conf/page.html" // the page the browser drivers run in
		}
		return env
	}
	logf("server %s; %d scenarios", srv.ws, len(scs))

	results := map[string][]scenario.Trace{}
	versions := map[string]string{}
	ctx := context.Background()

	// The browser runtimes.
	t0 := time.Now()
	br, err := startChromium(ctx, *flagChromium)
	if err != nil {
		return 0, err
	}
	versions[rtChromium] = br.version
	if results[rtChromium], err = br.runJS(srv, jsScenarios(scs, envFor(rtChromium)), *flagParallel); err != nil {
		br.close()
		return 0, fmt.Errorf("JavaScript in Chromium: %w", err)
	}
	logf("chromium: %v", time.Since(t0).Round(100*time.Millisecond))
	// The WASM run gets a Chromium of its own, so that both browser runs start
	// from the same state. Why: Chromium throttles WebSocket connections per
	// renderer process (services/network/websocket_throttler.cc): before each
	// connection it waits rand(1–5 s)·2^min(pending + failed/(succeeded+1),
	// 16)/65536, with the counts kept for 2 to 4 minutes, and the constructor
	// scenarios fail about a hundred connections on purpose. Sharing the
	// JavaScript run's renderer, the WASM run inherited its failures. (The
	// 4.0–4.8 s that "valid URL with an array of protocols" once took as WASM
	// came mostly from the package, which let the page run no task between
	// closing one socket and opening the next; see abort in js_wasm.go.)
	// Timings are not part of the report either (see printTiming).
	br.close()
	t0 = time.Now()
	if br, err = startChromium(ctx, *flagChromium); err != nil {
		return 0, err
	}
	if results[rtWASMChromium], err = br.runWASM(srv, wasmArgs(envFor(rtWASMChromium), "global"), *flagParallel); err != nil {
		br.close()
		return 0, fmt.Errorf("WASM in Chromium: %w", err)
	}
	logf("wasm-chromium: %v", time.Since(t0).Round(100*time.Millisecond))
	var urls *urlResult
	if *flagURLs {
		t0 = time.Now()
		if urls, err = runURLs(br); err != nil {
			br.close()
			return 0, err
		}
		logf("urls: %d inputs, %v", len(urls.cases), time.Since(t0).Round(100*time.Millisecond))
	}
	br.close()

	// The package natively, in this process.
	t0 = time.Now()
	results[rtNative] = scenario.RunAll(envFor(rtNative), scs, *flagParallel)
	logf("native: %v", time.Since(t0).Round(100*time.Millisecond))

	if *flagNode {
		t0 = time.Now()
		v, err := nodeVersion()
		if err != nil {
			return 0, err
		}
		versions[rtNode] = v
		// Node's WebSocket never fires close for a failed handshake, so many of its
		// scenarios wait for their timeout: run them all at once.
		if results[rtNode], err = runNodeJS(tmp, jsScenarios(scs, envFor(rtNode)), max(*flagParallel, 24)); err != nil {
			return 0, fmt.Errorf("JavaScript in Node: %w", err)
		}
		logf("node: %v", time.Since(t0).Round(100*time.Millisecond))
		t0 = time.Now()
		if results[rtWASMNode], err = runNodeWASM(tmp, wasm, wasmArgs(envFor(rtWASMNode), "stdout")); err != nil {
			return 0, fmt.Errorf("WASM in Node: %w", err)
		}
		logf("wasm-node: %v", time.Since(t0).Round(100*time.Millisecond))
	}

	for rt, traces := range results {
		if len(traces) != len(scs) {
			return 0, fmt.Errorf("%s returned %d traces for %d scenarios", rt, len(traces), len(scs))
		}
		for i := range traces {
			if traces[i].Scenario != scs[i].Name {
				return 0, fmt.Errorf("%s: trace %d is for %q, want %q", rt, i, traces[i].Scenario, scs[i].Name)
			}
		}
		if err := addServerRecords(srv, rt, scs, traces); err != nil {
			return 0, err
		}
		normalize(traces, rt, strings.TrimPrefix(srv.ws, "ws://"), deadPort)
	}

	rep := compare(scs, results)
	rep.versions = versions
	rep.urls = urls
	rep.print(os.Stderr, *flagVerbose)
	if urls != nil {
		urls.print(os.Stderr)
		rep.failures += urls.failures
		if *flagGolden != "" {
			if err := urls.writeGolden(*flagGolden, versions[rtChromium]); err != nil {
				return 0, err
			}
		}
	}
	rep.printTiming(os.Stderr)
	stale := false
	switch {
	case (*flagWrite != "" || *flagCheck != "") && *flagRun != "":
		logf("not writing or checking the report: -run selects a subset of the scenarios")
	case *flagWrite != "":
		if err := os.WriteFile(*flagWrite, []byte(rep.markdown()), 0o644); err != nil {
			return 0, err
		}
	case *flagCheck != "":
		old, err := os.ReadFile(*flagCheck)
		if err != nil {
			return 0, err
		}
		if line, ok := firstDifference(withoutVersions(string(old)), withoutVersions(rep.markdown())); !ok {
			logf("FAIL: %s is not what this run generates (first difference at line %d); run conformance/run and commit the result", *flagCheck, line)
			stale = true
		}
	}
	if rep.failures > 0 || stale {
		return 1, nil
	}
	return 0, nil
}

// runURLsOnly is -urls-only: the URL step alone, in a Chromium of its own.
func runURLsOnly() (int, error) {
	br, err := startChromium(context.Background(), *flagChromium)
	if err != nil {
		return 0, err
	}
	defer br.close()
	t0 := time.Now()
	urls, err := runURLs(br)
	if err != nil {
		return 0, err
	}
	logf("urls: %d inputs, %v", len(urls.cases), time.Since(t0).Round(100*time.Millisecond))
	urls.print(os.Stderr)
	if *flagGolden != "" {
		if err := urls.writeGolden(*flagGolden, br.version); err != nil {
			return 0, err
		}
	}
	if urls.failures > 0 {
		return 1, nil
	}
	return 0, nil
}

// runtimeVersion matches the versions of Chromium and Node that the report
// names (report.go): "Chrome/148.0.7778.167", "Node v20.20.2".
var runtimeVersion = regexp.MustCompile(`\b(Chrome/|Node v)[0-9][0-9.]*`)

// withoutVersions is a report with the browser's and Node's version numbers
// masked, for -check. A machine that installs another Chromium (CI installs
// whatever the distribution serves that day) must not find the committed table
// stale because of the version line alone: any trace that differs still shows
// in the scores and rows.
func withoutVersions(s string) string { return runtimeVersion.ReplaceAllString(s, "${1}…") }

// firstDifference compares two texts line by line; when they differ it returns
// the number of the first line that does and false.
func firstDifference(a, b string) (int, bool) {
	if a == b {
		return 0, true
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1, false
		}
	}
	return min(len(al), len(bl)) + 1, false
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "conformance: "+format+"\n", args...)
}

func checkNames(scs []scenario.Scenario) error {
	seen := map[string]bool{}
	for _, sc := range scs {
		if seen[sc.Name] {
			return fmt.Errorf("two scenarios are named %q", sc.Name)
		}
		seen[sc.Name] = true
		if sc.CheckServer && !sc.AddID {
			return fmt.Errorf("scenario %q: CheckServer needs AddID", sc.Name)
		}
	}
	return nil
}

// jsScenarios is the scenarios as the JavaScript driver takes them: URLs expanded
// for the runtime, action descriptions filled in.
func jsScenarios(scs []scenario.Scenario, env scenario.Env) []scenario.Scenario {
	out := make([]scenario.Scenario, len(scs))
	for i, sc := range scs {
		sc.URL = env.ExpandURL(sc, i)
		sc.AddID = false
		for _, list := range []*[]scenario.Action{&sc.Now, &sc.OnOpen, &sc.OnMessage, &sc.OnClose} {
			as := append([]scenario.Action(nil), (*list)...)
			for j := range as {
				as[j].Desc = as[j].Describe()
			}
			*list = as
		}
		out[i] = sc
	}
	return out
}

// wasmArgs are the WASM driver's arguments for a runtime.
func wasmArgs(env scenario.Env, out string) []string {
	return []string{"-ws", env.WS, "-deadport", fmt.Sprint(env.DeadPort), "-blockedport", fmt.Sprint(env.BlockedPort), "-runtime", env.Runtime,
		"-parallel", fmt.Sprint(*flagParallel), "-run", *flagRun, "-out", out}
}

// freePort returns a local port nothing listens on (it did a moment ago).
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port, nil
}

// decodeTraces parses a driver's JSON output.
func decodeTraces(b []byte) ([]scenario.Trace, error) {
	var out []scenario.Trace
	if err := json.Unmarshal(b, &out); err != nil {
		n := min(len(b), 300)
		return nil, fmt.Errorf("bad driver output (%v): %q", err, b[:n])
	}
	return out, nil
}
