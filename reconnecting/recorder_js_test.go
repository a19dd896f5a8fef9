//go:build js

package reconnecting_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// The kit (package websockettest) does not build for WASM: its recorder is
// replaced here by a light one with the fields and methods the tests use.

// event is one event as the socket's handler saw it (the fields of the kit's
// Event that the tests read).
type event struct {
	Type       string
	Text       string
	Binary     []byte
	BinaryType websocket.BinaryType
	Code       int
	Reason     string
	Clean      bool
	Err        error
}

func (e event) String() string {
	switch e.Type {
	case "message":
		return fmt.Sprintf("message %q", data(e))
	case "close":
		return fmt.Sprintf("close %d %q clean=%v", e.Code, e.Reason, e.Clean)
	}
	return e.Type
}

// recorder keeps every event in order; Next takes them one by one.
type recorder struct {
	mu     sync.Mutex
	events []event
	taken  int
	added  chan struct{}
}

func (r *recorder) add(e event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	close(r.added)
	r.added = make(chan struct{})
	r.mu.Unlock()
}

// Next returns the next event, waiting for it until ctx ends.
func (r *recorder) Next(ctx context.Context) (event, error) {
	for {
		r.mu.Lock()
		if r.taken < len(r.events) {
			e := r.events[r.taken]
			r.taken++
			r.mu.Unlock()
			return e, nil
		}
		added, seen := r.added, len(r.events)
		r.mu.Unlock()
		select {
		case <-added:
		case <-ctx.Done():
			return event{}, fmt.Errorf("no event: %w (%d seen, all taken)", ctx.Err(), seen)
		}
	}
}

// dial makes a reconnecting socket to url with o and a recorder of its events,
// installed before the first connection starts (o's own handlers are called
// after it); the test's cleanup closes the socket and waits for its Done.
func dial(t *testing.T, url string, o *reconnecting.Options) (*reconnecting.WebSocket, *recorder) {
	t.Helper()
	var opts reconnecting.Options
	if o != nil {
		opts = *o
	}
	r := &recorder{added: make(chan struct{})}
	onOpen, onMessage, onError, onClose := opts.OnOpen, opts.OnMessage, opts.OnError, opts.OnClose
	opts.OnOpen = func(e *websocket.Event) {
		r.add(event{Type: e.Type})
		if onOpen != nil {
			onOpen(e)
		}
	}
	opts.OnMessage = func(e *websocket.MessageEvent) {
		ev := event{Type: e.Type}
		switch d := e.Data.(type) {
		case string:
			ev.Text = d
		case []byte:
			ev.Binary, ev.BinaryType = d, websocket.BinaryTypeArrayBuffer
		case *websocket.Blob:
			ev.Binary, ev.BinaryType = d.Bytes(), websocket.BinaryTypeBlob
		}
		r.add(ev)
		if onMessage != nil {
			onMessage(e)
		}
	}
	opts.OnError = func(e *websocket.Event) {
		r.add(event{Type: e.Type, Err: e.Err})
		if onError != nil {
			onError(e)
		}
	}
	opts.OnClose = func(e *websocket.CloseEvent) {
		r.add(event{Type: e.Type, Code: e.Code, Reason: e.Reason, Clean: e.WasClean})
		if onClose != nil {
			onClose(e)
		}
	}
	rws, err := reconnecting.New(url, &opts)
	if err != nil {
		t.Fatalf("reconnecting.New(%q): %v", url, err)
	}
	t.Cleanup(func() {
		rws.Close()
		select {
		case <-rws.Done():
		case <-time.After(wait):
			t.Error(errors.New("the socket was not done after Close"))
		}
	})
	return rws, r
}
