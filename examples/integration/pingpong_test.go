//go:build !js

package integration

import (
	"context"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// The README's side-by-side with Playwright's page.routeWebSocket: a mocked
// server answers "pong" to "ping", and the client gets it.
func TestClientGetsPong(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := websockettest.NewServer(t) // the mocked server, played below
	_, rec := websockettest.Dial(t, srv.URL+"/ws", &websocket.Options{
		OnOpen: func(e *websocket.Event) { e.Target.Send("ping") }, // the client under test
	})

	conn := srv.Accept(ctx)
	if msg, err := conn.Read(ctx); err != nil || string(msg.Data) != "ping" {
		t.Fatalf("server got %v, %v; want ping", msg, err)
	}
	conn.SendText("pong")

	if e, err := rec.WaitFor(ctx, "message"); err != nil || e.Text != "pong" {
		t.Fatalf("client got %v, %v; want pong", e, err)
	}
}
