//go:build !js

package websockettest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
	"github.com/browserws/websocket/websockettest"
	cws "github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

// recWait bounds the waits of these tests: generous, since the machine is shared.
const recWait = 30 * time.Second

// recServe starts a server whose connections handle runs, with n counting them
// from 1, and returns its ws:// URL. A nil handle refuses every handshake with
// 403.
func recServe(t *testing.T, handle func(ctx context.Context, c *cws.Conn, n int)) string {
	t.Helper()
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if handle == nil {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		c, err := cws.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		handle(r.Context(), c, int(count.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// recHold keeps a connection open until the client ends it.
func recHold(ctx context.Context, c *cws.Conn) {
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
	}
}

// recHiBye sends "hi" and closes with 1000 "bye".
func recHiBye(ctx context.Context, c *cws.Conn, _ int) {
	c.Write(ctx, cws.MessageText, []byte("hi"))
	c.Close(cws.StatusNormalClosure, "bye")
}

func recCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), recWait)
	t.Cleanup(cancel)
	return ctx
}

const recOpen = `open protocol="" extensions=""`

var recHiByeTrace = []string{recOpen, `message text "hi"`, `close 1000 "bye" clean`}

// Each way of attaching a Recorder gets the whole trace, and Next returns it in
// order.
func TestRecorderTrace(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(t *testing.T, url string) *websockettest.Recorder
	}{
		{"Dial", func(t *testing.T, url string) *websockettest.Recorder {
			_, rec := websockettest.Dial(t, url, nil)
			return rec
		}},
		{"Record", func(t *testing.T, url string) *websockettest.Recorder {
			ws, err := websocket.New(url)
			if err != nil {
				t.Fatal(err)
			}
			return websockettest.Record(ws)
		}},
		{"RecordOptions", func(t *testing.T, url string) *websockettest.Recorder {
			var o websocket.Options
			rec := websockettest.RecordOptions(&o)
			if _, err := websocket.NewWithOptions(url, &o); err != nil {
				t.Fatal(err)
			}
			return rec
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := c.make(t, recServe(t, recHiBye))
			ctx := recCtx(t)
			var got []string
			for range recHiByeTrace {
				e, err := rec.Next(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, e.String())
			}
			if diff := cmp.Diff(recHiByeTrace, got); diff != "" {
				t.Errorf("Next (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(recHiByeTrace, rec.Strings()); diff != "" {
				t.Errorf("Strings (-want +got):\n%s", diff)
			}
			ev := rec.Events()
			if len(ev) != 3 || ev[1].Text != "hi" || ev[1].BinaryType != "" || ev[2].Code != 1000 || ev[2].Reason != "bye" || !ev[2].Clean {
				t.Errorf("Events = %+v", ev)
			}
			for _, e := range ev {
				if e.TimeStamp.IsZero() {
					t.Errorf("%v: no TimeStamp", e)
				}
			}
		})
	}
}

// WaitFor passes over the events of other types, which stay in Events, and
// Next takes up after it.
func TestRecorderWaitForSkips(t *testing.T) {
	_, rec := websockettest.Dial(t, recServe(t, recHiBye), nil)
	ctx := recCtx(t)
	e, err := rec.WaitFor(ctx, "message")
	if err != nil || e.String() != `message text "hi"` {
		t.Fatalf(`WaitFor("message") = %v, %v`, e, err)
	}
	e, err = rec.Next(ctx)
	if err != nil || e.Type != "close" {
		t.Fatalf("Next after WaitFor = %v, %v; want the close event", e, err)
	}
	if diff := cmp.Diff(recHiByeTrace, rec.Strings()); diff != "" {
		t.Errorf("Strings (-want +got):\n%s", diff)
	}
}

// WaitFor with a type that no event has fails at once.
func TestRecorderUnknownType(t *testing.T) {
	_, rec := websockettest.Dial(t, recServe(t, recHiBye), nil)
	if _, err := rec.WaitFor(recCtx(t), "mesage"); err == nil || !strings.Contains(err.Error(), `unknown event type "mesage"`) {
		t.Errorf(`WaitFor("mesage") = %v`, err)
	}
}

