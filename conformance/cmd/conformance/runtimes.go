package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/browserws/websocket/conformance/scenario"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// runTimeout bounds one runtime's run of every scenario.
const runTimeout = 3 * time.Minute

// chromium is a headless Chromium driven over the DevTools protocol.
type chromium struct {
	ctx     context.Context
	cancel  func()
	version string
}

func findChromium(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (apt-get install -y chromium, or -chromium PATH)")
}

func startChromium(parent context.Context, path string) (*chromium, error) {
	path, err := findChromium(path)
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU)
	actx, acancel := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancel := chromedp.NewContext(actx)
	c := &chromium{ctx: ctx, cancel: func() { cancel(); acancel() }}
	chromedp.ListenTarget(ctx, func(ev any) {
		if !*flagVerbose {
			return
		}
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			fmt.Fprintf(os.Stderr, "chromium console.%s: %s\n", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			fmt.Fprintf(os.Stderr, "chromium exception: %s\n", ev.ExceptionDetails.Error())
		}
	})
	// The first Run starts the browser; it must get the chromedp context itself,
	// since cancelling the context of that Run would end the browser.
	if err := chromedp.Run(ctx); err != nil {
		c.close()
		return nil, fmt.Errorf("starting Chromium (%s): %w", path, err)
	}
	sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
	defer scancel()
	err = chromedp.Run(sctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, product, _, _, _, err := browser.GetVersion().Do(ctx)
		c.version = product
		return err
	}))
	if err != nil {
		c.close()
		return nil, fmt.Errorf("starting Chromium (%s): %w", path, err)
	}
	return c, nil
}

func (c *chromium) close() { c.cancel() }

// runJS loads the harness page and runs the JavaScript driver on the scenarios.
func (c *chromium) runJS(s *server, scs []scenario.Scenario, parallel int) ([]scenario.Trace, error) {
	in, err := json.Marshal(scs)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(c.ctx, runTimeout)
	defer cancel()
	var out string
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.http+"/_conf/page.html"),
		chromedp.Evaluate(fmt.Sprintf("conformanceRunAll(%s, %d)", in, parallel), &out,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		return nil, err
	}
	return decodeTraces([]byte(out))
}

// runWASM loads the harness page and runs the WASM driver in it.
func (c *chromium) runWASM(s *server, args []string, parallel int) ([]scenario.Trace, error) {
	argv, _ := json.Marshal(args)
	ctx, cancel := context.WithTimeout(c.ctx, runTimeout)
	defer cancel()
	var ok bool
	var out string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.http+"/_conf/page.html"),
		chromedp.Evaluate(fmt.Sprintf("runWASM(%s)", argv), &ok,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.Poll(`globalThis.conformanceResult || (globalThis.conformanceError && "ERROR: " + globalThis.conformanceError)`,
			&out, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(runTimeout)),
	)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(out, "ERROR: ") {
		return nil, fmt.Errorf("%s", out)
	}
	return decodeTraces([]byte(out))
}

func nodeVersion() (string, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("node --version: %w (Node 20 or later is needed; -node=false skips the Node runtimes)", err)
	}
	return "Node " + strings.TrimSpace(string(out)), nil
}

// runNodeJS runs the JavaScript driver under Node's WebSocket.
func runNodeJS(dir string, scs []scenario.Scenario, parallel int) ([]scenario.Trace, error) {
	for _, name := range []string{"driver.js", "node_runner.js", "node_guard.js"} {
		b, _ := assets.ReadFile(name)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return nil, err
		}
	}
	in, err := json.Marshal(map[string]any{"scenarios": scs, "parallel": parallel})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--experimental-websocket", "--no-warnings", "-r", filepath.Join(dir, "node_guard.js"),
		filepath.Join(dir, "node_runner.js"), filepath.Join(dir, "driver.js"))
	cmd.Stdin = bytes.NewReader(in)
	return runDriver(cmd)
}

// runNodeWASM runs the WASM driver in Node, with Go's wasm_exec_node.js.
func runNodeWASM(dir, wasm string, args []string) ([]scenario.Trace, error) {
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"--experimental-websocket", "--no-warnings", "--stack-size=8192",
		"-r", filepath.Join(dir, "node_guard.js"),
		filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec_node.js"), wasm}, args...)...)
	return runDriver(cmd)
}

func runDriver(cmd *exec.Cmd) ([]scenario.Trace, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %v\n%s", cmd.Args, err, stderr.Bytes())
	}
	if *flagVerbose && stderr.Len() > 0 {
		os.Stderr.Write(stderr.Bytes())
	}
	return decodeTraces(stdout.Bytes())
}
