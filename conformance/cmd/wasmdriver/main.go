// Command wasmdriver runs every conformance scenario through
// github.com/browserws/websocket and writes the traces as JSON. The harness
// (cmd/conformance) builds it for GOOS=js GOARCH=wasm and runs it in Chromium
// (-out global: the JSON goes to globalThis.conformanceResult) and in Node (-out
// stdout). Built natively it runs the native backend the same way.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"

	"github.com/browserws/websocket/conformance/scenario"
)

func main() {
	var env scenario.Env
	flag.StringVar(&env.WS, "ws", "", "the test server's ws://host:port")
	flag.IntVar(&env.DeadPort, "deadport", 0, "a local port nothing listens on")
	flag.IntVar(&env.BlockedPort, "blockedport", 0, "a blocked port the test server listens on")
	flag.StringVar(&env.Runtime, "runtime", "wasm", "runtime name, for the scenarios' id parameters")
	parallel := flag.Int("parallel", 6, "scenarios run at once")
	out := flag.String("out", "stdout", `where the JSON goes: "stdout" or "global" (globalThis.conformanceResult, GOOS=js only)`)
	run := flag.String("run", "", "only scenarios whose name matches this regexp")
	flag.Parse()
	if env.WS == "" {
		fmt.Fprintln(os.Stderr, "wasmdriver: -ws is required")
		os.Exit(2)
	}
	re, err := regexp.Compile(*run)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmdriver:", err)
		os.Exit(2)
	}
	var scs []scenario.Scenario
	for _, sc := range scenario.All() {
		if re.MatchString(sc.Name) {
			scs = append(scs, sc)
		}
	}
	traces := scenario.RunAll(env, scs, *parallel)
	b, err := json.Marshal(traces)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmdriver:", err)
		os.Exit(1)
	}
	if *out == "global" {
		if err := setGlobal(string(b)); err != nil {
			fmt.Fprintln(os.Stderr, "wasmdriver:", err)
			os.Exit(1)
		}
		return
	}
	os.Stdout.Write(b)
}
