//go:build !js

package websockettest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// Event is one event of a socket as a Recorder saw it: a plain value, with the
// fields of its type set and the others zero. Its String method gives the
// one-line text form that traces are compared in.
type Event struct {
	// Type is "open", "message", "error" or "close".
	Type string

	// Protocol and Extensions are, for "open", the subprotocol and extensions
	// the server selected (the connection's Protocol and Extensions when the
	// event was dispatched).
	Protocol, Extensions string

	// Text is the data of a text message.
	Text string
	// Binary is the data of a binary message, read from the *websocket.Blob or
	// taken as the []byte the event carried. It is shared by the copies Events
	// returns: do not modify it.
	Binary []byte
	// BinaryType is how a binary message was delivered:
	// websocket.BinaryTypeBlob (a *websocket.Blob) or
	// websocket.BinaryTypeArrayBuffer (a []byte). It is "" for a text message
	// and for the other event types.
	BinaryType websocket.BinaryType

	// Code, Reason and Clean are a "close" event's Code, Reason and WasClean.
	Code   int
	Reason string
	Clean  bool

	// Err is an "error" event's Err, its cause. It is not part of the text form
	// (see String).
	Err error

	// TimeStamp is the event's TimeStamp.
	TimeStamp time.Time

	// ReadyState is the readyState of the connection that dispatched the event
	// (its Target) as the event was dispatched, as a JavaScript test reads
	// ws.readyState in a listener; in a browser, OPEN for "open" and messages
	// (none is dispatched once the socket is CLOSING), CLOSED for "error" and
	// "close". An "error" or "close" of a *reconnecting.WebSocket's attempt
	// that failed before it made a connection has no Target: it reads CLOSED,
	// the state of an attempt that ended. It is not part of the text form.
	ReadyState websocket.ReadyState
}

// maxShown is how many bytes of a message's data the text form shows.
const maxShown = 64

// String returns the event's one-line text form, made to be compared:
//
//	open protocol="chat" extensions=""
//	message text "hi"
//	message blob "\x01\x02"
//	message arraybuffer "\x01\x02"
//	error
//	close 1000 "bye" clean
//	close 1006 "" not clean
//
// Strings are quoted as strconv.Quote does. A message longer than 64 bytes
// shows its first 64 bytes (for text, whole characters only) and its length:
// message text "aaaa…aaaa"… (100000 bytes). An error event is "error" alone:
// its Err says what failed in words that differ between backends and
// versions (a browser gives none), so a trace stays comparable; the Err is in
// the Event, and the error of a failed Next or WaitFor shows it.
func (e Event) String() string {
	switch e.Type {
	case websocket.TypeOpen:
		return fmt.Sprintf("open protocol=%q extensions=%q", e.Protocol, e.Extensions)
	case websocket.TypeMessage:
		if e.BinaryType == "" {
			return "message text " + quoteData(e.Text, true)
		}
		return "message " + string(e.BinaryType) + " " + quoteData(string(e.Binary), false)
	case websocket.TypeError:
		return "error"
	case websocket.TypeClose:
		clean := "clean"
		if !e.Clean {
			clean = "not clean"
		}
		return fmt.Sprintf("close %d %q %s", e.Code, e.Reason, clean)
	}
	return e.Type
}

