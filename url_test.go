//go:build !js

package websocket

import (
	_ "embed"
	"encoding/json"
	"errors"
	"testing"
)

// chromiumURLs is what Chromium's new WebSocket(input) gives for each input of
// the conformance harness's URL step (WPT's urltestdata.json with a special
// scheme, its http(s) inputs as ws(s), C0 controls everywhere, the package's
// own cases), recorded by `conformance/run -write-urls ../testdata/chromium-urls.json`.
//
//go:embed testdata/chromium-urls.json
var chromiumURLs []byte

// The native parser gives New's result as Chromium's constructor does: the same
// exception kind or the same ws.url, for every recorded input but those whose
// difference the harness documents (and which must still differ, or the
// documentation is stale).
func TestURLsAsChromium(t *testing.T) {
	var golden struct {
		Cases []struct {
			Input      string `json:"input"`
			Error      string `json:"error"`
			URL        string `json:"url"`
			Documented string `json:"documented"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(chromiumURLs, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 1000 {
		t.Fatalf("testdata/chromium-urls.json holds %d cases, want the harness's 1000 or more", len(golden.Cases))
	}
	same := 0
	for _, c := range golden.Cases {
		want := c.URL
		if c.Error != "" {
			want = "throws " + c.Error
		}
		u, err := parseURL(c.Input)
		got := u.href
		switch {
		case errors.Is(err, ErrSyntax):
			got = "throws SyntaxError"
		case err != nil:
			got = "error " + err.Error()
		}
		switch {
		case c.Documented == "" && got != want:
			t.Errorf("new WebSocket(%q): Chromium %s, native %s", c.Input, want, got)
		case c.Documented != "" && got == want:
			t.Errorf("new WebSocket(%q) now gives Chromium's %s: remove its documented difference from conformance/cmd/conformance/urls.go", c.Input, want)
		case got == want:
			same++
		}
	}
	t.Logf("%d/%d inputs as Chromium", same, len(golden.Cases))
}

// BenchmarkParseURL is the constructor's URL parse of a typical URL and of one
// with a non-ASCII host.
func BenchmarkParseURL(b *testing.B) {
	for _, in := range []string{"ws://127.0.0.1:8080/echo?room=1", "wss://user@bücher.example/chat"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := parseURL(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// With Options.PageURL a relative URL, and the empty one, resolves against the
// page, as in a browser; http reads as ws; a fragment is still an error.
func TestPageURLResolves(t *testing.T) {
	const page = "http://example.com:8080/app/index.html?x=1#top"
	for raw, want := range map[string]string{
		"":                        "ws://example.com:8080/app/index.html?x=1",
		"/echo":                   "ws://example.com:8080/echo",
		"chat?room=1":             "ws://example.com:8080/app/chat?room=1",
		"../up":                   "ws://example.com:8080/up",
		"\\echo":                  "ws://example.com:8080/echo",
		"//other.example/x":       "ws://other.example/x",
		" wss://abs.example/ ":    "wss://abs.example/",
		"https://abs.example/sec": "wss://abs.example/sec",
	} {
		ws, err := NewWithOptions(raw, &Options{PageURL: page, OnOpen: func(*Event) {}})
		if err != nil {
			t.Errorf("New(%q) with PageURL: %v", raw, err)
			continue
		}
		ws.Close()
		if ws.URL() != want {
			t.Errorf("New(%q) with PageURL: URL() = %q, want %q", raw, ws.URL(), want)
		}
	}
	for _, c := range []struct{ raw, page string }{
		{"#frag", page}, {"/echo", "file:///tmp/page.html"}, {"/echo", "/relative/page"}, {"ftp://x/", page},
	} {
		if _, err := NewWithOptions(c.raw, &Options{PageURL: c.page}); !errors.Is(err, ErrSyntax) {
			t.Errorf("New(%q) with PageURL %q: %v, want ErrSyntax", c.raw, c.page, err)
		}
	}
	for page, want := range map[string]string{
		"http://Example.COM/app": "http://example.com", "https://example.com:443/": "https://example.com",
		"http://127.0.0.1:8080/x?y#z": "http://127.0.0.1:8080",
	} {
		if got := pageOrigin(page); got != want {
			t.Errorf("pageOrigin(%q) = %q, want %q", page, got, want)
		}
	}
}
