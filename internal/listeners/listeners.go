// Package listeners is the event-listener registry that package websocket and
// package reconnecting share: listeners in registration order, the on* handler
// attributes kept at the place where each was first set (as JavaScript's event
// handler attributes are), once-listeners, removal during a dispatch, and the
// setup window in which an event waits for its first listener.
package listeners

import (
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one registered listener of type L.
type Entry[L any] struct {
	typ     string
	l       L
	once    bool
	removed bool // guarded by the registry's mutex
}

// Registry holds listeners of type L. The zero value is empty and ready.
type Registry[L any] struct {
	mu      sync.Mutex
	entries []*Entry[L]
	attr    [4]*Entry[L]  // the on* handlers, at most one per type
	added   chan struct{} // closed and replaced when a listener is added; nil until asked for
}

// addedLocked wakes whoever waits for a new listener.
func (r *Registry[L]) addedLocked() {
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
}

// Add adds l for events of typ, after those already there.
func (r *Registry[L]) Add(typ string, l L, once bool) *Entry[L] {
	e := &Entry[L]{typ: typ, l: l, once: once}
	r.mu.Lock()
	r.entries = append(r.entries, e)
	r.addedLocked()
	r.mu.Unlock()
	return e
}

// Remove removes e; removing it twice, or nil, does nothing.
func (r *Registry[L]) Remove(e *Entry[L]) {
	if e == nil {
		return
	}
	r.mu.Lock()
	r.removeLocked(e)
	r.mu.Unlock()
}

func (r *Registry[L]) removeLocked(e *Entry[L]) {
	if e.removed {
		return
	}
	e.removed = true
	for i, x := range r.entries {
		if x == e {
			r.entries = append(r.entries[:i:i], r.entries[i+1:]...)
			break
		}
	}
}

// SetAttr sets the on<typ> handler to l, or removes it when set is false. A new
// handler replaces the old one in its place. slot is the attribute's index
// (0 to 3), one per event type.
func (r *Registry[L]) SetAttr(slot int, typ string, l L, set bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.attr[slot]
	switch {
	case !set:
		if cur != nil {
			r.removeLocked(cur)
			r.attr[slot] = nil
		}
	case cur != nil:
		cur.l = l
	default:
		e := &Entry[L]{typ: typ, l: l}
		r.attr[slot] = e
		r.entries = append(r.entries, e)
		r.addedLocked()
	}
}

// Has reports whether a listener of typ is registered and, if not, returns a
// channel that is closed when one may have been added.
func (r *Registry[L]) Has(typ string) (bool, <-chan struct{}) {
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

// Dispatch calls call(l, ev) for the listeners of typ registered now, in order.
// A listener removed by an earlier one in the same dispatch is not called; one
// added is not either, as in the DOM. call should be a plain function, so that a
// dispatch allocates nothing.
func (r *Registry[L]) Dispatch(typ string, ev any, call func(L, any)) {
	r.mu.Lock()
	var stack [8]*Entry[L]
	list := stack[:0]
	for _, e := range r.entries {
		if e.typ == typ {
			list = append(list, e)
		}
	}
	// The first listener is taken under the same lock (no listener ran before
	// it to remove it), so that the usual dispatch to one listener locks once.
	var first L
	if len(list) > 0 {
		e := list[0]
		if e.once {
			r.removeLocked(e)
		}
		first = e.l
	}
	r.mu.Unlock()
	if len(list) == 0 {
		return
	}
	call(first, ev)
	for _, e := range list[1:] {
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

// Clear drops every listener, so that a finished socket holds on to no user code.
func (r *Registry[L]) Clear() {
	r.mu.Lock()
	for _, e := range r.entries {
		e.removed = true
	}
	r.entries = nil
	r.attr = [4]*Entry[L]{}
	r.mu.Unlock()
}

// SetupWindow is the time after a socket is made during which an event that
// finds no listener of its type waits for one instead of being dropped:
// JavaScript runs no event before the script that made the socket has finished,
// and Go code that sets handlers right after New must see the same.
type SetupWindow struct {
	deadline time.Time
	over     atomic.Bool
	end      chan struct{}
	once     sync.Once
}

// Start opens the window for d from now.
func (w *SetupWindow) Start(d time.Duration) {
	w.end = make(chan struct{})
	w.deadline = time.Now().Add(d)
}

// End closes the window early (Done was called, or the socket is finished).
func (w *SetupWindow) End() {
	w.once.Do(func() {
		w.over.Store(true)
		if w.end != nil {
			close(w.end)
		}
	})
}

// Await is called before an event of typ is dispatched: within the window, while
// r has no listener of typ, it waits for one, for the window's end, or for End.
func Await[L any](w *SetupWindow, r *Registry[L], typ string) {
	if w.over.Load() {
		return
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		ok, added := r.Has(typ)
		left := time.Until(w.deadline)
		if left <= 0 {
			w.over.Store(true) // later events skip the registry's lock
		}
		if ok || left <= 0 {
			return
		}
		if timer == nil {
			timer = time.NewTimer(left)
		}
		select {
		case <-added:
		case <-w.end:
			return
		case <-timer.C:
			w.over.Store(true)
			return
		}
	}
}
