package websocket

import (
	"errors"
	"strconv"
)

// HandshakeError is the Err of the error event when the server answered the
// opening handshake with an HTTP status other than 101 Switching Protocols:
// a refusal (401, 403, 404 …) or a redirect (3xx), which browsers do not
// follow for WebSockets and neither does this package. Match it with errors.As:
//
//	var he *websocket.HandshakeError
//	if errors.As(e.Err, &he) && he.StatusCode == 401 { … he.Header["Www-Authenticate"] … }
//
// Only the native backend reports it: a browser hides the status from pages, so
// under GOOS=js the error event's Err is a plain error. The type has no net/http
// in it, so that WASM builds of code that mentions it do not link net/http.
type HandshakeError struct {
	// URL is the socket's URL, as URL() returns it (ws: or wss:).
	URL string
	// StatusCode is the HTTP status of the server's answer, such as 403.
	StatusCode int
	// Header holds the answer's header fields, keyed by their canonical names
	// ("Www-Authenticate", "Location"), as net/http's Header would be.
	Header map[string][]string
}

// Error says which URL was refused, with what status; for a redirect, where to.
func (e *HandshakeError) Error() string {
	s := "websocket: the server refused the WebSocket handshake of " + e.URL + " with HTTP status " + strconv.Itoa(e.StatusCode)
	if loc := e.Header["Location"]; e.StatusCode >= 300 && e.StatusCode < 400 && len(loc) > 0 {
		s += " (a redirect to " + loc[0] + ", which WebSockets do not follow)"
	}
	return s
}

// nameURL makes err, a failure of the opening handshake, a urlError that names
// the URL; a HandshakeError or urlError, which name it already, is kept as it is.
func nameURL(url string, err error) error {
	var he *HandshakeError
	var ue *urlError
	if err == nil || errors.As(err, &he) || errors.As(err, &ue) {
		return err
	}
	return &urlError{during: "connecting to ", url: url, err: err}
}
