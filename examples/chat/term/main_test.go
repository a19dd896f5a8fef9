package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket/examples/chat/chatserver"
	cws "github.com/coder/websocket"
)

// syncBuffer is a bytes.Buffer that the client's event goroutine and the test
// may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Fed by a pipe, the client publishes every line and leaves only once its last
// message has come back from the room.
func TestEndOfInputWaitsForTheEcho(t *testing.T) {
	srv := httptest.NewServer(chatserver.NewHub())
	defer srv.Close()
	var out, status syncBuffer
	err := run("ws"+strings.TrimPrefix(srv.URL, "http"), strings.NewReader("one\ntwo\nthree\n"), &out, &status, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "one\ntwo\nthree\n" {
		t.Fatalf("printed %q, want every line back (status: %q)", got, status.String())
	}
}

// A room that never answers does not keep the client: it leaves after the bound.
func TestEndOfInputLeavesWithoutEcho(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for { // reads, never answers
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	var out, status syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run("ws"+strings.TrimPrefix(srv.URL, "http"), strings.NewReader("hello\n"), &out, &status, 100*time.Millisecond)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the client did not leave after the end of its input")
	}
	if !strings.Contains(status.String(), "no echo") {
		t.Fatalf("status %q does not say the echo did not come", status.String())
	}
}
