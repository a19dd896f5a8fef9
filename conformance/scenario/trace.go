// Package scenario holds the conformance scenarios as data, the trace format every
// runtime produces, and the Go driver that runs a scenario through
// github.com/browserws/websocket (natively or compiled to WASM). The JavaScript
// driver of cmd/conformance runs the same data through a runtime's own WebSocket
// and produces the same JSON.
package scenario

// Trace is what one runtime showed for one scenario.
type Trace struct {
	// Scenario is the scenario's name.
	Scenario string `json:"scenario"`
	// Entries are the recorded steps, in order.
	Entries []Entry `json:"entries"`
	// ElapsedMS is how long the scenario took, from the constructor to the end
	// (reported, not compared).
	ElapsedMS int `json:"elapsedMS"`
}

// Entry is one step of a trace: the constructor ("new"), an action ("do"), an
// event ("open", "message", "error", "close"), a "timeout", or what the server
// received ("server", added by the harness). Fields that do not apply are empty.
type Entry struct {
	// Event is "new", "do", "open", "message", "error", "close", "timeout" or "server".
	Event string `json:"event"`
	// Action describes the action of a "do" entry, such as `close(1000,"x")`.
	Action string `json:"action,omitempty"`
	// Exception is the DOMException name an action or the constructor threw
	// (Go: the error returned), such as "SyntaxError".
	Exception string `json:"exception,omitempty"`
	// ReadyState is the socket's readyState at this step.
	ReadyState int `json:"readyState"`
	// URL is ws.url, recorded by "new" and the attrs action.
	URL string `json:"url,omitempty"`
	// Protocol and Extensions are recorded by "open" and the attrs action.
	Protocol   string `json:"protocol,omitempty"`
	Extensions string `json:"extensions,omitempty"`
	// BinaryType is recorded by "new" and the attrs action.
	BinaryType string `json:"binaryType,omitempty"`
	// BufferedAmount is recorded by the attrs action (and "new").
	BufferedAmount int `json:"bufferedAmount,omitempty"`
	// Data describes a message's data: "text:…", "blob:N:…" or "arraybuffer:N:…".
	Data string `json:"data,omitempty"`
	// Origin is a message event's origin.
	Origin string `json:"origin,omitempty"`
	// Code, Reason and WasClean are a close event's, or what the server received.
	Code     int    `json:"code,omitempty"`
	Reason   string `json:"reason,omitempty"`
	WasClean bool   `json:"wasClean,omitempty"`
}
