package main

import (
	"bytes"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

// writes is a script's query as /script plays it: the writes' bytes, in order,
// and the pause before each.
func writes(t *testing.T, s script) (ws [][]byte, pauses []string) {
	t.Helper()
	q, err := url.ParseQuery(s.query())
	if err != nil {
		t.Fatal(err)
	}
	pause := ""
	for _, w := range q["w"] {
		if strings.HasPrefix(w, "p") {
			pause += w
			continue
		}
		b, err := hex.DecodeString(w)
		if err != nil {
			t.Fatal(err)
		}
		ws, pauses, pause = append(ws, b), append(pauses, pause), ""
	}
	return ws, pauses
}

// TestSplitVariant checks the split variant of a script with a join, a split and
// a pause: one write per frame, gapMS apart but for the item's own pause.
func TestSplitVariant(t *testing.T) {
	g := gen{}
	a, b := frame{op: 1, payload: []byte("a")}, frame{fin: true, op: 1, payload: []byte("b")}
	ping := frame{fin: true, op: 9, payload: bytes.Repeat([]byte("p"), 126)}
	huge := frame{fin: true, op: 2, lenSize: 8, claim: 1 << 40}
	s := script{n: 7, head: []string{"HTTP/1.1 101 Switching Protocols"}, end: "fin"}
	s.items = []item{g.wrap(a, b), g.wrap(ping), g.wrap(huge)}
	s.items[0].pauseMS, s.items[0].split = 50, 3
	s.items[1].join = true
	ws, _ := writes(t, s)
	if len(ws) != 3 { // "a"+half of "b", rest of "b"+ping, huge
		t.Fatalf("original: %d writes, want 3", len(ws))
	}

	v, ok := splitVariant(s)
	if !ok {
		t.Fatal("splitVariant: not ok for a script with a join")
	}
	ws, pauses := writes(t, v)
	want := []frame{a, b, ping, huge}
	if len(ws) != len(want) {
		t.Fatalf("variant: %d writes, want %d", len(ws), len(want))
	}
	for i, f := range want {
		if !bytes.Equal(ws[i], f.bytes()) {
			t.Errorf("variant write %d is %x, want %x (%v)", i, ws[i], f.bytes(), f)
		}
		wantPause := "p20"
		if i == 0 {
			wantPause = "p50"
		}
		if pauses[i] != wantPause {
			t.Errorf("variant write %d comes after %q, want %q", i, pauses[i], wantPause)
		}
	}
	if v.n != s.n || v.end != s.end || len(s.items) != 3 || s.items[0].split != 3 || !s.items[1].join {
		t.Error("splitVariant changed the script's number or end, or the original script")
	}

	// Without a join or a write of several frames, there is no variant.
	one := script{head: s.head, end: "fin", items: []item{g.wrap(b), g.wrap(ping)}}
	one.items[0].split = 2
	if _, ok := splitVariant(one); ok {
		t.Error("splitVariant: ok for a script of one frame per item, without joins")
	}
}

// TestSplitVariantGenerated checks the variants of generated scripts: the same
// bytes, one frame per write, and a variant exactly when a write of the
// original holds bytes of several frames.
func TestSplitVariantGenerated(t *testing.T) {
	for n := range 300 {
		s := generate(1, n)
		v, ok := splitVariant(s)
		ws, _ := writes(t, s)
		vws, _ := writes(t, v)
		if !bytes.Equal(bytes.Join(ws, nil), bytes.Join(vws, nil)) {
			t.Fatalf("script %d: the variant writes other bytes", n)
		}
		// Frame boundaries of the original, from the items' frames.
		var ends []int
		at := 0
		for _, it := range s.items {
			for _, f := range it.frames {
				at += len(f.bytes())
				ends = append(ends, at)
			}
		}
		several := false // a write of the original holds bytes of two frames
		at, k := 0, 0
		for _, w := range ws {
			for k < len(ends) && ends[k] <= at {
				k++
			}
			at += len(w)
			several = several || (k < len(ends) && ends[k] < at)
		}
		if several && !ok {
			t.Errorf("script %d: a write holds several frames, but no variant", n)
		}
		if !ok {
			continue
		}
		for i, w := range vws {
			if len(v.items[i].frames) != 1 || !bytes.Equal(w, v.items[i].frames[0].bytes()) {
				t.Fatalf("script %d: variant write %d is not one whole frame", n, i)
			}
		}
	}
}