// quoteData quotes a message's data, cut at maxShown bytes (at a character
// boundary for text).
func quoteData(s string, text bool) string {
	if len(s) <= maxShown {
		return fmt.Sprintf("%q", s)
	}
	cut := maxShown
	for text && cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

// describe is the event as a failed wait lists it: the text form, and for an
// error event its Err.
func (e Event) describe() string {
	if e.Type == websocket.TypeError && e.Err != nil {
		return fmt.Sprintf("error (%v)", e.Err)
	}
	return e.String()
}

// Recorder records the events of a socket, a *websocket.WebSocket or a
// *reconnecting.WebSocket, in the order they are dispatched. Tests wait for
// events with Next and WaitFor and compare the whole trace with Events or
// Strings:
//
//	ws, rec := websockettest.Dial(t, url, nil)
//	…
//	if diff := cmp.Diff([]string{`open protocol="" extensions=""`, `message text "hi"`, `close 1000 "bye" clean`}, rec.Strings()); diff != "" {
//		t.Errorf("events (-want +got):\n%s", diff)
//	}
//
// A Recorder keeps every event, messages' data included, for as long as it
// lives. Its methods are safe to call from any goroutine, including from the
// socket's listeners (though a listener that waits in Next or WaitFor for a
// later event of its own socket waits until its context ends: the socket
// dispatches one event at a time). Make one with Record,
// RecordOptions, Dial or DialReconnecting.
type Recorder struct {
	mu     sync.Mutex
	events []Event
	next   int           // the first event Next and WaitFor have not returned
	added  chan struct{} // closed, and replaced, when an event is recorded
	done   <-chan struct{}
}

func newRecorder() *Recorder { return &Recorder{added: make(chan struct{})} }

func (r *Recorder) add(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	if r.added != nil {
		close(r.added)
	}
	r.added = make(chan struct{})
	r.mu.Unlock()
}

// setDone gives the recorder its socket's Done channel.
func (r *Recorder) setDone(done <-chan struct{}) {
	r.mu.Lock()
	r.done = done
	r.mu.Unlock()
}

// newEvent is the part of an Event every type has.
func newEvent(e *websocket.Event) Event {
	ev := Event{Type: e.Type, TimeStamp: e.TimeStamp, Err: e.Err}
	switch {
	case e.Target != nil:
		ev.ReadyState = e.Target.ReadyState()
	case e.Type == websocket.TypeError || e.Type == websocket.TypeClose:
		ev.ReadyState = websocket.Closed // an attempt that made no connection
	}
	return ev
}

func (r *Recorder) open(e *websocket.Event) {
	ev := newEvent(e)
	if e.Target != nil {
		ev.Protocol, ev.Extensions = e.Target.Protocol(), e.Target.Extensions()
	}
	r.add(ev)
}

func (r *Recorder) message(e *websocket.MessageEvent) {
	ev := newEvent(&e.Event)
	switch d := e.Data.(type) {
	case string:
		ev.Text = d
	case []byte:
		ev.Binary, ev.BinaryType = d, websocket.BinaryTypeArrayBuffer
	case *websocket.Blob:
		ev.Binary, ev.BinaryType = d.Bytes(), websocket.BinaryTypeBlob
	}
	r.add(ev)
}

func (r *Recorder) error(e *websocket.Event) {
	r.add(newEvent(e))
}

func (r *Recorder) close(e *websocket.CloseEvent) {
	ev := newEvent(&e.Event)
	ev.Code, ev.Reason, ev.Clean = e.Code, e.Reason, e.WasClean
	r.add(ev)
}

// Record starts recording the events of s, a *websocket.WebSocket or a
// *reconnecting.WebSocket, by adding a listener of each type with
// AddEventListener.
//
// Called right after websocket.New (or reconnecting.New), before any handler
// or listener of the socket's own is set, Record misses no event: for 250 ms
// after New, an event that finds no listener of its type waits for one (see
// websocket.New). The socket's own handlers lose that guarantee: once the
// recorder listens, no event waits any more, so a handler set after Record may
// miss the first events (and a handler set before Record takes an event of its
// type at once, so Record may miss it). When the socket's own handlers must see
// every event too, install them with the recorder's before the connection
// starts: Dial, DialReconnecting or RecordOptions.
//
// Next and WaitFor return at once with an error once s is finished (its Done is
// closed) and every event has been taken. Record calls s.Done, which ends the
// setup window; by then the recorder listens to every event type, so no event
// waits for a listener any more.
func Record[S *websocket.WebSocket | *reconnecting.WebSocket](s S) *Recorder {
	r := newRecorder()
	switch s := any(s).(type) {
	case *websocket.WebSocket:
		s.AddEventListener(websocket.OpenListener(r.open))
		s.AddEventListener(websocket.MessageListener(r.message))
		s.AddEventListener(websocket.ErrorListener(r.error))
		s.AddEventListener(websocket.CloseListener(r.close))
		r.setDone(s.Done())
	case *reconnecting.WebSocket:
		s.AddEventListener(websocket.OpenListener(r.open))
		s.AddEventListener(websocket.MessageListener(r.message))
		s.AddEventListener(websocket.ErrorListener(r.error))
		s.AddEventListener(websocket.CloseListener(r.close))
		r.setDone(s.Done())
	}
	return r
}

// RecordOptions returns a Recorder of the events of the socket made with o:
// it sets o's OnOpen, OnMessage, OnError and OnClose to handlers that record
// each event and then call the handler that was there, if any. Make the socket
// with o afterwards, with websocket.NewWithOptions or, for a
// *reconnecting.Options ro, RecordOptions(&ro.Options) and reconnecting.New: the
// handlers are installed before the connection starts, so no event is missed.
// Use a fresh o, or a copy, for each socket.
//
// The Recorder does not know the socket, so Next and WaitFor wait for their
// context to end even when the socket is finished; Dial and DialReconnecting,
// which make the socket, do not.
func RecordOptions(o *websocket.Options) *Recorder {
	r := newRecorder()
	onOpen, onMessage, onError, onClose := o.OnOpen, o.OnMessage, o.OnError, o.OnClose
	o.OnOpen = func(e *websocket.Event) {
		r.open(e)
		if onOpen != nil {
			onOpen(e)
		}
	}
	o.OnMessage = func(e *websocket.MessageEvent) {
		r.message(e)
		if onMessage != nil {
			onMessage(e)
		}
	}
	o.OnError = func(e *websocket.Event) {
		r.error(e)
		if onError != nil {
			onError(e)
		}
	}
	o.OnClose = func(e *websocket.CloseEvent) {
		r.close(e)
		if onClose != nil {
			onClose(e)
		}
	}
	return r
}

// cleanupWait bounds how long the cleanup of Dial and DialReconnecting waits
// for the socket's Done after closing it: more than the 60 s Chromium waits for
// a server that never ends its side of the closing handshake.
const cleanupWait = 90 * time.Second

// Dial makes a socket to url with websocket.NewWithOptions and o (nil means no
// options), with a Recorder of its events installed through o's handlers, so
// that no event is missed; o's own handlers, if any, are called too, after the
// recorder's. o is not modified. Like websocket.New, Dial does not wait for the
// connection: wait for "open" with the Recorder. Listeners added to the socket
// after Dial may miss its first events (the recorder's handlers already take
// every type, so no event waits for them): pass handlers in o. Those may run
// before Dial returns; a handler that needs the Recorder needs RecordOptions.
//
// If NewWithOptions fails, Dial calls t.Fatal. When the test ends, a cleanup
// closes the socket and waits for its Done.
func Dial(t testing.TB, url string, o *websocket.Options) (*websocket.WebSocket, *Recorder) {
	t.Helper()
	var opts websocket.Options
	if o != nil {
		opts = *o
	}
	r := RecordOptions(&opts)
	ws, err := websocket.NewWithOptions(url, &opts)
	if err != nil {
		t.Fatalf("websockettest.Dial: %v", err)
	}
	r.setDone(ws.Done())
	t.Cleanup(func() {
		ws.Close()
		waitDone(t, ws.Done(), url)
	})
	return ws, r
}

// DialReconnecting is Dial for a reconnecting socket: it makes one with
// reconnecting.New and o (nil means the defaults), with a Recorder of the
// events of all its connections installed through o's handlers, which are
// called too, after the recorder's. o is not modified. If reconnecting.New fails, it calls t.Fatal; when the test ends, a
// cleanup closes the socket, which stops reconnecting, and waits for its Done.
func DialReconnecting(t testing.TB, url string, o *reconnecting.Options) (*reconnecting.WebSocket, *Recorder) {
	t.Helper()
	var opts reconnecting.Options
	if o != nil {
		opts = *o
	}
	r := RecordOptions(&opts.Options)
	rws, err := reconnecting.New(url, &opts)
	if err != nil {
		t.Fatalf("websockettest.DialReconnecting: %v", err)
	}
	r.setDone(rws.Done())
	t.Cleanup(func() {
		rws.Close()
		waitDone(t, rws.Done(), url)
	})
	return rws, r
}

func waitDone(t testing.TB, done <-chan struct{}, url string) {
	timer := time.NewTimer(cleanupWait)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Errorf("websockettest: the socket to %s was not done %v after Close", url, cleanupWait)
	}
}

