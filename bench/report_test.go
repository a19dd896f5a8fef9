//go:build !js

package main

import (
	"strings"
	"testing"
)

// TestTargetRule: a speed target holds when browserws meets it in at least as
// many cases as the A/A control; WASM must meet ≥ 1.0× raw on every workload.
func TestTargetRule(t *testing.T) {
	mk := func(bw, ctl []float64) *results {
		res := &results{Variants: []string{rawControl}, Samples: map[string]map[string][]sample{}, WASM: map[string]map[string][]sample{}}
		for i := range bw {
			w := workload{Kind: "rtt", Size: 16 << i}
			res.Workloads = append(res.Workloads, w)
			res.Samples[w.String()] = map[string][]sample{
				baseline:    {{NsPerOp: 100}},
				"browserws": {{NsPerOp: 100 * bw[i]}},
				rawControl:  {{NsPerOp: 100 * ctl[i]}},
			}
		}
		return res
	}
	row := func(res *results, name string) string {
		var b strings.Builder
		targetTable(&b, res)
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "| "+name+" |") {
				return l
			}
		}
		t.Fatalf("no row %q in\n%s", name, b.String())
		return ""
	}
	const rtt = "round trip ≤ 1.05× raw coder/websocket"
	// browserws 2 of 3, control 2 of 3: holds.
	if r := row(mk([]float64{1, 1.2, 1}, []float64{1.1, 1, 1}), rtt); !strings.HasSuffix(r, "| yes |") || !strings.Contains(r, "2 of 3") {
		t.Errorf("equal counts: %s", r)
	}
	// browserws 1 of 3, control 2 of 3: does not.
	if r := row(mk([]float64{1, 1.2, 1.1}, []float64{1.1, 1, 1}), rtt); !strings.HasSuffix(r, "| **no** |") {
		t.Errorf("fewer than the control: %s", r)
	}
	// browserws 3 of 3, control 1 of 3: holds.
	if r := row(mk([]float64{1, 1, 1}, []float64{1.1, 1.1, 1}), rtt); !strings.HasSuffix(r, "| yes |") {
		t.Errorf("more than the control: %s", r)
	}
	// WASM: throughput ≥ 1.0× the raw syscall/js client on every workload.
	res := mk([]float64{1}, []float64{1})
	res.WASM["a"] = map[string][]sample{wasmRaw: {{NsPerOp: 100}, {NsPerOp: 100}}, "browserws (wasm)": {{NsPerOp: 100}, {NsPerOp: 99}}}
	res.WASM["b"] = map[string][]sample{wasmRaw: {{NsPerOp: 100}}, "browserws (wasm)": {{NsPerOp: 101}}}
	const wasm = "WASM ≥ raw syscall/js client on every workload (throughput)"
	if r := row(res, wasm); !strings.HasSuffix(r, "| **no** |") || !strings.Contains(r, "1 of 2") {
		t.Errorf("WASM with one slower workload: %s", r)
	}
	delete(res.WASM, "b")
	if r := row(res, wasm); !strings.HasSuffix(r, "| yes |") {
		t.Errorf("WASM at least as fast: %s", r)
	}
}
