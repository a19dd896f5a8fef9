package main

import (
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestGenerateDeterministic checks that a script depends only on (seed, n) and
// that its query is one /script accepts.
func TestGenerateDeterministic(t *testing.T) {
	for n := range 200 {
		a, b := generate(3, n), generate(3, n)
		if a.query() != b.query() || a.String() != b.String() {
			t.Fatalf("script %d differs between two generations", n)
		}
		q, err := url.ParseQuery(a.query())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range q["w"] {
			if p, ok := strings.CutPrefix(w, "p"); ok {
				_, err = strconv.Atoi(p)
			} else {
				_, err = hex.DecodeString(w)
			}
			if err != nil {
				t.Fatalf("script %d: bad step %q", n, w)
			}
		}
	}
}