// ErrFinished is the cause of a WaitError when the socket is finished (its
// Done is closed), so that no event will come.
var ErrFinished = errors.New("websockettest: the socket is finished")

// WaitError is the error of a Next or WaitFor that ended without its event. Its
// message names the event looked for and lists what was recorded:
//
//	websockettest: no "message" event before the context ended; saw: open protocol="" extensions=""; close 1006 "" not clean
//
// Events are listed in their text form (Event.String), an error event with its
// Err: error (…).
type WaitError struct {
	// Type is the event type WaitFor looked for, "" for Next.
	Type string
	// Seen is every event recorded so far, in order.
	Seen []Event
	// Cause is why the wait ended: the context's error
	// (context.DeadlineExceeded or context.Canceled) or ErrFinished.
	Cause error
}

// maxListed is how many events a WaitError's message lists at most: the
// first few and the last ones.
const maxListed = 32

// Error returns the message shown above. Of a trace of more than 32 events it
// lists the first 8 and the last 24.
func (e *WaitError) Error() string {
	var b strings.Builder
	b.WriteString("websockettest: no ")
	if e.Type != "" {
		fmt.Fprintf(&b, "%q ", e.Type)
	}
	b.WriteString("event before ")
	if errors.Is(e.Cause, ErrFinished) {
		b.WriteString("the socket finished")
	} else {
		b.WriteString("the context ended")
	}
	b.WriteString("; saw: ")
	if len(e.Seen) == 0 {
		b.WriteString("nothing")
	}
	const head = 8
	for i, ev := range e.Seen {
		if len(e.Seen) > maxListed && i >= head && i < len(e.Seen)-(maxListed-head) {
			if i == head {
				fmt.Fprintf(&b, "; … (%d more)", len(e.Seen)-maxListed)
			}
			continue
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(ev.describe())
	}
	return b.String()
}

// Unwrap returns Cause, so that errors.Is(err, context.DeadlineExceeded) and
// errors.Is(err, ErrFinished) work.
func (e *WaitError) Unwrap() error { return e.Cause }

// Next returns the next event, waiting for it until ctx ends. Next and WaitFor
// take events in turn from the same trace: each event is returned once, by
// one of them. An event already recorded is returned even if ctx has ended.
// When no event comes before ctx ends, or before the socket is finished (see
// Record), Next returns a *WaitError that lists what was seen.
func (r *Recorder) Next(ctx context.Context) (Event, error) { return r.wait(ctx, "") }

// WaitFor returns the next event of type typ ("open", "message", "error" or
// "close"), passing over the events of other types (they stay in Events). It
// waits as Next does, and fails as Next does, with a *WaitError naming typ.
// Another typ is an error at once.
func (r *Recorder) WaitFor(ctx context.Context, typ string) (Event, error) {
	return r.wait(ctx, typ)
}

func (r *Recorder) wait(ctx context.Context, typ string) (Event, error) {
	switch typ {
	case "", websocket.TypeOpen, websocket.TypeMessage, websocket.TypeError, websocket.TypeClose:
	default:
		return Event{}, fmt.Errorf("websockettest: WaitFor: unknown event type %q", typ)
	}
	var cause error
	for {
		r.mu.Lock()
		if r.added == nil {
			r.added = make(chan struct{})
		}
		for r.next < len(r.events) {
			e := r.events[r.next]
			r.next++
			if typ == "" || e.Type == typ {
				r.mu.Unlock()
				return e, nil
			}
		}
		added, done := r.added, r.done
		if cause != nil {
			seen := append([]Event(nil), r.events...)
			r.mu.Unlock()
			return Event{}, &WaitError{Type: typ, Seen: seen, Cause: cause}
		}
		r.mu.Unlock()
		// One more look after the wait ends, for an event recorded meanwhile.
		select {
		case <-added:
		case <-done:
			cause = ErrFinished
		case <-ctx.Done():
			cause = ctx.Err()
		}
	}
}

// Events returns a copy of every event recorded so far, in order, those taken
// by Next and WaitFor included.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Strings returns the text form (Event.String) of every event recorded so far,
// in order: the trace to compare with cmp.Diff.
func (r *Recorder) Strings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := make([]string, len(r.events))
	for i, e := range r.events {
		s[i] = e.String()
	}
	return s
}
