package websocket

import (
	"time"

	"github.com/browserws/websocket/internal/listeners"
)

// Event types, the values of Event.Type.
const (
	TypeOpen    = "open"
	TypeMessage = "message"
	TypeError   = "error"
	TypeClose   = "close"
)

// Event is JavaScript's Event as a WebSocket dispatches it: the whole event for
// "open" and "error", and embedded in MessageEvent and CloseEvent.
type Event struct {
	// Type is "open", "message", "error" or "close".
	Type string
	// Target is the WebSocket that dispatched the event.
	Target *WebSocket
	// TimeStamp is when the event was created, just before its dispatch.
	TimeStamp time.Time
	// Err is a Go extension: on "error" events it tells the cause, which browsers
	// hide from scripts. It is nil on all other events.
	Err error
}

// MessageEvent is dispatched for every message received while the socket is OPEN.
type MessageEvent struct {
	Event
	// Data is a string for a text message; for a binary message it is a *Blob or a
	// []byte, as BinaryType said when the event was dispatched. A []byte belongs to
	// the listeners; the socket never touches it again.
	Data any
	// Origin is the serialized origin of the socket's URL, such as "ws://example.com:8080".
	Origin string
	// LastEventID is always "", as in browsers.
	LastEventID string
}

// CloseEvent is dispatched once, when the socket becomes CLOSED.
type CloseEvent struct {
	Event
	// Code is the close code the server sent, 1005 when its close frame had none, or
	// 1006 when the connection ended without a closing handshake.
	Code int
	// Reason is the close reason the server sent.
	Reason string
	// WasClean is true when the closing handshake completed.
	WasClean bool
}

// EventListener is a listener for one event type, made from a function by one of
// OpenListener, MessageListener, ErrorListener or CloseListener, and given to
// AddEventListener.
type EventListener interface {
	// EventType returns the type of event the listener handles.
	EventType() string
	dispatch(ev any)
}

type (
	// OpenListener listens for "open" events.
	OpenListener func(*Event)
	// MessageListener listens for "message" events.
	MessageListener func(*MessageEvent)
	// ErrorListener listens for "error" events.
	ErrorListener func(*Event)
	// CloseListener listens for "close" events.
	CloseListener func(*CloseEvent)
)

// EventType returns "open".
func (OpenListener) EventType() string { return TypeOpen }

// EventType returns "message".
func (MessageListener) EventType() string { return TypeMessage }

// EventType returns "error".
func (ErrorListener) EventType() string { return TypeError }

// EventType returns "close".
func (CloseListener) EventType() string { return TypeClose }

func (f OpenListener) dispatch(ev any)    { f(ev.(*Event)) }
func (f MessageListener) dispatch(ev any) { f(ev.(*MessageEvent)) }
func (f ErrorListener) dispatch(ev any)   { f(ev.(*Event)) }
func (f CloseListener) dispatch(ev any)   { f(ev.(*CloseEvent)) }

// ListenerOptions are the options of AddEventListener, as in JavaScript.
type ListenerOptions struct {
	// Once removes the listener before its first call.
	Once bool
}

// Registration identifies one listener added by AddEventListener; pass it to
// RemoveEventListener. (Go functions cannot be compared, so the registration
// stands for JavaScript's (type, callback) pair.)
type Registration struct {
	e *listeners.Entry[EventListener]
}

// registry holds a socket's listeners in registration order (internal/listeners,
// shared with package reconnecting).
type registry = listeners.Registry[EventListener]

// attrIndex is the place of the on<typ> handler among the registry's attributes.
func attrIndex(typ string) int { return attrIndexes[typ] }

var attrIndexes = map[string]int{TypeOpen: 0, TypeMessage: 1, TypeError: 2, TypeClose: 3}

// callListener is the registry's dispatch function.
func callListener(l EventListener, ev any) { l.dispatch(ev) }
