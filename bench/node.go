//go:build !js

package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/browserws/websocket/bench/payload"
)

//go:embed node/bench.mjs
var nodeScript []byte

// nodeRunner runs node/bench.mjs against the same echo server, on the same
// workloads (those with the server in a child process), once in each round of
// the native measurements.
type nodeRunner struct {
	dir, script string
	cfgJSON     []byte
	failed      bool
}

func newNodeRunner(base string, res *results) *nodeRunner {
	dir, err := os.MkdirTemp("", "wsbench-node")
	if err != nil {
		res.Errors = append(res.Errors, "node: "+err.Error())
		return nil
	}
	script := filepath.Join(dir, "bench.mjs")
	if err := os.WriteFile(script, nodeScript, 0o644); err != nil {
		res.Errors = append(res.Errors, "node: "+err.Error())
		return nil
	}
	type nodeWorkload struct {
		Name string `json:"name"`
		workload
	}
	cfg := struct {
		Base      string            `json:"base"`
		TargetMS  float64           `json:"target_ms"`
		Workloads []nodeWorkload    `json:"workloads"`
		Payloads  map[string]string `json:"payloads"`
	}{Base: base, TargetMS: float64(*flagTime) / float64(time.Millisecond), Payloads: map[string]string{}}
	for _, w := range childWorkloads(res.Workloads) {
		cfg.Workloads = append(cfg.Workloads, nodeWorkload{w.String(), w})
		// The messages Node sends are the Go clients' bytes, from a file.
		key := strconv.Itoa(w.Size)
		if _, ok := cfg.Payloads[key]; ok || w.Kind == "recv" {
			continue
		}
		file := filepath.Join(dir, "payload-"+key+".bin")
		if err := os.WriteFile(file, payload.Of(w.Size), 0o644); err != nil {
			res.Errors = append(res.Errors, "node: "+err.Error())
			return nil
		}
		cfg.Payloads[key] = file
	}
	cfgJSON, _ := json.Marshal(cfg)
	return &nodeRunner{dir: dir, script: script, cfgJSON: cfgJSON}
}

func (n *nodeRunner) cleanup() { os.RemoveAll(n.dir) }

// round measures every workload once.
func (n *nodeRunner) round(r int, res *results) {
	if n.failed {
		return
	}
	start := time.Now()
	cmd := exec.Command("node", "--experimental-websocket", "--no-warnings", n.script, string(n.cfgJSON))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("node round %d: %v", r+1, err))
		n.failed = true
		return
	}
	var got struct {
		Samples    map[string]float64 `json:"samples"`
		Extensions map[string]string  `json:"extensions"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("node round %d: %v", r+1, err))
		n.failed = true
		return
	}
	for name, ns := range got.Samples {
		res.Node[name] = append(res.Node[name], sample{NsPerOp: ns})
	}
	res.NodeExt = got.Extensions
	fmt.Fprintf(os.Stderr, "node round %d/%d: %v\n", r+1, *flagCount, time.Since(start).Round(time.Millisecond))
}
