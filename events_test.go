package websocket

import (
	"testing"

	"github.com/browserws/websocket/internal/listeners"
	"github.com/google/go-cmp/cmp"
)

// The registry's calls as the socket makes them.
func add(r *registry, l EventListener, once bool) *listeners.Entry[EventListener] {
	return r.Add(l.EventType(), l, once)
}
func setAttr(r *registry, typ string, l EventListener) { r.SetAttr(attrIndex(typ), typ, l, l != nil) }
func dispatch(r *registry, typ string, ev any)         { r.Dispatch(typ, ev, callListener) }

func TestListenerOrderOnceAndRemoval(t *testing.T) {
	var r registry
	var got []string
	mark := func(s string) OpenListener { return func(*Event) { got = append(got, s) } }

	add(&r, mark("first"), false)
	setAttr(&r, TypeOpen, mark("onopen"))
	add(&r, mark("once"), true)
	var remover *listeners.Entry[EventListener]
	victim := add(&r, mark("victim"), false)
	remover = add(&r, OpenListener(func(*Event) { got = append(got, "remover"); r.Remove(victim) }), false)
	_ = remover
	add(&r, MessageListener(func(*MessageEvent) { got = append(got, "message") }), false)
	// victim comes before remover, so it runs on the first dispatch; move it behind.
	r.Remove(victim)
	victim = add(&r, mark("victim"), false)
	setAttr(&r, TypeOpen, mark("onopen2")) // keeps its place

	dispatch(&r, TypeOpen, &Event{Type: TypeOpen})
	dispatch(&r, TypeOpen, &Event{Type: TypeOpen})
	want := []string{
		"first", "onopen2", "once", "remover", // victim removed by remover during dispatch
		"first", "onopen2", "remover",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dispatch order (-want +got):\n%s", diff)
	}

	got = nil
	setAttr(&r, TypeOpen, nil)
	setAttr(&r, TypeOpen, mark("onopen3")) // set again after clearing: goes last
	add(&r, mark("late"), false)
	dispatch(&r, TypeOpen, &Event{Type: TypeOpen})
	want = []string{"first", "remover", "onopen3", "late"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after clearing onopen (-want +got):\n%s", diff)
	}
}

func TestListenerAddedDuringDispatchWaitsForNextEvent(t *testing.T) {
	var r registry
	var got []string
	add(&r, OpenListener(func(*Event) {
		got = append(got, "a")
		add(&r, OpenListener(func(*Event) { got = append(got, "b") }), true)
	}), true)
	dispatch(&r, TypeOpen, &Event{})
	dispatch(&r, TypeOpen, &Event{})
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Error(diff)
	}
}
