package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	websocket "github.com/browserws/websocket"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The URL step: every input of urlCases goes through Chromium's own
// `new WebSocket(input)` (the reference) and through the native package's New;
// the outcome (the exception's name, or ws.url / URL()) must be the same, or the
// difference must be documented in urlDiffers. Only the constructor runs: the
// sockets are closed at once, and the native ones dial through a transport that
// fails, so nothing goes to the network.

// urlTestData is WPT's urltestdata.json (see testdata/README.md).
const urlTestData = "testdata/urltestdata.json"

// urlGroup names where a case comes from, in report order.
const (
	groupWPT      = "WPT urltestdata.json, special schemes"
	groupVariants = "WPT urltestdata.json, http(s) inputs as ws(s)"
	groupControls = "C0 controls, space, tab and newlines anywhere"
	groupProbes   = "the package's own cases (host_test.go, fuzz finds, probes)"
	groupExtra    = "-urls-extra"
)

var urlGroups = []string{groupWPT, groupVariants, groupControls, groupProbes}

// urlProbes are inputs of the package's own tests and cases found while
// matching Chromium: IDNA beyond the table-free subset, IPv4 and IPv6 edges,
// ports, userinfo, paths and queries.
var urlProbes = []string{
	"ws://127.1/", "ws://0x7F.0.0.01:9/", "ws://%31%32%37.0.0.1/", "ws://2130706433/", "ws://BÜCHER.example/",
	"ws://münchen.de/a", "ws://例え.テスト/", "ws://user@%65xample.com:81/", "ws://example.com./", "ws://a\u00adb.example/",
	"ws://ＥＸＡＭＰＬＥ。com/", "ws:///example.com/x", "WS:example.com", "http:////example.com:80/", "ws://h/a%zz%2Fb%",
	"ws://h/%\ue000%", "ws://h/%4", "ws://us er:p@ss@h/", "ws://:@h/", "ws://:pw@h/", "ws://u:@h/", "ws://u%41:p:q@h/",
	"ws://h/%/?q=%zz", "ws://\u00ad/", "ws:\u034f", "ws://1.2.3.4.5/", "ws://256.0.0.1/", "ws://1.2.3.09/", "ws://a%2Fb/",
	"ws://a%40b/", "ws://0x100000000/", "ws://a%2541/", "ws://a%252A/", "ws://\u2460.example/", "ws://a\u200cb.example/",
	"ws://a\u200db.example/", "ws://e\u0301.example/", "ws://\u00e9.example/", "ws://xn--/", "ws://xn--a.example/",
	"ws://a..b/", "ws://-a-/", "ws://\U0001F600.example/", "ws://\u0661.example/", "ws://\ue000/", "ws://\u0080/",
	"ws://\u2028/", "ws://\u200e.example/", "ws://[::1%25eth0]/", "ws://[::ffff:1.2.3.4]/", "ws://0x/", "ws://0x.0x.0/",
	"ws://4294967295/", "ws://4294967296/", "ws://1.2.3.4./", "ws://1.2.3.4../", "ws://%31.2.3.4/", "ws://h:65535/",
	"ws://h:65536/", "ws://h:0000000000000000080/", "ws://h:/x", "ws://u:p@h:81/?q", "ws://h/a/./b/../c/%2e%2E/d",
	"ws://h?", "ws://h/?", `ws://h\a\b?c\d`, "wss://H.EXAMPLE.:443/", "ws://@@h/", "ws://a@b@h/", "ws://a:b:c@h/",
	"ws://h/\u00e9?\u00e9", "\u00a0ws://h/", "ws://h/\u00a0", `ws:\\h\`, `ws:/\h`, "wS://h", "ws+x://h", "ws://h:8\u00a00/",
	"ws://\u3002/", "ws://a\u3002b/", "ws://\uff41.example/", "ws://a\uff0eb/", "ws://[::1]:80/", "ws://[::1]x/",
	"ws://[1::2]:3:4/", "ws://[v1.x]/", "ws://h/%2e%2e/%2E/", "ws://h/..%2f", "ws://h/;a=b,c", "ws://h/a?b?c",
	"ws://h/\"'", "ws://a\u3000b/", "ws://a\u2003b/", "ws://a\u1680b/", "ws://a\u00a0/", "ws://\u00a0/", "ws://%20/",
	"ws://a%00b/", "ws://a%7Fb/", "ws://a%C2%A0b/", "ws://a%E3%80%80b/", "ws://A%C3%9C.example/", "ws://a%FFb/",
	"ws://%EF%BC%A1.example/", "ws://\uff05\uff12\uff10.example/", "ws://\uff05\uff12\uff15.example/",
	"ws://a\ufe0fb/", "ws://\u0130.example/", "ws://\u212a.example/", "ws://\u03a3.example/", "ws://\u1e9e.example/",
	"ws://a\u0009b/", "ws://h/\u0009a", "ws://u\u00e9@h/", "ws://h/?\u00e9", "ws://h/a b", "ws://h/?a b",
	"ws://!/", "ws://a!b/", "ws://a$b/", "ws://a;b/", "ws://a=b/", "ws://a_b/", "ws://a~b/", "ws://a{b/", "ws://a`b/",
	"ws://a\"b/", "ws://a'b/", "ws://a(b/", "ws://a,b/", "ws://a+b/", "ws://a&b/", "ws://*/", "ws:// /", "ws://a<b/",
	// Found by comparing 6,000 generated inputs (-urls-extra): escapes before Punycode, "xn--" labels, marks, bidi.
	"ws://*\u00e9/", "ws://x \u03c2/", "ws://\u00e9 /", "ws://(\u00a0%254294967296!/", "ws://xn--\U0001F600/",
	"ws://xn--\uff10/", "ws://\u00adxn--}/", "ws://xn--9ca.\u00e9/", "ws://xn--a.\u00e9/", "ws://xn--zca.\u00e9/",
	"ws://xn--%41/", "ws://xn--a%C3%A9/", "ws://\u0301a.example/", "ws://a.\u0301/", "ws://\u05d0\u05d1.example/",
	"ws://a\u05d0/", "ws://\u05d01/", "ws://1\u05d0/", "ws://\u0627\u0661/", "ws://\u0627\u0661\u06f1/",
	"ws://\u05d0.a-/", "ws://\u05d0.a1/", "ws://-\u05d0/", "ws://\u05d0\u05b0/", "ws://\u00a0\u05d0/",
	"ws://\u0661.example/", "ws://\u0627\u0661\u0301/", "ws://%EF%BC%85%EF%BC%94%EF%BC%91\u00e9/",
}

