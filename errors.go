package websocket

import (
	"errors"
	"strings"
)

// DOMException is the Go form of the DOMException a browser throws from the
// WebSocket constructor, send() and close(). Match a kind with errors.Is against
// ErrSyntax, ErrSecurity, ErrInvalidState or ErrInvalidAccess; read the details
// with errors.As. In WASM, any DOMException the page's constructor throws is one.
type DOMException struct {
	// Name is the DOMException's name, such as "SyntaxError".
	Name string
	// Message says what was wrong, in the words of this package.
	Message string
}

// Error returns "websocket: Name: Message".
func (e *DOMException) Error() string {
	if e.Message == "" {
		return "websocket: " + e.Name
	}
	return "websocket: " + e.Name + ": " + e.Message
}

// Is reports whether target is the sentinel of the same name (ErrSyntax and the like),
// so that errors.Is(err, ErrSyntax) holds for every SyntaxError this package returns.
func (e *DOMException) Is(target error) bool {
	t, ok := target.(*DOMException)
	return ok && t.Message == "" && t.Name == e.Name
}

// Sentinels for the DOMExceptions a browser's WebSocket throws; compare with errors.Is.
var (
	// ErrSyntax is JavaScript's SyntaxError: an invalid URL or protocol list, or a
	// close reason longer than 123 bytes.
	ErrSyntax error = &DOMException{Name: "SyntaxError"}
	// ErrSecurity is JavaScript's SecurityError, which the page's WebSocket
	// constructor throws for a ws: URL from a page loaded over https (mixed
	// content). Only the browser backend returns it: natively there is no page.
	ErrSecurity error = &DOMException{Name: "SecurityError"}
	// ErrInvalidState is JavaScript's InvalidStateError: Send while CONNECTING.
	ErrInvalidState error = &DOMException{Name: "InvalidStateError"}
	// ErrInvalidAccess is JavaScript's InvalidAccessError: a close code other than
	// 1000 or 3000–4999.
	ErrInvalidAccess error = &DOMException{Name: "InvalidAccessError"}
)

// Errors that have no DOMException counterpart. They reach the caller from Send or
// NewWithOptions, or the Err field of an error event.
var (
	// ErrUnsupportedData is returned by Send for a value that is not a string,
	// []byte or *Blob (JavaScript would throw a TypeError).
	ErrUnsupportedData = errors.New("websocket: Send takes a string, []byte or *Blob")
	// ErrBufferFull is returned by Send, and carried by the error event, when the send
	// queue would grow past Options.MaxBufferedAmount: the connection is failed.
	ErrBufferFull = errors.New("websocket: buffer full")
	// ErrClosedWhileConnecting is carried by the error event when Close is called
	// before the connection was established.
	ErrClosedWhileConnecting = errors.New("websocket: closed before the connection was established")
	// ErrInvalidUTF8 is carried by the error event when the server sends a text
	// message that is not valid UTF-8 (the connection is failed with close code 1002,
	// "Invalid UTF-8 in text frame", as Chromium does; RFC 6455 names 1007).
	ErrInvalidUTF8 = errors.New("websocket: text message is not valid UTF-8")
	// ErrPingTimeout is carried by the error event when a keepalive ping
	// (Options.PingInterval) got no pong within Options.PingTimeout: the
	// connection is failed.
	ErrPingTimeout = errors.New("websocket: no pong within the ping timeout")
	// ErrProtocolMismatch is carried by the error event when the server selects a
	// subprotocol that was not offered, or none when some were offered.
	ErrProtocolMismatch = errors.New("websocket: server's subprotocol does not match the offer")
	// ErrUnsupportedOption is returned by NewWithOptions under GOOS=js GOARCH=wasm for
	// an option that only the native backend has; the error names the option.
	ErrUnsupportedOption = errors.New("websocket: option not supported by the browser backend")
)

func syntaxError(msg string) error { return &DOMException{Name: "SyntaxError", Message: msg} }

// urlError is the Err of an error event whose cause does not name the socket's
// URL: "websocket: <during><url>: <cause>" (during is "connecting to " for a
// failed opening handshake, nameURL, and "" after it, withURL), with the cause
// kept for errors.Is and errors.As (a *net.OpError, ErrInvalidUTF8 …).
type urlError struct {
	during, url string
	err         error
}

func (e *urlError) Error() string {
	return "websocket: " + e.during + e.url + ": " + strings.TrimPrefix(e.err.Error(), "websocket: ")
}

func (e *urlError) Unwrap() error { return e.err }

// withURL makes err, the cause of a failed connection, name the socket's URL,
// unless it already does (a HandshakeError, a failure to connect).
func withURL(url string, err error) error {
	if err == nil || strings.Contains(err.Error(), url) {
		return err
	}
	return &urlError{url: url, err: err}
}
