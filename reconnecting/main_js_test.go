//go:build js

package reconnecting_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// native tells the backend under test: the browser one here.
const native = false

// serverURL is the ws:// base URL of the command
// websockettest/cmd/wstestserver, named by BROWSERWS_TEST_SERVER: WASM cannot
// listen, so the servers of these tests are its behaviours.
var serverURL string

func srv(pathQuery string) string { return strings.TrimSuffix(serverURL, "/") + pathQuery }

// TestMain fails a run without a server; it never skips.
func TestMain(m *testing.M) {
	if serverURL = os.Getenv("BROWSERWS_TEST_SERVER"); serverURL == "" {
		fmt.Fprintln(os.Stderr, "reconnecting tests: BROWSERWS_TEST_SERVER is not set: start websockettest/cmd/wstestserver and pass its URL (WASM cannot listen)")
		os.Exit(2)
	}
	os.Exit(m.Run())
}
