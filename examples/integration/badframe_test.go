//go:build !js

package integration

import (
	"context"
	"testing"
	"time"

	"github.com/browserws/websocket/websockettest"
	"github.com/google/go-cmp/cmp"
)

// A server that breaks the protocol, scripted step by step: the client must
// fail the connection as a browser does.
func TestClientFailsOnReservedBit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv := websockettest.NewServer(t) // no handler: the test plays the server
	_, rec := websockettest.Dial(t, srv.URL, nil)
	conn := srv.Accept(ctx)
	if _, err := rec.WaitFor(ctx, "open"); err != nil {
		t.Fatal(err)
	}

	// A text frame with RSV2 set, which no extension was negotiated to use.
	bad := websockettest.Frame{Fin: true, RSV2: true, Opcode: websockettest.OpText, Payload: []byte("hi")}
	if err := conn.WriteFrame(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := rec.WaitFor(ctx, "close"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`open protocol="" extensions=""`,
		`error`,
		`close 1006 "" not clean`,
	}
	if diff := cmp.Diff(want, rec.Strings()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// On the wire, the client failed the connection with close frame 1002
	// (protocol error).
	ce, err := conn.WaitClosed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ce.Code != 1002 {
		t.Errorf("the client's close frame: %d %q, want 1002", ce.Code, ce.Reason)
	}
}
