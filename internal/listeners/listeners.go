// Package listeners is the event-listener registry of packages websocket and
// reconnecting: listeners in registration order, the on* handlers kept where each
// was first set (as JavaScript's event handler attributes are), once-listeners,
// removal during a dispatch, and the setup window (SetupWindow).
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

// addLocked appends e and wakes whoever waits for a new listener.
func (r *Registry[L]) addLocked(e *Entry[L]) *Entry[L] {
	r.entries = append(r.entries, e)
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
	return e
}

// Add adds l for events of typ, after those already there.
func (r *Registry[L]) Add(typ string, l L, once bool) *Entry[L] {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addLocked(&Entry[L]{typ: typ, l: l, once: once})
}

// Remove removes e; removing it twice, or nil, does nothing.
func (r *Registry[L]) Remove(e *Entry[L]) {
	if e != nil {
		r.mu.Lock()
		r.removeLocked(e)
		r.mu.Unlock()
	}
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

// SetAttr sets the on<typ> handler, attribute slot (0 to 3), to l in the old one's
// place, or removes it when set is false.
func (r *Registry[L]) SetAttr(slot int, typ string, l L, set bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.attr[slot]
	switch {
	case cur != nil && !set:
		r.removeLocked(cur)
		r.attr[slot] = nil
	case cur != nil:
		cur.l = l
	case set:
		r.attr[slot] = r.addLocked(&Entry[L]{typ: typ, l: l})
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

// Dispatch calls call(l, ev) for the listeners of typ registered now, in order;
// as in the DOM, not one removed or added by an earlier one. call should be a
// plain function, so that a dispatch allocates nothing.
func (r *Registry[L]) Dispatch(typ string, ev any, call func(L, any)) {
	r.mu.Lock()
	var stack [8]*Entry[L]
	list := stack[:0]
	for _, e := range r.entries {
		if e.typ == typ {
			list = append(list, e)
		}
	}
	if len(list) == 0 {
		r.mu.Unlock()
		return
	}
	// Each listener is taken under the lock, the first under the one that listed
	// it (no listener ran before), so that a dispatch to one listener locks once.
	for i, e := range list {
		if i > 0 {
			r.mu.Lock()
		}
		l, live := e.l, !e.removed
		if live && e.once {
			r.removeLocked(e)
		}
		r.mu.Unlock()
		if live {
			call(l, ev)
		}
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

// SetupWindow is the time after New in which an event that finds no listener of
// its type waits for one instead of being dropped: JavaScript runs no event before
// the script that made the socket has finished, and Go code must see the same.
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
	var timer *time.Timer
	for !w.over.Load() {
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
			defer timer.Stop()
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
