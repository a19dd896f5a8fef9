package websocket_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/browserws/websocket"
)

// TestMain starts the shared test server of the scenario suite (internal/wstest)
// in this process, or takes the one named by BROWSERWS_TEST_SERVER, which WASM
// runs need since WASM cannot listen, and hands its URL to the internal tests
// (export_test.go) and the external ones (serverURL).
func TestMain(m *testing.M) {
	serverURL = os.Getenv("BROWSERWS_TEST_SERVER")
	stop := func() {}
	if serverURL == "" {
		var err error
		serverURL, stop, err = startTestServer()
		if err != nil {
			fmt.Fprintln(os.Stderr, "browserws tests:", err)
			os.Exit(2)
		}
	}
	websocket.SetServerURL(serverURL)
	code := m.Run()
	stop()
	os.Exit(code)
}

// serverURL is the ws:// base URL of the shared test server.
var serverURL string
