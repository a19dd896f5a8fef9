package websocket

import (
	"sync"
	"time"
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

// OpenListener listens for "open" events.
type OpenListener func(*Event)

// MessageListener listens for "message" events.
type MessageListener func(*MessageEvent)

// ErrorListener listens for "error" events.
type ErrorListener func(*Event)

// CloseListener listens for "close" events.
type CloseListener func(*CloseEvent)

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
	typ     string
	l       EventListener
	once    bool
	removed bool // guarded by the registry's mutex
}

// registry holds a socket's listeners in registration order. The on* handler of
// each type is an entry like any other, kept at the place where it was first set,
// as with JavaScript's event handler attributes.
type registry struct {
	mu      sync.Mutex
	entries []*Registration
	attr    [4]*Registration // the on* handlers, by attrIndex
	added   chan struct{}    // closed and replaced when a listener is added; nil until asked for
}

// addedLocked wakes whoever waits for a new listener.
func (r *registry) addedLocked() {
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
}

// has reports whether a listener of typ is registered and, if not, returns a
// channel that is closed when one may have been added.
func (r *registry) has(typ string) (bool, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.entries {
		if e.typ == typ {
			return true, nil
		}
	}
	if r.added == nil {
		r.added = make(chan struct{})
	}
	return false, r.added
}

func (r *registry) add(l EventListener, once bool) *Registration {
	reg := &Registration{typ: l.EventType(), l: l, once: once}
	r.mu.Lock()
	r.entries = append(r.entries, reg)
	r.addedLocked()
	r.mu.Unlock()
	return reg
}

func (r *registry) remove(reg *Registration) {
	if reg == nil {
		return
	}
	r.mu.Lock()
	r.removeLocked(reg)
	r.mu.Unlock()
}

func (r *registry) removeLocked(reg *Registration) {
	if reg.removed {
		return
	}
	reg.removed = true
	for i, e := range r.entries {
		if e == reg {
			r.entries = append(r.entries[:i:i], r.entries[i+1:]...)
			break
		}
	}
}

// attrIndex is the place of the on<typ> handler in registry.attr.
func attrIndex(typ string) int {
	switch typ {
	case TypeOpen:
		return 0
	case TypeMessage:
		return 1
	case TypeError:
		return 2
	}
	return 3 // TypeClose
}

// setAttr sets the on<typ> handler: l nil removes it; a new non-nil l replaces
// the old one in its place.
func (r *registry) setAttr(typ string, l EventListener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := attrIndex(typ)
	cur := r.attr[i]
	if l == nil {
		if cur != nil {
			r.removeLocked(cur)
			r.attr[i] = nil
		}
		return
	}
	if cur != nil {
		cur.l = l
		return
	}
	reg := &Registration{typ: typ, l: l}
	r.attr[i] = reg
	r.entries = append(r.entries, reg)
	r.addedLocked()
}

// dispatch calls the listeners of typ registered now, in order. A listener removed
// by an earlier one in the same dispatch is not called; one added is not either,
// as in the DOM.
func (r *registry) dispatch(typ string, ev any) {
	r.mu.Lock()
	var stack [8]*Registration
	list := stack[:0]
	for _, e := range r.entries {
		if e.typ == typ {
			list = append(list, e)
		}
	}
	r.mu.Unlock()
	for _, e := range list {
		r.mu.Lock()
		if e.removed {
			r.mu.Unlock()
			continue
		}
		if e.once {
			r.removeLocked(e)
		}
		l := e.l
		r.mu.Unlock()
		l.dispatch(ev)
	}
}

// clear drops every listener, so that a closed socket holds on to no user code.
func (r *registry) clear() {
	r.mu.Lock()
	for _, e := range r.entries {
		e.removed = true
	}
	r.entries = nil
	r.attr = [4]*Registration{}
	r.mu.Unlock()
}
