package chatserver

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed index.html
var indexHTML []byte

// ClientPackage is the import path of the page's client, built for
// GOOS=js GOARCH=wasm by BuildClient.
const ClientPackage = "github.com/browserws/websocket/examples/chat/web"

// A Client is the built browser client: the WASM binary and the wasm_exec.js
// of the Go that built it (the two must come from the same Go release).
type Client struct {
	WASM     []byte
	WasmExec []byte
}

// BuildClient compiles ClientPackage to WebAssembly with the go command on PATH,
// working in dir (a scratch directory), and reads the matching wasm_exec.js from
// that Go's GOROOT. It runs from any directory of a module that has this
// package (the repository, or a module that requires it).
func BuildClient(dir string) (*Client, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("chat: building the WASM client needs the go command: %w", err)
	}
	out := filepath.Join(dir, "client.wasm")
	build := exec.Command(goCmd, "build", "-o", out, ClientPackage)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chat: go build %s for js/wasm: %v\n%s", ClientPackage, err, msg)
	}
	root, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("chat: go env GOROOT: %w", err)
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("chat: wasm_exec.js: %w", err)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	return &Client{WASM: wasm, WasmExec: wasmExec}, nil
}

// Site serves the chat: the page at /, its WASM client at /client.wasm and
// /wasm_exec.js, and the room's WebSocket endpoint at /ws.
func Site(hub *Hub, client *Client) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ws", hub)
	mux.HandleFunc("GET /{$}", serve("text/html; charset=utf-8", indexHTML))
	mux.HandleFunc("GET /client.wasm", serve("application/wasm", client.WASM))
	mux.HandleFunc("GET /wasm_exec.js", serve("text/javascript; charset=utf-8", client.WasmExec))
	return mux
}

func serve(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	}
}
