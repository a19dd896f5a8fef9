//go:build !js

package websocket

import "testing"

// Hosts as the WHATWG URL parser (and Chromium) serializes them.
func TestHostSerialization(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.1/":                 "ws://127.0.0.1/",
		"ws://0x7F.0.0.01:9/":         "ws://127.0.0.1:9/",
		"ws://%31%32%37.0.0.1/":       "ws://127.0.0.1/",
		"ws://2130706433/":            "ws://127.0.0.1/",
		"ws://BÜCHER.example/":        "ws://xn--bcher-kva.example/",
		"ws://münchen.de/a":           "ws://xn--mnchen-3ya.de/a",
		"ws://例え.テスト/":                "ws://xn--r8jz45g.xn--zckzah/",
		"ws://user@%65xample.com:81/": "ws://user@example.com:81/",
		"ws://example.com./":          "ws://example.com./",
		"ws://a\u00adb.example/":      "ws://ab.example/",
		"ws://ＥＸＡＭＰＬＥ。com/":           "ws://example.com/",
		"ws:///example.com/x":         "ws://example.com/x",
		"WS:example.com":              "ws://example.com/",
		"http:////example.com:80/":    "ws://example.com/",
		"ws://h/a%zz%2Fb%":            "ws://h/a%zz%2Fb%",
		"ws://h/%\ue000%":             "ws://h/%%EE%80%80%",
		"ws://h/%4":                   "ws://h/%4",
		"ws://us er:p@ss@h/":          "ws://us%20er:p%40ss@h/",
		"ws://:@h/":                   "ws://h/",
		"ws://:pw@h/":                 "ws://:pw@h/",
		"ws://u:@h/":                  "ws://u@h/",
		"ws://u%41:p:q@h/":            "ws://u%41:p%3Aq@h/",
		"ws://h/%/?q=%zz":             "ws://h/%/?q=%zz",
		// Chromium's departures from the URL standard, which the package follows.
		"ws://a b/":             "ws://a%20b/",
		"ws://a%20b/":           "ws://a%20b/",
		"ws://a\u3000b/":        "ws://a%20b/",
		"ws://a*b/":             "ws://a%2Ab/",
		"ws://%5B::1]/":         "ws://[::1]/",
		"ws://[::%31]/":         "ws://[::1]/",
		"ws://％４１.com/":         "ws://a.com/",
		"ws://u'v:w'x@h/":       "ws://u%27v:w%27x@h/",
		"ws://h/!'()*[]|":       "ws://h/!'()*[]%7C",
		"ws://h/?x\x00y\x00":    "ws://h/?x%00y",
		"ws://h/p\x01a?q\x7f":   "ws://h/p%01a?q%7F",
		"ws: //h/":              "ws://%20//h/",
		"ws://\u0130.example/":  "ws://xn--i-9bb.example/",
		"ws://h:0000000000080/": "ws://h/",
	} {
		u, err := parseURL(in)
		if err != nil || u.href != want {
			t.Errorf("parseURL(%q) = %q, %v; want %q", in, u.href, err, want)
		}
	}
	for _, bad := range []string{"ws://\u00ad/", "ws:\u034f", "ws://1.2.3.4.5/", "ws://256.0.0.1/", "ws://1.2.3.09/", "ws://a%2Fb/", "ws://a%40b/", "ws://0x100000000/",
		"ws://\ufdd0zyx.com/", "wss://%EF%BF%BD/", "wss://example.com%80/", "ws://a\u200cb/", "ws://a\u1680b/", "ws://h\x01/",
		"ws://%25/", "ws://u@/", "ws://h:1:2/", "ws://[::1%25eth0]/", "ws://h:65536/", "ws://h:8a/", "w\x01s://h/"} {
		if u, err := parseURL(bad); err == nil {
			t.Errorf("parseURL(%q) = %q, want a SyntaxError", bad, u.href)
		}
	}
}
