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
