package reconnecting

import (
	"sync"
	"time"

	"github.com/browserws/websocket"
)

// Registration identifies one listener added by AddEventListener; pass it to
// RemoveEventListener.
type Registration struct {
	typ     string
	l       websocket.EventListener
	once    bool
	removed bool // guarded by registry.mu
}

// registry holds the reconnecting socket's listeners, which outlive each
// connection: the connections' own listeners only forward to these. The on*
// handlers are entries kept where they were first set, as in JavaScript.
type registry struct {
	mu      sync.Mutex
	entries []*Registration
	attr    map[string]*Registration
	added   chan struct{} // closed when a listener is added; nil until waited for
}

func (r *registry) add(l websocket.EventListener, once bool) *Registration {
	reg := &Registration{typ: l.EventType(), l: l, once: once}
	r.mu.Lock()
	r.entries = append(r.entries, reg)
	r.wakeLocked()
	r.mu.Unlock()
	return reg
}

func (r *registry) wakeLocked() {
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
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
			return
		}
	}
}

// setAttr sets the on<typ> handler; a nil l removes it.
func (r *registry) setAttr(typ string, l websocket.EventListener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.attr[typ]
	switch {
	case l == nil && cur != nil:
		r.removeLocked(cur)
		delete(r.attr, typ)
	case l != nil && cur != nil:
		cur.l = l
	case l != nil:
		if r.attr == nil {
			r.attr = map[string]*Registration{}
		}
		reg := &Registration{typ: typ, l: l}
		r.attr[typ] = reg
		r.entries = append(r.entries, reg)
		r.wakeLocked()
	}
}

// has reports whether a listener of typ is registered and, if not, returns a
// channel closed when one may have been added.
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

// dispatch calls the listeners of ev's type registered now, in order; one removed
// by an earlier one is skipped, as in the DOM.
func (r *registry) dispatch(typ string, ev any) {
	r.mu.Lock()
	var list []*Registration
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
		call(l, ev)
	}
}

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

// clear drops every listener once the socket is done, so that it holds on to no
// user code.
func (r *registry) clear() {
	r.mu.Lock()
	for _, e := range r.entries {
		e.removed = true
	}
	r.entries, r.attr = nil, nil
	r.mu.Unlock()
}

// setupWindow is how long after New an event that finds no listener of its type
// waits for one, as package websocket does: Go code that sets handlers right
// after New must see the first "open", as JavaScript code would (a page runs no
// event before the script that made the socket has finished).
const setupWindow = 250 * time.Millisecond

// awaitListener is called before dispatching an event of typ: within the setup
// window, while no listener of typ is registered, it waits for one, for the
// window's end, or for Done to be called.
func (rws *WebSocket) awaitListener(typ string) {
	left := time.Until(rws.setupDeadline)
	if left <= 0 {
		return
	}
	t := time.NewTimer(left)
	defer t.Stop()
	for {
		ok, added := rws.listeners.has(typ)
		if ok {
			return
		}
		select {
		case <-added:
		case <-rws.setupEnd:
			return
		case <-t.C:
			return
		}
	}
}
