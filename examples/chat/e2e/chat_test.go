// Package e2e tests the chat example end to end: the room's server, the page
// with its WASM client in headless Chromium, and the native terminal client's
// code, exchanging messages. It is a module of its own so that chromedp never
// reaches users of the package.
package e2e

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket/examples/chat/chatclient"
	"github.com/browserws/websocket/examples/chat/chatserver"
	"github.com/chromedp/chromedp"
)

func TestChatBetweenChromiumAndNative(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("this test needs Chromium (apt-get install -y chromium):", err)
	}
	client, err := chatserver.BuildClient(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	site := &restartableSite{client: client}
	site.start(t)
	t.Cleanup(site.stop)
	hub := site.hub
	base := "http://" + site.addr

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)

	// The page loads, builds nothing itself, runs the WASM client and connects.
	if err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Poll(`document.getElementById("status").textContent === "connected"`, nil, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("page did not connect: %v (status: %q)", err, text(ctx, `document.getElementById("status").textContent`))
	}

	// The native client: the same chatclient code, compiled for this machine.
	messages := make(chan string, 16)
	connected := make(chan struct{}, 4)
	native, err := chatclient.Join("ws"+strings.TrimPrefix(base, "http")+"/ws",
		func(m string) { messages <- m },
		func(s string) {
			if s == "connected" {
				connected <- struct{}{}
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { native.Leave(); <-native.Done() })
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("native client not connected after 10s")
	}
	waitLen(t, hub, 2)

	// Chromium publishes through the form; the native client receives it.
	if err := chromedp.Run(ctx,
		chromedp.SetValue(`input[name="message"]`, "hello from chromium", chromedp.ByQuery),
		chromedp.Click(`input[type="submit"]`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector('input[name="message"]').value === ""`) // cleared after sending
	if got := next(t, messages); got != "hello from chromium" {
		t.Fatalf("native client got %q, want %q", got, "hello from chromium")
	}

	// The native client publishes 51 characters; the page shows 50, newest first.
	long := strings.Repeat("0123456789", 5) + "X"
	if err := native.Publish(long); err != nil {
		t.Fatal(err)
	}
	if got := next(t, messages); got != long[:50] {
		t.Fatalf("native client got its own message back as %q, want %q", got, long[:50])
	}
	waitPage(t, ctx, `document.querySelectorAll("#messages div").length === 2`)
	if got := text(ctx, `document.querySelector("#messages div").textContent`); got != long[:50] {
		t.Fatalf("page's newest message is %q, want %q", got, long[:50])
	}

	// Markup in a message is text on the page (textContent, never innerHTML).
	markup := `<b id="injected">bold</b>`
	if err := native.Publish(markup); err != nil {
		t.Fatal(err)
	}
	next(t, messages)
	waitPage(t, ctx, `document.querySelectorAll("#messages div").length === 3`)
	if got := text(ctx, `document.querySelector("#messages div").textContent`); got != markup {
		t.Fatalf("page shows %q, want the markup as text %q", got, markup)
	}
	if n := text(ctx, `String(document.querySelectorAll("#messages b").length)`); n != "0" {
		t.Fatalf("page has %s <b> elements: a message was parsed as HTML", n)
	}
	want := []string{markup, long[:50], "hello from chromium"}
	var got []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("#messages div")].map(d => d.textContent)`, &got)); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("page shows %q, want %q (newest first)", got, want)
	}

	// The server restarts on the same port (a new process: a new, empty room);
	// both clients notice, reconnect on their own, and talk again.
	site.stop()
	waitPage(t, ctx, `document.getElementById("status").textContent.startsWith("connection lost")`)
	site.start(t)
	hub = site.hub
	waitPage(t, ctx, `document.getElementById("status").textContent === "connected"`)
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		t.Fatal("native client not connected again 30s after the restart")
	}
	waitLen(t, hub, 2)
	if err := chromedp.Run(ctx,
		chromedp.SetValue(`input[name="message"]`, "after the restart", chromedp.ByQuery),
		chromedp.Click(`input[type="submit"]`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if got := next(t, messages); got != "after the restart" {
		t.Fatalf("native client got %q after the restart, want %q", got, "after the restart")
	}
	if err := native.Publish("native, after the restart"); err != nil {
		t.Fatal(err)
	}
	next(t, messages)
	waitPage(t, ctx, `document.querySelector("#messages div").textContent === "native, after the restart"`)

	// The native client leaves; the room drops it and the page stays.
	native.Leave()
	<-native.Done()
	waitLen(t, hub, 1)
}

// restartableSite is the chat server as a process would run it, on a port it
// keeps across restarts: stop ends every connection (as a process exit does)
// and start serves a new, empty room on the same port.
type restartableSite struct {
	client *chatserver.Client
	addr   string
	hub    *chatserver.Hub
	srv    *http.Server
	mu     sync.Mutex
	conns  map[net.Conn]bool
}

func (s *restartableSite) start(t *testing.T) {
	t.Helper()
	addr := s.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.hub = chatserver.NewHub()
	s.conns = map[net.Conn]bool{}
	s.srv = &http.Server{Handler: chatserver.Site(s.hub, s.client), ConnState: func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns[c] = true
			s.mu.Unlock()
		}
	}}
	go s.srv.Serve(ln)
}

func (s *restartableSite) stop() {
	if s.srv == nil {
		return
	}
	s.srv.Close()
	s.mu.Lock()
	for c := range s.conns { // hijacked WebSocket connections too
		c.Close()
	}
	s.mu.Unlock()
	s.srv = nil
}

func next(t *testing.T, messages <-chan string) string {
	t.Helper()
	select {
	case m := <-messages:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("native client: no message after 10s")
		return ""
	}
}

func waitLen(t *testing.T, hub *chatserver.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for hub.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("room has %d clients, want %d", hub.Len(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitPage(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Poll(cond, nil, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("page: %s: %v (messages: %q)", cond, err, text(ctx, `document.getElementById("messages").textContent`))
	}
}

func text(ctx context.Context, expr string) string {
	var s string
	if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &s)); err != nil {
		return "<" + err.Error() + ">"
	}
	return s
}
