package main

import (
	"strings"
	"testing"
)

// The URL step's inputs: WPT's special-scheme inputs, their ws(s) variants and
// the control characters, each input once.
func TestURLCases(t *testing.T) {
	cases, err := urlCases("../../" + urlTestData)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	seen := map[string]bool{}
	for _, c := range cases {
		count[c.Group]++
		if seen[c.Input] {
			t.Errorf("input %q twice", c.Input)
		}
		seen[c.Input] = true
	}
	if count[groupWPT] < 300 || count[groupVariants] < 300 || count[groupControls] != 18*34 || count[groupProbes] < 100 {
		t.Errorf("groups: %v", count)
	}
	for _, in := range []string{
		"http://example\t.\norg", // WPT, with its tab and newline
		"ws://example\t.\norg",   // its variant
		"\u0000\u001b\u0004\u0012 ws://example.com/\u001f \u000d ", // a variant keeps the controls around it
		"ws://h.example/?x\x00y\x00",                               // the case
	} {
		if !seen[in] {
			t.Errorf("no case %q", in)
		}
	}
	if seen["sc://faß.ExAmPlE/"] || seen["non-special://test:@test/x"] {
		t.Error("a non-special scheme was taken")
	}
}

// An undocumented difference fails the run and is listed; a documented one is
// listed with its reason.
func TestURLResultGates(t *testing.T) {
	documented := "ws://\u2460.example/"
	r := &urlResult{
		cases:    []urlCase{{groupWPT, "ws://a/"}, {groupWPT, "ws://b c/"}, {groupProbes, documented}},
		chromium: []urlOutcome{{URL: "ws://a/"}, {URL: "ws://b%20c/"}, {URL: "ws://1.example/"}},
		native:   []urlOutcome{{URL: "ws://a/"}, {Error: "SyntaxError"}, {URL: "ws://xn--orh.example/"}},
	}
	r.countFailures()
	if r.failures != 1 {
		t.Errorf("failures = %d, want 1", r.failures)
	}
	md := r.markdown()
	for _, want := range []string{"| WPT urltestdata.json, special schemes | 2 | **1/2** | 0 | 1 |", `"ws://b c/"`, "❌ undocumented", "note 1", "1. " + noUnicodeData} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, `"ws://a/"`) {
		t.Error("an identical input is listed")
	}
}

func TestJSQuote(t *testing.T) {
	if got, want := jsQuote("a\x00\"\\\u00a0\U0001F600"), `"a\u0000\"\\\u00a0\u{1f600}"`; got != want {
		t.Errorf("jsQuote = %s, want %s", got, want)
	}
}