// urlCase is one constructor input.
type urlCase struct {
	Group string `json:"group"`
	Input string `json:"input"`
}

// urlOutcome is what the constructor did: the exception's name, or the URL.
type urlOutcome struct {
	Error string `json:"error,omitempty"`
	URL   string `json:"url,omitempty"`
}

func (o urlOutcome) String() string {
	if o.Error != "" {
		return "throws " + o.Error
	}
	return o.URL
}

// urlDiffers documents, by input, why the native package's outcome differs from
// Chromium's on purpose. An undocumented difference fails the run.
var urlDiffers = map[string]string{
	"ws://\u2460.example/":  noUnicodeData,
	"ws://e\u0301.example/": noUnicodeData,
}

// noUnicodeData is why some IDNA cases differ.
const noUnicodeData = "IDNA normalizes labels (NFKC: \"①\" to \"1\"; NFC: \"e\" and U+0301 to \"é\"), which needs " +
	"Unicode data that the standard library lacks and the module may not depend on (golang.org/x/text). The package " +
	"maps hosts with the part of UTS 46 that needs no such tables (host.go: case, ignored code points, full-width " +
	"ASCII, spaces, disallowed code points, leading marks and, from the unicode package's scripts, the bidi rule), " +
	"so it Punycodes such a label as written: a name Chromium would not ask for."

