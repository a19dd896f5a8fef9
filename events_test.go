package websocket

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListenerOrderOnceAndRemoval(t *testing.T) {
	var r registry
	var got []string
	mark := func(s string) OpenListener { return func(*Event) { got = append(got, s) } }

	r.add(mark("first"), false)
	r.setAttr(TypeOpen, mark("onopen"))
	r.add(mark("once"), true)
	var remover *Registration
	victim := r.add(mark("victim"), false)
	remover = r.add(OpenListener(func(*Event) { got = append(got, "remover"); r.remove(victim) }), false)
	_ = remover
	r.add(MessageListener(func(*MessageEvent) { got = append(got, "message") }), false)
	// victim comes before remover, so it runs on the first dispatch; move it behind.
	r.remove(victim)
	victim = r.add(mark("victim"), false)
	r.setAttr(TypeOpen, mark("onopen2")) // keeps its place

	r.dispatch(TypeOpen, &Event{Type: TypeOpen})
	r.dispatch(TypeOpen, &Event{Type: TypeOpen})
	want := []string{
		"first", "onopen2", "once", "remover", // victim removed by remover during dispatch
		"first", "onopen2", "remover",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dispatch order (-want +got):\n%s", diff)
	}

	got = nil
	r.setAttr(TypeOpen, nil)
	r.setAttr(TypeOpen, mark("onopen3")) // set again after clearing: goes last
	r.add(mark("late"), false)
	r.dispatch(TypeOpen, &Event{Type: TypeOpen})
	want = []string{"first", "remover", "onopen3", "late"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after clearing onopen (-want +got):\n%s", diff)
	}
}

func TestListenerAddedDuringDispatchWaitsForNextEvent(t *testing.T) {
	var r registry
	var got []string
	r.add(OpenListener(func(*Event) {
		got = append(got, "a")
		r.add(OpenListener(func(*Event) { got = append(got, "b") }), true)
	}), true)
	r.dispatch(TypeOpen, &Event{})
	r.dispatch(TypeOpen, &Event{})
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Error(diff)
	}
}
