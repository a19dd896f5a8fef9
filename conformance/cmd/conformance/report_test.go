package main

import (
	"strings"
	"testing"

	"github.com/browserws/websocket/conformance/scenario"
)

// An undocumented difference in a Go runtime fails the run; a documented one, or
// one in a Node runtime, does not.
func TestCompareGates(t *testing.T) {
	scs := []scenario.Scenario{
		{Name: "same"},
		{Name: "native differs", Source: "x"},
		{Name: "documented", Differs: map[string]string{rtNative: "on purpose"}},
		{Name: "node differs"},
	}
	ref := []scenario.Entry{{Event: "open", ReadyState: 1}, {Event: "close", ReadyState: 3, Code: 1000, WasClean: true}}
	other := []scenario.Entry{{Event: "open", ReadyState: 1}, {Event: "close", ReadyState: 3, Code: 1006}}
	traces := func(differ ...int) []scenario.Trace {
		out := make([]scenario.Trace, len(scs))
		for i, sc := range scs {
			out[i] = scenario.Trace{Scenario: sc.Name, Entries: ref}
			for _, d := range differ {
				if d == i {
					out[i].Entries = other
				}
			}
		}
		return out
	}
	r := compare(scs, map[string][]scenario.Trace{
		rtChromium: traces(), rtNative: traces(1, 2), rtWASMChromium: traces(), rtNode: traces(3),
	})
	if r.failures != 1 {
		t.Errorf("failures = %d, want 1", r.failures)
	}
	if same, doc, total, _ := r.score(rtNative); same != 2 || doc != 1 || total != 4 {
		t.Errorf("native score = %d same, %d documented of %d", same, doc, total)
	}
	md := r.markdown()
	for _, want := range []string{"[❌](#d2-native)", "[📝](#d3-native)", "on purpose", "- close readyState=3 code=1000", "+ close readyState=3 code=1006"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestCheckIgnoresRuntimeVersions(t *testing.T) {
	committed := "The reference is plain JavaScript `WebSocket` in headless Chrome/156.0.8078.114; every\n| JS in Node (ref.) — Node v20.20.2 | **109/238** |\n"
	newer := "The reference is plain JavaScript `WebSocket` in headless Chrome/148.0.7778.167; every\n| JS in Node (ref.) — Node v22.1.0 | **109/238** |\n"
	if line, ok := firstDifference(withoutVersions(committed), withoutVersions(newer)); !ok {
		t.Errorf("reports that differ only in the runtimes' versions differ at line %d", line)
	}
	changed := strings.Replace(newer, "**109/238**", "**108/238**", 1)
	if line, ok := firstDifference(withoutVersions(committed), withoutVersions(changed)); ok || line != 2 {
		t.Errorf("a changed score: firstDifference = %d, %v; want line 2, a difference", line, ok)
	}
}
