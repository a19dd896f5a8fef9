//go:build !js

package reconnecting_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// Natively every test has servers of its own, the kit's.

// echoURL is the URL of a server that sends every message back.
func echoURL(t *testing.T) string {
	return websockettest.NewServer(t, websockettest.Echo).URL + "/echo"
}

// greetURL is the URL of a server that sends text on each connection, then
// echoes.
func greetURL(t *testing.T, text string) string {
	return websockettest.NewServer(t, func(c *websockettest.Conn) {
		if c.SendText(text) == nil {
			websockettest.Echo(c)
		}
	}).URL
}

// dropURL is the URL of a server that ends each connection at once, without a
// close frame.
func dropURL(t *testing.T) string {
	return websockettest.NewServer(t, func(c *websockettest.Conn) { c.Drop() }).URL
}

// closeURL is the URL of a server that starts the closing handshake with code
// and reason at once.
func closeURL(t *testing.T, code int, reason string) string {
	return websockettest.NewServer(t, func(c *websockettest.Conn) { c.Close(code, reason) }).URL
}

// refusingURL is the URL of a server that is down: it refuses every opening
// handshake with 503.
func refusingURL(t *testing.T) string {
	s := websockettest.NewServer(t)
	s.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Status: http.StatusServiceUnavailable}
	})
	return s.URL
}

// silentURL is the URL of a server that takes the opening handshake and never
// answers it (until the client gives up, or the test ends).
func silentURL(t *testing.T) string {
	s := websockettest.NewServer(t)
	s.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Delay: time.Hour}
	})
	return s.URL
}

// restartable is an echo server that the test takes down and brings back at
// the same URL: the kit's fault proxy in front of a kit server. Down drops
// every connection without a close frame and refuses new handshakes with 503,
// as a server that restarts behind a load balancer; up forwards them again.
type restartable struct {
	url string
	p   *websockettest.Proxy
}

func newRestartable(t *testing.T) *restartable {
	p := websockettest.NewProxy(t, websockettest.NewServer(t, websockettest.Echo).URL)
	return &restartable{url: p.URL, p: p}
}

// echoURL is the URL of the server's echo.
func (s *restartable) echoURL() string { return s.url }

func (s *restartable) down(t *testing.T) {
	s.p.SetRefuse(http.StatusServiceUnavailable)
	s.p.DropAll()
}

func (s *restartable) up(t *testing.T) { s.p.SetRefuse(0) }
