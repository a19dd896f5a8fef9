//go:build !js

package websocket_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/browserws/websocket"
)

// An integration test of a server's authentication: the error event's Err
// says with what status, and what challenge, the handshake was refused.
func ExampleHandshakeError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		http.Error(w, "no token", http.StatusUnauthorized)
	}))
	defer srv.Close()

	ws, err := websocket.NewWithOptions("ws"+srv.URL[len("http"):]+"/feed", &websocket.Options{
		OnError: func(e *websocket.Event) {
			var he *websocket.HandshakeError
			if errors.As(e.Err, &he) {
				fmt.Println("status:", he.StatusCode)
				fmt.Println("challenge:", he.Header["Www-Authenticate"][0])
			}
		},
		OnClose: func(e *websocket.CloseEvent) { fmt.Println("close:", e.Code, e.WasClean) },
	})
	if err != nil {
		panic(err)
	}
	<-ws.Done()
	// Output:
	// status: 401
	// challenge: Bearer realm="api"
	// close: 1006 false
}
