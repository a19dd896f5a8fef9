// Package leakcheck finds goroutines that outlive a test, from a dump of every
// goroutine's stack: the tests of package websocket and of package reconnecting
// use it, each with its own idea of which goroutines are its own.
package leakcheck

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Running lists the stacks of the running goroutines for which ours reports
// true, leaving out the calling goroutine.
func Running(ours func(stack string) bool) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i > 0 && ours(g) { // the first is the caller's
			out = append(out, g)
		}
	}
	return out
}

// Check fails t unless, within 5 s, no goroutine for which ours reports true is
// running; what names them in the failure.
func Check(t testing.TB, what string, ours func(stack string) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l := Running(ours)
		if len(l) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutine(s) %s left after Done:\n%s", len(l), what, strings.Join(l, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Websocket reports whether a goroutine's stack is package websocket's, not
// its tests' (nor the test kit's: "websockettest.(*" does not contain
// "websocket.(*").
func Websocket(stack string) bool {
	return strings.Contains(stack, "browserws/websocket.(*") && !strings.Contains(stack, "_test.go")
}

// CheckWebsocket fails t if goroutines of package websocket outlive the test
// by 5 s.
func CheckWebsocket(t testing.TB) {
	t.Helper()
	Check(t, "of the package", Websocket)
}
