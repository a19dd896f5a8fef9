package reconnecting

import (
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/listeners"
)

// Registration identifies one listener added by AddEventListener; pass it to
// RemoveEventListener.
type Registration struct {
	e *listeners.Entry[websocket.EventListener]
}

// registry holds the reconnecting socket's listeners, which outlive each
// connection: the connections' own listeners only forward to these. It is
// package websocket's registry (internal/listeners).
type registry = listeners.Registry[websocket.EventListener]

// call runs a listener. The four listener types of package websocket are the
// only implementations of websocket.EventListener (its dispatch method is
// unexported), so a type switch reaches every one.
func call(l websocket.EventListener, ev any) {
	switch f := l.(type) {
	case websocket.OpenListener:
		f(ev.(*websocket.Event))
	case websocket.MessageListener:
		f(ev.(*websocket.MessageEvent))
	case websocket.ErrorListener:
		f(ev.(*websocket.Event))
	case websocket.CloseListener:
		f(ev.(*websocket.CloseEvent))
	}
}

// setupWindow is how long after New an event that finds no listener of its type
// waits for one, as package websocket does: Go code that sets handlers right
// after New must see the first "open", as JavaScript code would (a page runs no
// event before the script that made the socket has finished).
const setupWindow = 250 * time.Millisecond

// awaitListener is called before dispatching an event of typ: within the setup
// window, while no listener of typ is registered, it waits for one, for the
// window's end, or for Done to be called.
func (rws *WebSocket) awaitListener(typ string) { listeners.Await(&rws.setup, &rws.listeners, typ) }
