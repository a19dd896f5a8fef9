package reconnecting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
	"github.com/browserws/websocket/reconnecting"
)

// The tests run natively and in WASM. What differs is behind a few helpers:
// the servers (servers_native_test.go: the kit's, one per test;
// servers_js_test.go: those of the command websockettest/cmd/wstestserver) and
// the recorder of events (natively the kit's Recorder; in WASM, which the kit
// does not build for, recorder_js_test.go's, with the same methods).

// wait bounds every wait of the tests: generous, since the machine is shared.
const wait = 30 * time.Second

// next returns the next event of rec, failing t if none comes within wait.
func next(t *testing.T, rec *recorder) event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	e, err := rec.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// expect checks that the next event has the type typ and, for "close", code and
// wasClean; it returns it.
func expect(t *testing.T, rec *recorder, typ string, codeClean ...any) event {
	t.Helper()
	e := next(t, rec)
	if e.Type != typ {
		t.Fatalf("event %s (err %v), want %q", e, e.Err, typ)
	}
	if typ == "close" && len(codeClean) == 2 && (e.Code != codeClean[0].(int) || e.Clean != codeClean[1].(bool)) {
		t.Fatalf("close event %s, want code %v wasClean %v", e, codeClean[0], codeClean[1])
	}
	return e
}

// data is a message event's data: the text, or "blob:" or "arraybuffer:" and
// the bytes.
func data(e event) string {
	if e.BinaryType == "" {
		return e.Text
	}
	return string(e.BinaryType) + ":" + string(e.Binary)
}

// finished waits for Done and checks that no event came after those already
// taken, and that the socket is CLOSED.
func finished(t *testing.T, rws *reconnecting.WebSocket, rec *recorder) {
	t.Helper()
	select {
	case <-rws.Done():
	case <-time.After(wait):
		t.Fatalf("Done not closed within %v (state %v)", wait, rws.ReadyState())
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if e, err := rec.Next(gone); err == nil {
		t.Fatalf("unexpected event %s", e)
	}
	if st := rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState after Done = %v", st)
	}
}

// ownGoroutine reports whether a goroutine's stack is of package reconnecting
// or of package websocket, and not the tests' (nor the kit's).
func ownGoroutine(g string) bool {
	if strings.Contains(g, "testing.tRunner") || strings.Contains(g, "testing.(*M)") {
		return false
	}
	return strings.Contains(g, "browserws/websocket.(*") || strings.Contains(g, "browserws/websocket/reconnecting.")
}

// leaked lists the goroutines of package reconnecting and of package websocket
// still running.
func leaked() []string { return leakcheck.Running(ownGoroutine) }

// checkNoLeak fails t if goroutines of the packages outlive the test by 5s.
func checkNoLeak(t *testing.T) {
	t.Helper()
	leakcheck.Check(t, "of the packages", ownGoroutine)
}

// within checks that d lies in [lo, hi].
func within(t *testing.T, what string, d, lo, hi time.Duration) {
	t.Helper()
	if d < lo || d > hi {
		t.Fatalf("%s = %v, want within [%v, %v]", what, d, lo, hi)
	}
}
