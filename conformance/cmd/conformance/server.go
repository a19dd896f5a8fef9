package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/browserws/websocket/conformance/scenario"
	"github.com/browserws/websocket/internal/wstest"
)

//go:embed driver.js node_runner.js node_guard.js page.html
var assets embed.FS

// server is the test server of internal/wstest plus, under /_conf/, the pages
// and scripts the browser runtimes load: one origin, so that a relative URL in a
// page resolves to the test server.
type server struct {
	ws    string // ws://host:port
	http  string // http://host:port
	srv   *http.Server
	inner interface {
		http.Handler
		Shutdown()
	}
}

func startServer(wasmPath, wasmExecPath string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ws: "ws://" + ln.Addr().String(), http: "http://" + ln.Addr().String(), inner: wstest.Handler()}
	mux := http.NewServeMux()
	mux.Handle("/", s.inner)
	mux.HandleFunc("/_conf/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch name := strings.TrimPrefix(r.URL.Path, "/_conf/"); name {
		case "driver.wasm":
			w.Header().Set("Content-Type", "application/wasm")
			http.ServeFile(w, r, wasmPath)
		case "wasm_exec.js":
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, wasmExecPath)
		case "driver.js", "page.html":
			b, _ := assets.ReadFile(name)
			if strings.HasSuffix(name, ".js") {
				w.Header().Set("Content-Type", "text/javascript")
			} else {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
			}
			w.Write(b)
		default:
			http.NotFound(w, r)
		}
	})
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	// The harness must fail, not skip, when its server does not answer.
	resp, err := http.Get(s.http + "/_conf/page.html")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("the test server does not answer: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.Close()
		return nil, fmt.Errorf("the test server answers %s for its page", resp.Status)
	}
	return s, nil
}

// listenBlocked serves the test server also on a port browsers refuse to connect
// to (the Fetch standard's bad ports), on 127.0.0.1; it returns the port, or the
// dead port's stand-in 0 when none of the candidates is free.
func (s *server) listenBlocked() (port int, stop func()) {
	for _, p := range []int{6666, 6665, 6667, 6668, 6669, 6000, 10080, 4045} {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		srv := &http.Server{Handler: s.srv.Handler}
		go srv.Serve(ln)
		return p, func() { srv.Close() }
	}
	logf("no blocked port (6665-6669, 6000, 10080, 4045) is free: the live-server-on-a-blocked-port scenario is refused outright")
	return 1, func() {}
}

// Close ends every connection and stops the server.
func (s *server) Close() {
	s.inner.Shutdown()
	s.srv.Close()
}

// buildWASM builds the WASM driver into dir and finds wasm_exec.js.
func buildWASM(dir string) (wasm, wasmExec string, err error) {
	wasm = filepath.Join(dir, "driver.wasm")
	cmd := exec.Command("go", "build", "-o", wasm, "github.com/browserws/websocket/conformance/cmd/wasmdriver")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("building the WASM driver (run from the conformance module): %v\n%s", err, out)
	}
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOROOT: %w", err)
	}
	wasmExec = filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js")
	if _, err := os.Stat(wasmExec); err != nil {
		return "", "", err
	}
	return wasm, wasmExec, nil
}

// addServerRecords appends, to the trace of every scenario with CheckServer, what
// the server received from the client.
func addServerRecords(s *server, rt string, scs []scenario.Scenario, traces []scenario.Trace) error {
	type result struct {
		i   int
		e   scenario.Entry
		err error
	}
	ch := make(chan result)
	n := 0
	client := &http.Client{Timeout: 10 * time.Second}
	for i, sc := range scs {
		if !sc.CheckServer {
			continue
		}
		n++
		go func() {
			resp, err := client.Get(s.http + "/record?wait_ms=3000&id=" + scenario.ID(rt, i))
			if err != nil {
				ch <- result{i: i, err: err}
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode == http.StatusNotFound {
				ch <- result{i: i, e: scenario.Entry{Event: "server", Reason: "(no record)"}}
				return
			}
			var rec wstest.Record
			if err := json.Unmarshal(b, &rec); err != nil {
				ch <- result{i: i, err: fmt.Errorf("record %s: %v", b, err)}
				return
			}
			ch <- result{i: i, e: scenario.Entry{Event: "server", Code: rec.Code, Reason: rec.Reason}}
		}()
	}
	var first error
	for ; n > 0; n-- {
		r := <-ch
		if r.err != nil && first == nil {
			first = r.err
		}
		if r.err == nil {
			traces[r.i].Entries = append(traces[r.i].Entries, r.e)
		}
	}
	return first
}

// normalize replaces the server's address and the dead port, which change from
// run to run, with HOST and DEADPORT, and the runtime's name in id parameters
// with ID.
func normalize(traces []scenario.Trace, rt, host string, deadPort int) {
	r := strings.NewReplacer(host, "HOST", fmt.Sprintf(":%d", deadPort), ":DEADPORT", "id="+rt+"-", "id=ID-")
	for i := range traces {
		for j := range traces[i].Entries {
			e := &traces[i].Entries[j]
			e.URL, e.Origin, e.Data = r.Replace(e.URL), r.Replace(e.Origin), r.Replace(e.Data)
			e.Exception, e.Reason = r.Replace(e.Exception), r.Replace(e.Reason)
		}
	}
}