// A wait that reaches its deadline fails with what was seen.
func TestRecorderDeadline(t *testing.T) {
	ws, rec := websockettest.Dial(t, recServe(t, func(ctx context.Context, c *cws.Conn, _ int) { recHold(ctx, c) }), nil)
	if _, err := rec.WaitFor(recCtx(t), "open"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		typ, want string
	}{
		{"message", `websockettest: no "message" event before the context ended; saw: ` + recOpen},
		{"", `websockettest: no event before the context ended; saw: ` + recOpen},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		var err error
		if c.typ == "" {
			_, err = rec.Next(ctx)
		} else {
			_, err = rec.WaitFor(ctx, c.typ)
		}
		cancel()
		if err == nil || err.Error() != c.want {
			t.Errorf("wait for %q: err = %v, want %s", c.typ, err, c.want)
		}
		var we *websockettest.WaitError
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &we) || we.Type != c.typ || len(we.Seen) != 1 {
			t.Errorf("wait for %q: err = %#v, want a *WaitError matching context.DeadlineExceeded", c.typ, err)
		}
	}
	// A cancelled context fails the same way; the socket is still open.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rec.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context: %v", err)
	}
	if ws.ReadyState() != websocket.Open {
		t.Errorf("ReadyState = %v", ws.ReadyState())
	}
}

// A connection that drops: with the socket known (Dial), the wait ends when the
// socket is finished; without (RecordOptions), at the deadline. Both list the
// trace.
func TestRecorderDropped(t *testing.T) {
	url := recServe(t, func(ctx context.Context, c *cws.Conn, _ int) { c.CloseNow() })
	seen := recOpen + `; close 1006 "" not clean`

	_, rec := websockettest.Dial(t, url, nil)
	_, err := rec.WaitFor(recCtx(t), "message")
	if want := `websockettest: no "message" event before the socket finished; saw: ` + seen; err == nil || err.Error() != want {
		t.Errorf("Dial: err = %v\nwant %s", err, want)
	}
	if !errors.Is(err, websockettest.ErrFinished) {
		t.Errorf("Dial: err %v does not match ErrFinished", err)
	}

	var o websocket.Options
	rec = websockettest.RecordOptions(&o)
	ws, err := websocket.NewWithOptions(url, &o)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ws.Done():
	case <-time.After(recWait):
		t.Fatal("not done")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = rec.WaitFor(ctx, "message")
	if want := `websockettest: no "message" event before the context ended; saw: ` + seen; err == nil || err.Error() != want {
		t.Errorf("RecordOptions: err = %v\nwant %s", err, want)
	}
}

// A reconnecting socket's events across a reconnection: the server drops the
// first connection and closes the second cleanly, after which ShouldReconnect
// says no.
func TestRecorderReconnecting(t *testing.T) {
	server := func(t *testing.T) string {
		return recServe(t, func(ctx context.Context, c *cws.Conn, n int) {
			if n == 1 {
				c.Write(ctx, cws.MessageText, []byte("one"))
				c.CloseNow()
				return
			}
			c.Write(ctx, cws.MessageText, []byte("two"))
			c.Close(cws.StatusNormalClosure, "bye")
		})
	}
	want := []string{
		recOpen, `message text "one"`, `close 1006 "" not clean`,
		recOpen, `message text "two"`, `close 1000 "bye" clean`,
	}
	options := func() *reconnecting.Options {
		return &reconnecting.Options{
			MinReconnectionDelay: time.Millisecond,
			MaxReconnectionDelay: 2 * time.Millisecond,
			ShouldReconnect:      func(e *websocket.CloseEvent) bool { return !e.WasClean },
		}
	}
	for _, c := range []struct {
		name string
		make func(t *testing.T, url string, o *reconnecting.Options) *websockettest.Recorder
	}{
		{"DialReconnecting", func(t *testing.T, url string, o *reconnecting.Options) *websockettest.Recorder {
			_, rec := websockettest.DialReconnecting(t, url, o)
			return rec
		}},
		{"Record", func(t *testing.T, url string, o *reconnecting.Options) *websockettest.Recorder {
			rws, err := reconnecting.New(url, o)
			if err != nil {
				t.Fatal(err)
			}
			return websockettest.Record(rws)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := c.make(t, server(t), options())
			ctx := recCtx(t)
			for _, typ := range []string{"close", "open", "close"} {
				if _, err := rec.WaitFor(ctx, typ); err != nil {
					t.Fatal(err)
				}
			}
			// The socket stops after the clean close: the next wait ends with it.
			if _, err := rec.Next(ctx); !errors.Is(err, websockettest.ErrFinished) {
				t.Errorf("Next after the last close: %v, want ErrFinished", err)
			}
			if diff := cmp.Diff(want, rec.Strings()); diff != "" {
				t.Errorf("Strings (-want +got):\n%s", diff)
			}
		})
	}
}

