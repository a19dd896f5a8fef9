//go:build !js

package reconnecting_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/browserws/websocket/websockettest"
)

// native tells the backend under test: the native one here.
const native = true

// serverURL is the ws:// base URL of the server the examples reach (they have
// no testing.T to start a kit Server with): natively one started by TestMain,
// which serves the few /kit/ paths they use the way the command
// websockettest/cmd/wstestserver does, so that an example reads the same in
// both builds.
var serverURL string

func srv(pathQuery string) string { return serverURL + pathQuery }

func TestMain(m *testing.M) {
	h := websockettest.NewHandler(serveKit)
	h.SetHandshake(func(r *http.Request) websockettest.Handshake {
		if r.URL.Path == "/kit/refuse" {
			return websockettest.Handshake{Status: queryInt(r, "status", http.StatusForbidden)}
		}
		return websockettest.Handshake{}
	})
	s := httptest.NewServer(h)
	serverURL = "ws" + strings.TrimPrefix(s.URL, "http")
	code := m.Run()
	if err := h.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "reconnecting tests:", err)
		code = 1
	}
	s.Close()
	os.Exit(code)
}

// serveKit serves /kit/echo and /kit/close?code=&reason=&now=1 (at once, as
// the examples ask) as the command does; any other path is dropped.
func serveKit(c *websockettest.Conn) {
	r := c.Request()
	switch r.URL.Path {
	case "/kit/echo":
		websockettest.Echo(c)
	case "/kit/close":
		if r.URL.Query().Get("now") != "1" {
			if _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
		c.Close(queryInt(r, "code", 1000), r.URL.Query().Get("reason"))
	default:
		c.Drop()
	}
}

func queryInt(r *http.Request, name string, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil {
		return n
	}
	return def
}
