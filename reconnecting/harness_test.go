package reconnecting

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
)

// serverURL is the ws:// base URL of the test server (internal/wstest): started in
// this process natively, or named by BROWSERWS_TEST_SERVER, which WASM runs need.
var serverURL string

func TestMain(m *testing.M) {
	serverURL = os.Getenv("BROWSERWS_TEST_SERVER")
	stop := func() {}
	if serverURL == "" {
		var err error
		if serverURL, stop, err = startTestServer(); err != nil {
			fmt.Fprintln(os.Stderr, "reconnecting tests:", err)
			os.Exit(2)
		}
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// wait bounds every wait of the tests: generous, since the machine is shared.
const wait = 15 * time.Second

func srv(pathQuery string) string { return strings.TrimSuffix(serverURL, "/") + pathQuery }

var names atomic.Int64

// restartable returns a server of its own that the test takes down and brings
// back on the same port (wstest.Restartable, driven through the test server's
// /restartable endpoint, so that WASM tests can too). It starts up.
func restartable(t *testing.T) *server {
	s := &server{name: fmt.Sprintf("%s-%d-%d", t.Name(), time.Now().UnixNano(), names.Add(1))}
	s.base = s.do(t, "up")
	t.Cleanup(func() { s.do(t, "down") })
	return s
}

type server struct{ name, base string }

// do asks the test server to take s up, down or silent, and returns its URL.
func (s *server) do(t *testing.T, what string) string {
	t.Helper()
	var answer atomic.Value
	ws, err := websocket.NewWithOptions(srv("/restartable?name="+s.name+"&do="+what), &websocket.Options{
		OnMessage: func(e *websocket.MessageEvent) { answer.Store(e.Data) },
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ws.Done():
	case <-time.After(wait):
		t.Fatalf("restartable %s: no answer", what)
	}
	a, _ := answer.Load().(string)
	if !strings.HasPrefix(a, "ws://") {
		t.Fatalf("restartable %s: answer %q", what, a)
	}
	return a
}

// step is one event as a listener saw it.
type step struct {
	Type  string
	State string // the reconnecting socket's ReadyState during the dispatch
	Data  string
	Code  int
	Clean bool
	Err   error
}

// recorder installs listeners through Options and hands every event over, in order.
type recorder struct {
	rws    *WebSocket
	events chan step
}

func record(t *testing.T, url string, o Options) *recorder {
	t.Helper()
	rec := &recorder{events: make(chan step, 4096)}
	made := make(chan struct{}) // events may come before New returns
	state := func() string {
		<-made
		return rec.rws.ReadyState().String()
	}
	o.OnOpen = func(e *websocket.Event) { rec.events <- step{Type: e.Type, State: state()} }
	o.OnMessage = func(e *websocket.MessageEvent) {
		d := fmt.Sprint(e.Data)
		if b, ok := e.Data.(*websocket.Blob); ok {
			d = "blob:" + b.Text()
		}
		rec.events <- step{Type: e.Type, State: state(), Data: d}
	}
	o.OnError = func(e *websocket.Event) { rec.events <- step{Type: e.Type, State: state(), Err: e.Err} }
	o.OnClose = func(e *websocket.CloseEvent) {
		rec.events <- step{Type: e.Type, State: state(), Code: e.Code, Clean: e.WasClean}
	}
	var err error
	rec.rws, err = New(url, &o)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	close(made)
	t.Cleanup(func() {
		rec.rws.Close()
		<-rec.rws.Done()
	})
	return rec
}

// next returns the next event.
func (rec *recorder) next(t *testing.T) step {
	t.Helper()
	select {
	case s := <-rec.events:
		return s
	case <-time.After(wait):
		t.Fatalf("no event within %v", wait)
		return step{}
	}
}

// expect checks that the next event has the type typ and, for "close", code and
// wasClean; it returns it.
func (rec *recorder) expect(t *testing.T, typ string, codeClean ...any) step {
	t.Helper()
	s := rec.next(t)
	if s.Type != typ {
		t.Fatalf("event %+v, want %q", s, typ)
	}
	if typ == "close" && len(codeClean) == 2 && (s.Code != codeClean[0].(int) || s.Clean != codeClean[1].(bool)) {
		t.Fatalf("close event %+v, want code %v wasClean %v", s, codeClean[0], codeClean[1])
	}
	return s
}

// done waits for Done and checks that no event came after those already taken.
func (rec *recorder) done(t *testing.T) {
	t.Helper()
	select {
	case <-rec.rws.Done():
	case <-time.After(wait):
		t.Fatalf("Done not closed within %v (state %v)", wait, rec.rws.ReadyState())
	}
	select {
	case s := <-rec.events:
		t.Fatalf("unexpected event %+v", s)
	default:
	}
	if st := rec.rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState after Done = %v", st)
	}
}

// fakeClock hands the loop's timers to the test, which fires them: no test
// depends on how long anything takes.
type fakeClock struct {
	mu          sync.Mutex
	all         []*fakeTimer
	waiting     [numTimerKinds][]*fakeTimer
	changed     chan struct{}
	autoBackoff bool // back-off timers fire at once
	maxActive   int
}

type fakeTimer struct {
	fc            *fakeClock
	c             chan time.Time
	d             time.Duration
	kind          timerKind
	stopped, shot bool
}

func newFakeClock() *fakeClock { return &fakeClock{changed: make(chan struct{})} }

func (fc *fakeClock) newTimer(d time.Duration, kind timerKind) timer {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	t := &fakeTimer{fc: fc, c: make(chan time.Time, 1), d: d, kind: kind}
	fc.all = append(fc.all, t)
	if fc.autoBackoff && kind == backoffTimer {
		t.shot = true
		t.c <- time.Now()
	} else {
		fc.waiting[kind] = append(fc.waiting[kind], t)
	}
	fc.maxActive = max(fc.maxActive, fc.activeLocked())
	close(fc.changed)
	fc.changed = make(chan struct{})
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() {
	t.fc.mu.Lock()
	t.stopped = true
	t.fc.mu.Unlock()
}

// fire makes the timer go off, as if its duration had passed.
func (t *fakeTimer) fire(tb testing.TB) {
	tb.Helper()
	t.fc.mu.Lock()
	defer t.fc.mu.Unlock()
	if t.stopped || t.shot {
		tb.Fatalf("firing a timer already stopped (%v) or fired (%v)", t.stopped, t.shot)
	}
	t.shot = true
	t.c <- time.Now()
}

func (t *fakeTimer) isStopped() bool {
	t.fc.mu.Lock()
	defer t.fc.mu.Unlock()
	return t.stopped
}

// next returns the oldest running timer of kind that the test has not yet
// taken, waiting for one.
func (fc *fakeClock) next(t *testing.T, kind timerKind) *fakeTimer {
	t.Helper()
	deadline := time.After(wait)
	for {
		fc.mu.Lock()
		for q := fc.waiting[kind]; len(q) > 0; q = fc.waiting[kind] {
			fc.waiting[kind] = q[1:]
			if !q[0].stopped { // stopped ones were for connections already gone
				fc.mu.Unlock()
				return q[0]
			}
		}
		ch := fc.changed
		fc.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no timer of kind %d within %v", kind, wait)
		}
	}
}

// pending is how many timers of kind the test has not taken.
func (fc *fakeClock) pending(kind timerKind) int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return len(fc.waiting[kind])
}

// active is how many timers are neither stopped nor fired.
func (fc *fakeClock) active() int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.activeLocked()
}

func (fc *fakeClock) activeLocked() int {
	n := 0
	for _, t := range fc.all {
		if !t.stopped && !t.shot {
			n++
		}
	}
	return n
}

// ownGoroutine reports whether a goroutine's stack is of this package or of
// package websocket, and not the tests'.
func ownGoroutine(g string) bool {
	if strings.Contains(g, "testing.tRunner") || strings.Contains(g, "testing.(*M)") {
		return false
	}
	return strings.Contains(g, "browserws/websocket.(*") || strings.Contains(g, "browserws/websocket/reconnecting.")
}

// leaked lists the goroutines of this package and of package websocket still
// running.
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

func isErr(err, target error) bool { return errors.Is(err, target) }