// Binary messages are recorded as bytes, as a Blob or a []byte as the socket
// delivered them; o's own handlers run after the recorder's.
func TestRecorderBinary(t *testing.T) {
	url := recServe(t, func(ctx context.Context, c *cws.Conn, _ int) {
		c.Write(ctx, cws.MessageBinary, []byte{1, 2, 3})
		c.Write(ctx, cws.MessageBinary, []byte{1, 2, 3})
		c.Close(cws.StatusNormalClosure, "")
	})
	// The handler uses the Recorder, so it is made before the socket: events
	// may come before NewWithOptions (or Dial) returns.
	var rec *websockettest.Recorder
	var inHandler atomic.Int64
	o := websocket.Options{
		OnMessage: func(e *websocket.MessageEvent) {
			inHandler.Store(int64(len(rec.Events()))) // the recorder has the event already
			e.Target.SetBinaryType(websocket.BinaryTypeArrayBuffer)
		},
	}
	rec = websockettest.RecordOptions(&o)
	if _, err := websocket.NewWithOptions(url, &o); err != nil {
		t.Fatal(err)
	}
	if _, err := rec.WaitFor(recCtx(t), "close"); err != nil {
		t.Fatal(err)
	}
	want := []string{recOpen, `message blob "\x01\x02\x03"`, `message arraybuffer "\x01\x02\x03"`, `close 1000 "" clean`}
	if diff := cmp.Diff(want, rec.Strings()); diff != "" {
		t.Errorf("Strings (-want +got):\n%s", diff)
	}
	ev := rec.Events()
	for _, e := range ev[1:3] {
		if !cmp.Equal(e.Binary, []byte{1, 2, 3}) || e.Text != "" {
			t.Errorf("%v: Binary = %v, Text = %q", e, e.Binary, e.Text)
		}
	}
	if ev[1].BinaryType != websocket.BinaryTypeBlob || ev[2].BinaryType != websocket.BinaryTypeArrayBuffer {
		t.Errorf("BinaryType %q, %q", ev[1].BinaryType, ev[2].BinaryType)
	}
	if n := inHandler.Load(); n != 3 {
		t.Errorf("events recorded when o.OnMessage ran for the second message: %d, want 3", n)
	}
}

// A refused handshake: "error" (its Err kept, and shown by a failed wait), then
// "close" 1006.
func TestRecorderError(t *testing.T) {
	var o websocket.Options
	var userErr atomic.Bool
	o.OnError = func(*websocket.Event) { userErr.Store(true) }
	_, rec := websockettest.Dial(t, recServe(t, nil), &o)
	_, err := rec.WaitFor(recCtx(t), "open")
	if diff := cmp.Diff([]string{"error", `close 1006 "" not clean`}, rec.Strings()); diff != "" {
		t.Errorf("Strings (-want +got):\n%s", diff)
	}
	ev := rec.Events()
	if ev[0].Err == nil {
		t.Fatal("error event without Err")
	}
	want := `websockettest: no "open" event before the socket finished; saw: error (` + ev[0].Err.Error() + `); close 1006 "" not clean`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if !userErr.Load() {
		t.Error("o.OnError was not called")
	}
	if o.OnOpen != nil || o.OnClose != nil {
		t.Error("Dial modified o")
	}
}

// Dial's cleanup closes the socket and waits for it.
func TestDialCleanup(t *testing.T) {
	url := recServe(t, func(ctx context.Context, c *cws.Conn, _ int) { recHold(ctx, c) })
	var ws *websocket.WebSocket
	var rws *reconnecting.WebSocket
	t.Run("dial", func(t *testing.T) {
		var rec, rrec *websockettest.Recorder
		ws, rec = websockettest.Dial(t, url, nil)
		rws, rrec = websockettest.DialReconnecting(t, url, nil)
		for _, r := range []*websockettest.Recorder{rec, rrec} {
			if _, err := r.WaitFor(recCtx(t), "open"); err != nil {
				t.Fatal(err)
			}
		}
	})
	for _, done := range []<-chan struct{}{ws.Done(), rws.Done()} {
		select {
		case <-done:
		default:
			t.Error("socket not done after the test's cleanup")
		}
	}
}