// specialScheme matches an input whose scheme is special for WebSocket's
// purposes, after the leading C0 controls and spaces the URL parser strips and
// with the tabs and newlines it removes.
var specialScheme = regexp.MustCompile(`^[\x00-\x20]*((?i:h[\t\n\r]*t[\t\n\r]*t[\t\n\r]*p[\t\n\r]*(s[\t\n\r]*)?)|(?i:w[\t\n\r]*s[\t\n\r]*(s[\t\n\r]*)?)):`)

// urlCases reads the WPT file and returns, without repeats: every input with a
// special scheme (http, https, ws, wss; the base is ignored, so "http:foo.com"
// is absolute), each http(s) one again as ws(s), and C0 controls, space, tab,
// CR and LF (and DEL) at each place of a URL.
func urlCases(path string) ([]urlCase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	var out []urlCase
	add := func(group, in string) {
		if !seen[in] {
			seen[in] = true
			out = append(out, urlCase{Group: group, Input: in})
		}
	}
	var variants []string
	for _, r := range raw {
		var c struct {
			Input *string `json:"input"`
		}
		if json.Unmarshal(r, &c) != nil || c.Input == nil { // a comment string
			continue
		}
		m := specialScheme.FindStringSubmatchIndex(*c.Input)
		if m == nil {
			continue
		}
		add(groupWPT, *c.Input)
		scheme := strings.ToLower(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace((*c.Input)[m[2]:m[3]]))
		if strings.HasPrefix(scheme, "http") {
			ws := "ws"
			if scheme == "https" {
				ws = "wss"
			}
			variants = append(variants, (*c.Input)[:m[2]]+ws+(*c.Input)[m[3]:])
		}
	}
	for _, v := range variants {
		add(groupVariants, v)
	}
	// "{c}" marks where the character goes.
	templates := []string{
		"{c}ws://h.example/", "ws://h.example/{c}", "w{c}s://h.example/", "ws:{c}//h.example/", "ws:/{c}/h.example/",
		"ws://{c}h.example/", "ws://h{c}.example/", "ws://h.example{c}/", "ws://h.example:8{c}0/", "ws://h.example:{c}/",
		"ws://u{c}ser@h.example/", "ws://u:p{c}w@h.example/", "ws://h.example/p{c}ath", "ws://h.example/?x{c}y",
		"ws://h.example/?x{c}y{c}", "ws://h.example/p{c}?q{c}", "ws://[::{c}1]/", "ws://1.2{c}.3.4/",
	}
	for _, t := range templates {
		for c := rune(0); c <= 0x20; c++ {
			add(groupControls, strings.ReplaceAll(t, "{c}", string(c)))
		}
		add(groupControls, strings.ReplaceAll(t, "{c}", "\x7f"))
	}
	for _, p := range urlProbes {
		add(groupProbes, p)
	}
	return out, nil
}

// chromiumURLs runs every input through new WebSocket() in an about:blank page,
// so that no document base URL turns "http:foo.com" into a relative reference.
func (c *chromium) chromiumURLs(cases []urlCase) ([]urlOutcome, error) {
	inputs := make([]string, len(cases))
	for i, uc := range cases {
		inputs[i] = uc.Input
	}
	in, err := json.Marshal(inputs)
	if err != nil {
		return nil, err
	}
	const script = `(function (inputs) {
  return JSON.stringify(inputs.map(function (s) {
    try {
      const ws = new WebSocket(s);
      const url = ws.url;
      ws.close();
      return { url: url };
    } catch (e) {
      return { error: (e && e.name) || String(e) };
    }
  }));
})(%s)`
	ctx, cancel := context.WithTimeout(c.ctx, runTimeout)
	defer cancel()
	var out string
	err = chromedp.Run(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Evaluate(fmt.Sprintf(script, in), &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p }),
	)
	if err != nil {
		return nil, err
	}
	var res []urlOutcome
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return nil, fmt.Errorf("chromium URL results: %w", err)
	}
	if len(res) != len(cases) {
		return nil, fmt.Errorf("chromium returned %d URL results for %d inputs", len(res), len(cases))
	}
	return res, nil
}

