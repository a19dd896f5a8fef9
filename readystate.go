package websocket

import "strconv"

// ReadyState is the state of a WebSocket's connection, as JavaScript's
// WebSocket.readyState reports it: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED.
type ReadyState uint8

// The four states of a WebSocket, with the numeric values browsers use.
const (
	// Connecting: the connection has not yet been established (WebSocket.CONNECTING, 0).
	Connecting ReadyState = 0
	// Open: the connection is established and communication is possible (WebSocket.OPEN, 1).
	Open ReadyState = 1
	// Closing: the closing handshake has started, or Close was called while connecting
	// (WebSocket.CLOSING, 2).
	Closing ReadyState = 2
	// Closed: the connection is closed or could not be opened (WebSocket.CLOSED, 3).
	Closed ReadyState = 3
)

// String returns the name JavaScript gives the state's constant: "CONNECTING", "OPEN",
// "CLOSING" or "CLOSED". Values outside 0–3 read as "ReadyState(n)".
func (s ReadyState) String() string {
	if names := [...]string{"CONNECTING", "OPEN", "CLOSING", "CLOSED"}; int(s) < len(names) {
		return names[s]
	}
	return "ReadyState(" + strconv.Itoa(int(s)) + ")"
}