func TestDialRefusesBadURL(t *testing.T) {
	ft := &recFatalTB{TB: t}
	func() {
		defer func() { recover() }()
		websockettest.Dial(ft, "ftp://example.com/", nil)
	}()
	if !strings.Contains(ft.msg, "websockettest.Dial") || !strings.Contains(ft.msg, "SyntaxError") {
		t.Errorf("Dial with a bad URL: Fatal(%q)", ft.msg)
	}
}

// recFatalTB records a Fatalf and stops the caller with a panic.
type recFatalTB struct {
	testing.TB
	msg string
}

func (f *recFatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic("fatal")
}

func (f *recFatalTB) Helper() {}

// The text forms, long data included.
func TestEventString(t *testing.T) {
	long := strings.Repeat("a", 63) + "é" + strings.Repeat("b", 10) // é straddles byte 64
	for _, c := range []struct {
		e    websockettest.Event
		want string
	}{
		{websockettest.Event{Type: "open", Protocol: "chat", Extensions: "permessage-deflate"}, `open protocol="chat" extensions="permessage-deflate"`},
		{websockettest.Event{Type: "message", Text: "say \"hi\"\n"}, `message text "say \"hi\"\n"`},
		{websockettest.Event{Type: "message", Text: ""}, `message text ""`},
		{websockettest.Event{Type: "message", BinaryType: websocket.BinaryTypeBlob}, `message blob ""`},
		{websockettest.Event{Type: "message", Text: long}, `message text "` + strings.Repeat("a", 63) + `"… (75 bytes)`},
		{websockettest.Event{Type: "message", Binary: []byte(long), BinaryType: websocket.BinaryTypeArrayBuffer}, `message arraybuffer "` + strings.Repeat("a", 63) + `\xc3"… (75 bytes)`},
		{websockettest.Event{Type: "error", Err: errors.New("boom")}, `error`},
		{websockettest.Event{Type: "close", Code: 1005, Clean: true}, `close 1005 "" clean`},
		{websockettest.Event{Type: "close", Code: 4000, Reason: "ünï"}, `close 4000 "ünï" not clean`},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%+v: String() = %s, want %s", c.e, got, c.want)
		}
	}
}

// A long trace is cut in a WaitError's message: the first 8 events and the
// last 24.
func TestWaitErrorLong(t *testing.T) {
	var seen []websockettest.Event
	for i := 0; i < 40; i++ {
		seen = append(seen, websockettest.Event{Type: "message", Text: string(rune('a' + i%26))})
	}
	msg := (&websockettest.WaitError{Type: "close", Seen: seen, Cause: context.DeadlineExceeded}).Error()
	if n := strings.Count(msg, "message text"); n != 32 {
		t.Errorf("%d events listed, want 32: %s", n, msg)
	}
	if !strings.Contains(msg, `message text "h"; … (8 more); message text "q"`) {
		t.Errorf("no elision where expected: %s", msg)
	}
}

// Each event carries the readyState its connection had as it was dispatched,
// as a browser's listener reads it: OPEN for "open" and messages, CLOSED for
// "error" and "close".
func TestRecorderReadyState(t *testing.T) {
	srv := websockettest.NewServer(t)
	_, rec := websockettest.Dial(t, srv.URL, nil)
	ctx := recCtx(t)
	conn := srv.Accept(ctx)
	if conn == nil {
		t.Fatal("no connection")
	}
	conn.SendText("hi")
	conn.WriteRaw([]byte{0x83, 0x00}) // a reserved opcode: the client fails the connection
	if _, err := rec.WaitFor(ctx, websocket.TypeClose); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rec.Events() {
		got = append(got, fmt.Sprintf("%s %v", e.Type, e.ReadyState))
	}
	want := []string{"open OPEN", "message OPEN", "error CLOSED", "close CLOSED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events and their readyState (-want +got):\n%s", diff)
	}
}

// A reconnecting socket's attempt that fails before it makes a connection
// dispatches "error" and "close" with no Target: they read CLOSED.
func TestRecorderReadyStateWithoutConnection(t *testing.T) {
	o := &reconnecting.Options{MaxRetries: 1, URLProvider: func(context.Context) (string, error) {
		return "", errors.New("no URL today")
	}}
	_, rec := websockettest.DialReconnecting(t, "ws://127.0.0.1:1/", o)
	if _, err := rec.WaitFor(recCtx(t), websocket.TypeClose); err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.Events() {
		if e.ReadyState != websocket.Closed {
			t.Errorf("%s: ReadyState %v, want CLOSED", e, e.ReadyState)
		}
	}
}
