// Package reconnecting is a WebSocket that reconnects, shaped like the
// browser's WebSocket (package websocket) and named like reconnecting-websocket
// and partysocket, the libraries JavaScript clients wrap their sockets in:
//
//	rws := new ReconnectingWebSocket(url, [], {maxRetries: 10})  // JavaScript
//	rws, err := reconnecting.New(url, &reconnecting.Options{MaxRetries: 10})  // Go
//
// A *WebSocket has the methods and events of *websocket.WebSocket. Its events
// come from each connection in turn: "open" on every (re)connection, "message",
// "error", and "close" each time a connection ends; then, after a back-off, the
// next attempt. The event values are those of the connection (their Target is
// that connection's *websocket.WebSocket, or nil for an attempt that made no
// connection: a URLProvider error). Events are dispatched one at a time, in
// order, never two at once, across connections too.
//
// The back-off before attempt n (n ≥ 1 since the last connection that stayed open
// MinUptime) is MinReconnectionDelay × ReconnectionDelayGrowFactor^(n−1), at most
// MaxReconnectionDelay, plus jitter (up to one more growth step, never past the
// maximum). The first connection, and the one Reconnect asks for, wait nothing.
//
// Send while not OPEN queues the message; the queue is sent in order when the
// next connection opens, before its "open" event is dispatched. When the queue
// holds MaxEnqueuedMessages, new messages are dropped (the oldest are kept), as
// reconnecting-websocket does.
//
// The socket stops for good, and Done is closed, after Close or CloseWithCode
// (at once during a back-off; during an attempt, once that attempt has failed),
// when MaxRetries attempts in a row have failed, or when ShouldReconnect returns
// false. Nothing of it runs after Done.
package reconnecting
