//go:build js && wasm

package websocket

import "time"

// Options configures a WebSocket made by NewWithOptions. The zero value gives what
// New gives. Fields marked native-only have no browser counterpart: under
// GOOS=js GOARCH=wasm, setting one makes NewWithOptions fail with an error
// matching ErrUnsupportedOption that names it.
//
// Options has the same fields in both backends, so code that sets native-only
// fields compiles for GOOS=js too. Here Header and HTTPClient have types that do
// not need net/http, so that a WASM program links neither net/http nor crypto/tls
// through this package: an http.Header value is assignable to Header (the same
// map type), and a *http.Client to HTTPClient (any).
type Options struct {
	// Protocols are the subprotocols to offer, as New's protocols argument.
	Protocols []string

	// OnOpen, OnMessage, OnError and OnClose are installed as the on* handlers
	// before the connection starts, so no event can be missed.
	OnOpen    func(*Event)
	OnMessage func(*MessageEvent)
	OnError   func(*Event)
	OnClose   func(*CloseEvent)

	// PageURL is the URL of the page the socket belongs to, as in a browser: a
	// relative URL given to New (and the empty one) resolves against it, with
	// http read as ws and https as wss, and the handshake sends its origin as
	// Origin (an Origin in Header wins), as every browser does, so that a server
	// that checks Origin sees what it would see from that page. It must be an
	// absolute http or https URL. Native-only: in WASM the page is real.
	PageURL string
	// Header holds extra handshake request headers, such as Origin, Authorization
	// or Cookie. Natively it is an http.Header; here it is the same map type, so
	// an http.Header value is assignable to it (its methods are not available on
	// the field). Native-only: the browser writes the handshake's headers.
	Header map[string][]string
	// HTTPClient makes the handshake request (TLS settings, proxy, cookie jar).
	// Natively it is a *http.Client; here it is any, so that a *http.Client is
	// assignable to it. Nil, or a nil *http.Client, means not set. Native-only:
	// the browser makes the handshake request.
	HTTPClient any
	// DisableCompression stops the permessage-deflate offer that browsers, and by
	// default this package, make. Native-only.
	DisableCompression bool
	// MaxMessageSize is the largest message accepted; a larger one fails the
	// connection with close code 1009. 0 means DefaultMaxMessageSize; a negative
	// value means no limit. Native-only.
	MaxMessageSize int64
	// MaxBufferedAmount, when not 0, bounds the send queue: a Send that would make
	// the bytes not yet written exceed it fails the connection and returns
	// ErrBufferFull. (BufferedAmount may read more: as in Chromium, written bytes
	// leave it only between events.) 0 means no limit but memory, as in
	// browsers. Native-only.
	MaxBufferedAmount uint64
	// HandshakeTimeout bounds the opening handshake; when it passes, the
	// connection fails. 0 means DefaultHandshakeTimeout; a negative value means
	// no limit. Native-only.
	HandshakeTimeout time.Duration

	// PingInterval, when not 0, makes the socket send a ping after every
	// PingInterval of its life, so that a dead peer is noticed (a NAT that dropped
	// the mapping, a server that hung): browsers never ping, so 0, the default,
	// sends none. Native-only.
	PingInterval time.Duration
	// PingTimeout is how long a ping may wait for its pong; when it passes, the
	// connection fails ("error" with Err matching ErrPingTimeout, then "close"
	// 1006, not clean). 0 means PingInterval. A pong can only be read while the
	// socket reads: while a slow listener holds the event queue full, a late pong
	// does not fail the connection, and the next ping tries again. Native-only.
	PingTimeout time.Duration
}