// noNetwork is a transport that fails every request: the URL step tests the
// constructor only.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("conformance: the URL step makes no connection")
}

// nativeURLs runs every input through the package's NewWithOptions.
func nativeURLs(cases []urlCase) ([]urlOutcome, error) {
	out := make([]urlOutcome, len(cases))
	client := &http.Client{Transport: noNetwork{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var stuck []string
	for i, uc := range cases {
		ws, err := websocket.NewWithOptions(uc.Input, &websocket.Options{HTTPClient: client})
		switch {
		case errors.Is(err, websocket.ErrSyntax):
			out[i].Error = "SyntaxError"
		case err != nil:
			out[i].Error = "Go error: " + err.Error()
		default:
			out[i].URL = ws.URL()
			ws.Close()
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-ws.Done():
				case <-time.After(30 * time.Second):
					mu.Lock()
					stuck = append(stuck, uc.Input)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(stuck) > 0 {
		return nil, fmt.Errorf("native: %d sockets did not close within 30 s, e.g. %q", len(stuck), stuck[0])
	}
	return out, nil
}

// urlResult is the outcome of the URL step.
type urlResult struct {
	cases    []urlCase
	chromium []urlOutcome
	native   []urlOutcome
	failures int
}

// runURLs runs the URL step in the running Chromium and natively.
func runURLs(br *chromium) (*urlResult, error) {
	cases, err := urlCases(urlTestData)
	if err != nil {
		return nil, err
	}
	if *flagURLsMore != "" {
		b, err := os.ReadFile(*flagURLsMore)
		if err != nil {
			return nil, err
		}
		var extra []string
		if err := json.Unmarshal(b, &extra); err != nil {
			return nil, fmt.Errorf("%s: %w", *flagURLsMore, err)
		}
		for _, in := range extra {
			cases = append(cases, urlCase{Group: groupExtra, Input: in})
		}
	}
	r := &urlResult{cases: cases}
	if r.chromium, err = br.chromiumURLs(cases); err != nil {
		return nil, fmt.Errorf("URLs in Chromium: %w", err)
	}
	if r.native, err = nativeURLs(cases); err != nil {
		return nil, err
	}
	r.countFailures()
	return r, nil
}

// countFailures counts the inputs whose outcomes differ with no documented
// reason.
func (r *urlResult) countFailures() {
	r.failures = 0
	for i, uc := range r.cases {
		if r.chromium[i] != r.native[i] && urlDiffers[uc.Input] == "" {
			r.failures++
		}
	}
}

// groupScore counts, for one group, the cases and those that differ
// (documented or not).
func (r *urlResult) groupScore(group string) (total, same, documented int) {
	for i, uc := range r.cases {
		if uc.Group != group {
			continue
		}
		total++
		switch {
		case r.chromium[i] == r.native[i]:
			same++
		case urlDiffers[uc.Input] != "":
			documented++
		}
	}
	return
}

func (r *urlResult) print(w io.Writer) {
	groups := urlGroups
	if *flagURLsMore != "" {
		groups = append(groups[:len(groups):len(groups)], groupExtra)
	}
	for _, g := range groups {
		total, same, doc := r.groupScore(g)
		fmt.Fprintf(w, "conformance: urls: %-48s native %3d/%d identical to Chromium, %d documented, %d other\n", g, same, total, doc, total-same-doc)
	}
	for i, uc := range r.cases {
		if r.chromium[i] != r.native[i] && urlDiffers[uc.Input] == "" {
			fmt.Fprintf(w, "conformance: FAIL: native differs from Chromium for new WebSocket(%s): Chromium %s, native %s\n",
				jsQuote(uc.Input), r.chromium[i], r.native[i])
		}
	}
}

// markdown is the report's URL section.
func (r *urlResult) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("\n## URLs\n\n")
	p("Each input goes through Chromium's own `new WebSocket(input)` in an `about:blank` page and through the native\n")
	p("package's `New`; the outcome (the exception's name, or `ws.url`) is compared. The inputs: every input of\n")
	p("web-platform-tests' `url/resources/urltestdata.json` (`conformance/testdata`) with a special scheme (its base is\n")
	p("ignored: there is none natively), each http(s) one again as ws(s), and each C0 control, space and DEL at each\n")
	p("place of a URL. Chromium's answers are also kept in `testdata/chromium-urls.json`, which `go test` of the root\n")
	p("package checks the parser against without Chromium (`conformance/run -write-urls ../testdata/chromium-urls.json`\n")
	p("rewrites it).\n\n")
	p("| Inputs | Cases | Go native: same as Chromium | Documented differences | Other differences |\n| --- | --- | --- | --- | --- |\n")
	for _, g := range urlGroups {
		total, same, doc := r.groupScore(g)
		p("| %s | %d | **%d/%d** | %d | %d |\n", mdEscape(g), total, same, total, doc, total-same-doc)
	}
	// Each documented reason is written once, under the table, and numbered.
	var lines, reasons []string
	number := map[string]int{}
	for i, uc := range r.cases {
		if r.chromium[i] == r.native[i] || uc.Group == groupExtra {
			continue
		}
		why := "❌ undocumented"
		if reason := urlDiffers[uc.Input]; reason != "" {
			if number[reason] == 0 {
				reasons = append(reasons, reason)
				number[reason] = len(reasons)
			}
			why = fmt.Sprintf("note %d", number[reason])
		}
		lines = append(lines, fmt.Sprintf("| %s | %s | %s | %s |", mdCode(jsQuote(uc.Input)), mdCode(r.chromium[i].String()), mdCode(r.native[i].String()), why))
	}
	p("\n")
	if len(lines) == 0 {
		p("No input differs.\n")
		return b.String()
	}
	p("| Input | Chromium | Go native | Why |\n| --- | --- | --- | --- |\n")
	for _, l := range lines {
		p("%s\n", l)
	}
	p("\n")
	for i, reason := range reasons {
		p("%d. %s\n", i+1, reason)
	}
	return b.String()
}

// writeGolden writes Chromium's answers for the root package's test.
func (r *urlResult) writeGolden(path, version string) error {
	type entry struct {
		Input string `json:"input"`
		urlOutcome
		Documented string `json:"documented,omitempty"`
	}
	g := struct {
		Comment string  `json:"comment"`
		Cases   []entry `json:"cases"`
	}{Comment: "new WebSocket(input) in " + version + ", recorded by conformance/run -write-urls; documented: why the native package differs on purpose"}
	for i, uc := range r.cases {
		if uc.Group == groupExtra {
			continue
		}
		g.Cases = append(g.Cases, entry{Input: uc.Input, urlOutcome: r.chromium[i], Documented: urlDiffers[uc.Input]})
	}
	// One case a line: a diff of the file reads as a list of changed answers.
	var b strings.Builder
	c, _ := json.Marshal(g.Comment)
	fmt.Fprintf(&b, "{\"comment\": %s,\n\"cases\": [\n", c)
	for i, e := range g.Cases {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false) // "<" reads better than "\u003c"
		if err := enc.Encode(e); err != nil {
			return err
		}
		b.Write(bytes.TrimSuffix(line.Bytes(), []byte("\n")))
		if i < len(g.Cases)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// jsQuote writes s as a JavaScript string literal, with every control and
// invisible code point escaped.
func jsQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa1) || r == 0xad || r == 0xfeff || (r >= 0x2000 && r <= 0x206f) ||
			(r >= 0xfff0 && r <= 0xffff) || r == 0x3000 || (r >= 0xfdd0 && r <= 0xfdef) || (r >= 0xd800 && r <= 0xdfff):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\u{%x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// mdCode writes s as a Markdown code span in a table cell (a double-backtick
// span, so that a backtick in s needs no escape).
func mdCode(s string) string {
	return "`` " + strings.ReplaceAll(s, "|", `\|`) + " ``"
}
