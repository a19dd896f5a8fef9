//go:build !js

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runWASM runs the test in wasm/ in headless Chromium (through the repository's
// wasmbrowsertest wrapper, .ci/wasm/go_js_wasm_chromium) against the same echo
// server, on the child-process workloads: it measures the same work through this
// package compiled to WASM and through plain JavaScript in the same page,
// interleaved, count rounds.
func runWASM(base string, res *results) {
	fail := func(err error) { res.Errors = append(res.Errors, "wasm: "+err.Error()) }
	root, err := filepath.Abs("..")
	if err != nil {
		fail(err)
		return
	}
	if _, err := os.Stat("wasm"); err != nil {
		fail(fmt.Errorf("run the bench command in bench/ (go -C bench run .): %w", err))
		return
	}
	if _, err := os.Stat(filepath.Join(root, ".bin", "wasmbrowsertest")); err != nil {
		build := exec.Command(filepath.Join(root, ".ci", "wasm", "build-tools"))
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fail(fmt.Errorf("building wasmbrowsertest: %w", err))
			return
		}
	}
	type wasmWorkload struct {
		Name string `json:"name"`
		workload
	}
	cfg := struct {
		Count     int            `json:"count"`
		TargetMS  float64        `json:"target_ms"`
		Workloads []wasmWorkload `json:"workloads"`
	}{Count: *flagCount, TargetMS: float64(*flagTime) / float64(time.Millisecond)}
	for _, w := range childWorkloads(res.Workloads) {
		cfg.Workloads = append(cfg.Workloads, wasmWorkload{w.String(), w})
	}
	cfgJSON, _ := json.Marshal(cfg)
	start := time.Now()
	cmd := exec.Command("go", "test", "-count=1", "-run", "^TestBench$", "-v", "-timeout", "60m",
		"-exec", filepath.Join(root, ".ci", "wasm", "go_js_wasm_chromium"), "./wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm",
		"BROWSERWS_BENCH_SERVER="+base, "BROWSERWS_BENCH_CONFIG="+string(cfgJSON))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	n := 0
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "WSBENCH ")
		if !ok {
			continue
		}
		var r struct {
			Name    string  `json:"name"`
			Impl    string  `json:"impl"`
			NsPerOp float64 `json:"ns_per_op"`
		}
		if json.Unmarshal([]byte(line), &r) != nil {
			continue
		}
		if res.WASM[r.Name] == nil {
			res.WASM[r.Name] = map[string][]sample{}
		}
		res.WASM[r.Name][r.Impl] = append(res.WASM[r.Name][r.Impl], sample{NsPerOp: r.NsPerOp})
		n++
	}
	if err != nil {
		fail(fmt.Errorf("%v; output:\n%s", err, lastLines(out.String(), 20)))
	}
	fmt.Fprintf(os.Stderr, "wasm: %d samples in %v\n", n, time.Since(start).Round(time.Millisecond))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
