package scenario

import (
	"fmt"
	"net/url"
	"strings"
)

// Shorthands for scenario scripts.
func send(text string) Action          { return Action{Do: "send", Text: text} }
func closeCode(c int, r string) Action { return Action{Do: "closeCode", Code: c, Reason: r} }
func closeNoArgs() Action              { return Action{Do: "close"} }
func attrs() Action                    { return Action{Do: "attrs"} }
func acts(a ...Action) []Action        { return a }

// documented adds a documented difference for some runtimes to sc.
func documented(sc Scenario, why string, runtimes ...string) Scenario {
	if sc.Differs == nil {
		sc.Differs = map[string]string{}
	}
	for _, rt := range runtimes {
		sc.Differs[rt] = why
	}
	return sc
}

// Reasons shared by documented differences.
const (
	noNFKC = "The package maps hosts with the part of UTS 46 that needs no Unicode tables (case, ignored code " +
		"points, full-width ASCII); \"①\" to \"1\" needs NFKC data, which the standard library lacks and the " +
		"module may not depend on (golang.org/x/text)."
	nodeNoLocation = "Node has no document, so there is no base URL: a relative URL is a SyntaxError (as natively)."
	nativeNoBase   = "Natively there is no document to resolve a relative URL against, so New returns ErrSyntax " +
		"(documented in API.md: \"A relative URL is an error natively\" unless Options.PageURL names one: the next " +
		"scenario); in WASM the page's URL is the base, as in Chromium."
)

// All returns every scenario: the package's scenario suite (scenarios_test.go),
// then cases drawn from the WHATWG WebSockets Standard and web-platform-tests'
// websockets/ directory.
func All() []Scenario {
	all := append(suite(), constructor()...)
	all = append(all, closing()...)
	all = append(all, sending()...)
	all = append(all, serverSide()...)
	all = append(all, frames()...)
	all = append(all, extensions()...)
	all = append(all, handshakes()...)
	all = append(all, fidelity()...)
	for i := range all {
		for rt, why := range nodeQuirks[all[i].Name] {
			if all[i].Differs == nil {
				all[i].Differs = map[string]string{}
			}
			if _, ok := all[i].Differs[rt]; !ok {
				all[i].Differs[rt] = why
			}
		}
	}
	return all
}

// Node's WebSocket (undici, Node 20) and Go's WASM port in Node differ from
// Chromium in ways that are theirs, not the package's.
const (
	nodeNoClose = "Node's WebSocket fires error while readyState is still CONNECTING (CLOSING after close()) when the " +
		"connection cannot be established, and never fires close; the driver's timeout ends the scenario. The " +
		"package under WASM in Node does not wait for that close event, so it matches Chromium."
	nodeBuffered  = "Node's bufferedAmount does not grow for data passed to send() while CLOSING or CLOSED."
	nodeProtoCase = "Node compares protocols case-insensitively for duplicates (as the web-platform-test expects); Chromium does not."
	nodeSpaceHost = "Node follows the URL standard and throws a SyntaxError for a space in the host."
	nodeLateData  = "Node reports the close as unclean (1006) when the server's echo of the data is still arriving " +
		"during the closing handshake, although the server received the close frame."
	nodeFrames = "Node's WebSocket (undici) handles frames its own way: it drops the TCP connection without a close " +
		"frame on most protocol errors and fires error while still OPEN, refuses close codes Chromium accepts " +
		"(999, 1004, 2999, 5000), echoes no close reason, words its close reasons differently, and accepts a " +
		"length not in its shortest form and a frame after the close frame."
	nodeCrash = "Node's WebSocket throws an uncaught TypeError (reading 'includes' of null) when a server selects a " +
		"protocol and none was offered, and the socket stays CONNECTING; the harness catches it and the scenario " +
		"ends by its timeout (under WASM the package still reports error and close first)."
	nodeExtensions = "Node's WebSocket checks the server's permessage-deflate parameters less than Chromium (it accepts " +
		"unknown parameters and out-of-range window bits), and never fires close when it refuses the handshake."
	nodeUTF8   = "Node's WebSocket drops the TCP connection without sending a close frame."
	nodeParses = "Under WASM the package lets the page's WebSocket constructor parse the URL and the protocols, " +
		"and in Node that is Node's: "
	wasmNodeNoHTTP = "Go's net/http under js/wasm in Node does not use fetch and cannot dial, so the HTTP request the " +
		"blocking listener makes fails (a limit of Go's WASM port in Node, not of the package)."
)

var nodeQuirks = func() map[string]map[string]string {
	m := map[string]map[string]string{
		"server sends invalid UTF-8 text":                    {"wasm-node": nodeUTF8},
		"listener that blocks does not stall the socket":     {"wasm-node": wasmNodeNoHTTP},
		"url with a space in the host":                       {"node": nodeSpaceHost, "wasm-node": nodeParses + nodeSpaceHost},
		"protocols repeated in different case":               {"node": nodeProtoCase, "wasm-node": nodeParses + nodeProtoCase},
		"asterisk in the host":                               {"wasm-node": nodeParses + "Node keeps \"*\" in a host, as the URL standard does."},
		"percent-encoded space in the host":                  {"wasm-node": nodeParses + "Node throws a SyntaxError for \"%20\" in a host, as the URL standard says."},
		"invalid Punycode label":                             {"wasm-node": nodeParses + "Node throws a SyntaxError for the Punycode label \"xn--\", which Chromium accepts."},
		"path with special characters":                       {"wasm-node": nodeParses + "Node leaves \"|\" and \"^\" unescaped in a path; Chromium escapes them."},
		"send while CLOSING and CLOSED grows bufferedAmount": {"node": nodeBuffered},
		"bufferedAmount counts UTF-8 bytes":                  {"node": nodeBuffered},
		"close while connecting":                             {"node": nodeNoClose + " " + nodeBuffered},
		"close() goes out after the data sent before it":     {"node": nodeLateData, "wasm-node": nodeLateData},
	}
	for _, name := range []string{
		"handshake refused with 403", "handshake refused with 404", "handshake refused with 500",
		"server selects a protocol that was not offered", "server selects no protocol when some were offered",
		"server selects a protocol differing only in case", "server accepts with a wrong Sec-WebSocket-Accept",
		"server accepts an extension that was not offered", "initial attributes",
		"send before open throws InvalidStateError", "connection refused", "blocked port (25)",
	} {
		m[name] = map[string]string{"node": nodeNoClose}
	}
	return m
}()

// suite is the package's own scenario suite, as data.
func suite() []Scenario {
	closeOnMessage := func(c int, r string) []Action { return acts(closeCode(c, r)) }
	return []Scenario{
		{Name: "echo then close(1000, done)", Source: "suite", URL: "{ws}/echo",
			OnOpen: acts(send("hello")), OnMessage: closeOnMessage(1000, "done")},
		{Name: "server closes with 4000 bye", Source: "suite", URL: "{ws}/close?code=4000&reason=bye"},
		{Name: "server sends an empty close frame", Source: "suite", URL: "{ws}/close?code=1005"},
		{Name: "client close() without code, echoing server", Source: "suite", URL: "{ws}/echo",
			AddID: true, CheckServer: true, OnOpen: acts(closeNoArgs())},
		{Name: "server drops TCP after the handshake", Source: "suite", URL: "{ws}/drop"},
		{Name: "server sends invalid UTF-8 text", Source: "suite", URL: "{ws}/badutf8", AddID: true, CheckServer: true,
			Differs: map[string]string{
				"node": "Node's WebSocket fires error while still OPEN and drops the TCP connection without a close frame.",
			}},
		{Name: "handshake refused with 403", Source: "suite", URL: "{ws}/reject?status=403"},
		{Name: "server selects a protocol that was not offered", Source: "suite", URL: "{ws}/protocol?pick=zzz", Protocols: []string{"a", "b"}},
		{Name: "server selects no protocol when some were offered", Source: "suite", URL: "{ws}/protocol?pick=", Protocols: []string{"a"}},
		{Name: "server selects a protocol differing only in case", Source: "suite", URL: "{ws}/protocol?pick=A", Protocols: []string{"a"}},
		{Name: "server selects an offered protocol", Source: "suite", URL: "{ws}/protocol?mode=select",
			Protocols: []string{"chat", "superchat"}, OnOpen: acts(send("x")), OnMessage: closeOnMessage(1000, "")},
		{Name: "blob is the default binary type", Source: "suite", URL: "{ws}/echo",
			OnOpen: acts(Action{Do: "sendBytes", Text: "abc"}), OnMessage: closeOnMessage(1000, "")},
		{Name: "arraybuffer binary type", Source: "suite", URL: "{ws}/echo",
			OnOpen:    acts(Action{Do: "binaryType", Text: "arraybuffer"}, Action{Do: "sendBlob", Text: "xyz"}),
			OnMessage: closeOnMessage(1000, "")},
		{Name: "listener sends 50 ping-pongs then closes", Source: "suite", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(send("0")),
			OnMessage: acts(
				Action{Do: "closeCode", Code: 3001, Reason: "enough", If: "text:49"},
				Action{Do: "sendNext", Unless: "text:49"},
			)},
		{Name: "listener that blocks does not stall the socket", Source: "suite", URL: "{ws}/echo",
			OnOpen: acts(Action{Do: "block", Size: 25}, send("after block")), OnMessage: closeOnMessage(1000, "ok")},
		{Name: "server speaks first", Source: "suite", URL: "{ws}/greet?text=hello", OnMessage: closeOnMessage(1000, "")},
		{Name: "server accepts with a wrong Sec-WebSocket-Accept", Source: "suite", URL: "{ws}/badaccept"},
		{Name: "server accepts an extension that was not offered", Source: "suite", URL: "{ws}/badext"},
		{Name: "server drops TCP in the middle of a fragmented message", Source: "suite", URL: "{ws}/fragdrop"},
	}
}

// constructor: the constructor's URL and protocol rules (WPT Create-*.any.js,
// WHATWG "The WebSocket(url, protocols) constructor").
func constructor() []Scenario {
	ctor := func(name, src, url string, protocols ...string) Scenario {
		// A socket closed while CONNECTING fails; Node never fires close then.
		return Scenario{Name: name, Source: src, URL: url, Protocols: protocols, Now: acts(closeNoArgs()),
			Differs: map[string]string{"node": nodeNoClose}}
	}
	open := func(name, src, url string, protocols ...string) Scenario {
		return Scenario{Name: name, Source: src, URL: url, Protocols: protocols, OnOpen: acts(attrs(), closeCode(1000, ""))}
	}
	return []Scenario{
		// Chromium accepts a space in a host and escapes it (`ws://foo%20bar.com/`), against the WHATWG URL
		// standard and the web-platform-test, which expect a SyntaxError; the package follows Chromium.
		ctor("url with a space in the host", "wpt:Create-invalid-urls", "ws://foo bar.com/"),
		ctor("ftp: scheme", "wpt:Create-invalid-urls", "ftp://{host}/"),
		ctor("mailto: URL", "wpt:Create-invalid-urls", "mailto:example@example.org"),
		ctor("about:blank", "wpt:Create-invalid-urls", "about:blank"),
		ctor("empty fragment", "wpt:Create-invalid-urls", "{ws}/#"),
		ctor("fragment", "wpt:Create-invalid-urls", "{ws}/#test"),
		ctor("fragment only", "wpt:Create-invalid-urls", "#test"),
		ctor("wrong scheme (data:)", "wpt:Create-wrong-scheme", "data:text/plain,hello"),
		ctor("unparsable URL (bad port)", "whatwg", "ws://{host}99999/"),
		func() Scenario {
			s := open("relative URL /echo", "wpt:Create-valid-url-relative.tentative", "/echo")
			s.Differs = map[string]string{"native": nativeNoBase, "node": nodeNoLocation, "wasm-node": nodeNoLocation}
			return s
		}(),
		func() Scenario {
			s := open("relative URL /echo, natively with Options.PageURL", "wpt:Create-valid-url-relative.tentative", "/echo")
			s.PageURL = true
			s.Differs = map[string]string{"node": nodeNoLocation, "wasm-node": nodeNoLocation}
			return s
		}(),
		open("http: URL is read as ws:", "wpt:Create-http-urls", "{http}/echo"),
		ctor("https: URL is read as wss:", "wpt:Create-http-urls", "https://{host}/echo"),
		ctor("URL without a path reads back with /", "wpt:Create-valid-url", "{ws}"),
		ctor("default port is dropped from url", "wpt:Create-verify-url-set-default-port", "ws://127.0.0.1:80/x"),
		ctor("wss default port is dropped from url", "wpt:Create-Secure-verify-url-set-default-port", "wss://127.0.0.1:443/x"),
		ctor("non-default port is kept in url", "wpt:Create-verify-url-set-non-default-port", "ws://127.0.0.1:8080/x"),
		ctor("uppercase scheme and host are lowercased", "whatwg", "WS://LOCALHOST:{deadport}/Path"),
		ctor("space and quote in the query are percent-encoded", "wpt:Create-Secure-url-with-space", `{ws}/echo?a b"c`),
		ctor("non-ASCII path is percent-encoded", "whatwg", "{ws}/échο/☃"),
		ctor("dot segments are removed", "whatwg", "{ws}/a/./b/../echo"),
		ctor("ws: without slashes", "whatwg", "ws:{host}/echo"),
		ctor("userinfo is kept", "whatwg", "ws://user:pw@{host}/echo"),
		ctor("IPv6 literal", "whatwg", "ws://[0:0::1]:{deadport}/"),
		ctor("IPv6 literal with an IPv4 tail", "whatwg", "ws://[::FFFF:127.0.0.1]:{deadport}/"),
		ctor("IPv4 host in short form", "whatwg", "ws://127.1:{deadport}/"),
		ctor("IPv4 host in hex and octal", "whatwg", "ws://0x7F.0.0.01:{deadport}/"),
		ctor("percent-encoded host", "whatwg", "ws://%31%32%37.0.0.1:{deadport}/"),
		ctor("non-ASCII host is IDNA-encoded", "whatwg", "ws://BÜCHER.example:{deadport}/"),
		ctor("empty query is kept", "whatwg", "{ws}/echo?"),
		ctor("non-ASCII query is percent-encoded", "whatwg", "{ws}/echo?q=é&r=☃"),
		ctor("port 0", "whatwg", "ws://127.0.0.1:0/"),
		ctor("three slashes", "whatwg", "ws:///127.0.0.1:{deadport}/x"),
		ctor("backslashes", "whatwg", `ws:\\127.0.0.1:{deadport}\a\b?c\d`),
		ctor("tab and newline are removed, spaces trimmed", "whatwg", " ws://127.0.0.1:{deadport}/a\tb\nc "),
		ctor("trailing dot in the host", "whatwg", "ws://localhost.:{deadport}/"),
		ctor("invalid percent-escape in the path is kept", "whatwg", "ws://127.0.0.1:{deadport}/a%zz%2Fb%"),
		ctor("encoded slash is not a separator for dot segments", "whatwg", "ws://127.0.0.1:{deadport}/a/..%2f../b"),
		ctor("dot segments at the end", "whatwg", "ws://127.0.0.1:{deadport}/a/b/.."),
		ctor("double slashes are kept", "whatwg", "ws://127.0.0.1:{deadport}//double//slash"),
		ctor("query without a path", "whatwg", "ws://127.0.0.1:{deadport}?q=1"),
		ctor("userinfo with a space and an at sign", "whatwg", "ws://us er:p@ss@127.0.0.1:{deadport}/"),
		ctor("empty userinfo", "whatwg", "ws://:@127.0.0.1:{deadport}/"),
		ctor("password only", "whatwg", "ws://:pw@127.0.0.1:{deadport}/"),
		ctor("no-break space in the path", "whatwg", "ws://127.0.0.1:{deadport}/a\u00a0b"),
		ctor("IPv4 host 0", "whatwg", "ws://0:{deadport}/"),
		ctor("IPv4 host with three parts", "whatwg", "ws://127.0.1:{deadport}/"),
		ctor("IPv4 host too big", "whatwg", "ws://999999999999/"),
		ctor("IPv6 with an embedded IPv4", "whatwg", "ws://[::127.0.0.1]:{deadport}/"),
		ctor("IPv6 with nine pieces", "whatwg", "ws://[1:2:3:4:5:6:7:8:9]/"),
		ctor("tab inside the host is removed", "whatwg", "ws://127.0.\t0.1:{deadport}/"),
		ctor("uppercase percent-escapes keep their case", "whatwg", "ws://127.0.0.1:{deadport}/%7e%7E?%7e"),
		ctor("underscore in the host", "whatwg url", "ws://a_b.invalid/"),
		ctor("asterisk in the host", "whatwg url", "ws://a*b.invalid/"),
		ctor("sub-delimiters in the host", "whatwg url", "ws://a!b$c&d'e(f)g+h,i;j=k.invalid/"),
		ctor("percent-encoded space in the host", "whatwg url", "ws://a%20b.invalid/"),
		ctor("invalid Punycode label", "whatwg url", "ws://xn--.invalid/"),
		ctor("sharp s in the host", "whatwg url", "ws://stra\u00dfe.invalid/"),
		documented(ctor("compatibility character in the host", "whatwg url", "ws://\u2460.invalid/"), noNFKC, "native"),
		ctor("soft hyphen in the host", "whatwg url", "ws://a\u00adb.invalid/"),
		ctor("host of soft hyphens only", "whatwg url", "ws://\u00ad\u00ad/"),
		ctor("host of a combining grapheme joiner only, no slashes", "whatwg url", "ws:\u034f"),
		ctor("invalid percent-escape in the query is kept", "whatwg", "ws://127.0.0.1:{deadport}/?q=%zz%"),
		// Issue 15: Chromium strips the trailing control and sends the inner ones escaped; the server decodes them.
		{Name: "controls in the query reach the server escaped", Source: "wpt:urltestdata", URL: "{ws}/greet?text=x\x00y\x01z\x00",
			OnMessage: acts(closeCode(1000, ""))},
		ctor("unterminated IPv6 host", "whatwg", "ws://[::1/"),
		ctor("port with letters", "whatwg", "ws://127.0.0.1:80abc/"),
		ctor("port 65536", "whatwg", "ws://127.0.0.1:65536/"),
		ctor("port with leading zeros", "whatwg", "ws://127.0.0.1:000{deadport}/"),
		ctor("path with special characters", "whatwg", "ws://127.0.0.1:{deadport}/a b<c>d\"e{f}g|h^i`j"),
		ctor("query with special characters", "whatwg", "ws://127.0.0.1:{deadport}/?a b<c>d\"e{f}g|h^i`j'k"),
		func() Scenario {
			s := ctor("empty URL resolves to the page", "wpt:Create-valid-url-relative.tentative", "")
			s.Differs = map[string]string{"native": nativeNoBase, "node": nodeNoLocation, "wasm-node": nodeNoLocation}
			return s
		}(),
		func() Scenario {
			s := ctor("empty URL resolves to the page, natively with Options.PageURL", "wpt:Create-valid-url-relative.tentative", "")
			s.PageURL = true
			s.Differs = map[string]string{"node": nodeNoLocation, "wasm-node": nodeNoLocation}
			return s
		}(),
		open("valid URL with an array of protocols", "wpt:Create-valid-url-array-protocols", "{ws}/protocol?mode=select", "echo", "chat"),
		open("valid URL with an empty protocol list", "wpt:Create-valid-url-protocol-empty", "{ws}/echo"),
		ctor("protocol is the empty string", "wpt:Create-valid-url-protocol-empty", "{ws}/echo", ""),
		ctor("protocol with a space", "wpt:Create-protocol-with-space", "{ws}/echo", "ec ho"),
		ctor("protocol with an ASCII separator", "wpt:Create-asciiSep-protocol-string", "{ws}/echo", "/echo"),
		ctor("non-ASCII protocol", "wpt:Create-nonAscii-protocol-string", "{ws}/echo", "\u0080echo"),
		ctor("repeated protocols", "wpt:Create-protocols-repeated", "{ws}/echo", "chat", "chat"),
		ctor("protocol with a comma", "whatwg (token)", "{ws}/echo", "a,b"),
		ctor("protocol with a brace", "whatwg (token)", "{ws}/echo", "a{b"),
		ctor("protocol made of every token symbol", "whatwg (token)", "{ws}/echo", "~!#$%&'*+-.^_`|"),
		ctor("protocol with a tab", "whatwg (token)", "{ws}/echo", "a\tb"),
		ctor("many protocols", "whatwg (token)", "{ws}/echo", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"),
		ctor("protocols repeated in different case", "wpt:Create-protocols-repeated-case-insensitive", "{ws}/echo", "chat", "CHAT"),
		{Name: "initial attributes", Source: "wpt:bufferedAmount-initial, binaryType-blob", URL: "{ws}/echo",
			Now: acts(attrs(), closeNoArgs(), attrs())},
		{Name: "send before open throws InvalidStateError", Source: "wpt:Send-before-open", URL: "{ws}/echo",
			Now: acts(send("hi"), closeNoArgs())},
		{Name: "close while connecting", Source: "whatwg", URL: "{ws}/echo", Now: acts(closeNoArgs(), attrs(), send("late"), attrs()),
			OnClose: acts(attrs())},
		{Name: "connection refused", Source: "wpt:Create-blocked-port", URL: "ws://127.0.0.1:{deadport}/"},
		{Name: "blocked port (25)", Source: "wpt:Create-blocked-port", URL: "ws://127.0.0.1:25/"},
		{Name: "blocked port with a live server", Source: "wpt:Create-blocked-port, fetch bad ports", URL: "ws://127.0.0.1:{blockedport}/echo",
			Differs: map[string]string{"node": nodeNoClose}},
	}
}

// closing: close() argument rules and the closing handshake (WPT Close-*.any.js).
func closing() []Scenario {
	var out []Scenario
	for _, c := range []int{0, 999, 1001, 1005, 1006, 1015, 2999, 5000, 65535} {
		out = append(out, Scenario{Name: fmt.Sprintf("close(%d) throws InvalidAccessError", c), Source: "wpt:Close-" + fmt.Sprint(c),
			URL: "{ws}/echo", OnOpen: acts(closeCode(c, "reason"), attrs(), closeCode(1000, ""))})
	}
	reason123 := strings.Repeat("x", 123)
	return append(out, []Scenario{
		{Name: "close(1000, reason) is echoed", Source: "wpt:Close-1000-reason", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(closeCode(1000, "Clean Close"), attrs())},
		{Name: "close(3000) verify code", Source: "wpt:Close-3000-verify-code", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(closeCode(3000, ""))},
		{Name: "close(4999, reason)", Source: "wpt:Close-4999-reason", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(closeCode(4999, "Close not Normal"))},
		{Name: "close with a 123-byte reason", Source: "whatwg", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(closeCode(1000, reason123))},
		{Name: "close with a 124-byte reason throws SyntaxError", Source: "wpt:Close-Reason-124Bytes", URL: "{ws}/echo",
			OnOpen: acts(closeCode(1000, "{x*124}"), attrs(), closeCode(1000, ""))},
		{Name: "reason length counts UTF-8 bytes (62 x é = 124 bytes)", Source: "whatwg", URL: "{ws}/echo",
			OnOpen: acts(closeCode(3000, "{é*62}"), closeCode(3000, "{é*61}"))},
		{Name: "reason length counts each unpaired surrogate as 3 bytes", Source: "whatwg, webidl USVString",
			URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(closeCode(3000, "{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"+
				"{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"+
				"{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"),
				closeCode(3000, "{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"+
					"{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"+
					"{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}{lone}"))},
		{Name: "close with an unpaired surrogate in the reason", Source: "wpt:Close-reason-unpaired-surrogates", URL: "{ws}/echo",
			AddID: true, CheckServer: true, OnOpen: acts(closeCode(1000, "{lone}"))},
		{Name: "close() twice and readyState CLOSING", Source: "wpt:Close-readyState-Closing", URL: "{ws}/echo",
			OnOpen: acts(closeNoArgs(), attrs(), closeCode(3000, "again"), attrs()), OnClose: acts(attrs(), closeNoArgs(), attrs())},
		{Name: "send while CLOSING and CLOSED grows bufferedAmount", Source: "whatwg", URL: "{ws}/echo",
			OnOpen:  acts(closeNoArgs(), send("abc"), Action{Do: "sendBytes", Size: 5}, attrs()),
			OnClose: acts(send("xy"), attrs())},
		{Name: "close in onopen drops a message that arrives while CLOSING", Source: "whatwg", URL: "{ws}/greet?text=hi",
			OnOpen: acts(closeCode(1000, "bye"))},
	}...)
}

// sending: send() and message data (WPT Send-*.any.js, binaryType-*).
func sending() []Scenario {
	echo := func(name, src string, a ...Action) Scenario {
		return Scenario{Name: name, Source: src, URL: "{ws}/echo", OnOpen: a, OnMessage: acts(closeCode(1000, ""))}
	}
	return []Scenario{
		echo("send an empty string", "wpt:Send-0byte-data", send("")),
		// Chromium reads 15 in the task that called send(); so does the package
		// (buffered_drop.go), natively and in WASM, where the page's own count is read.
		echo("send text and read bufferedAmount", "wpt:Send-data", send("Message to send"), attrs()),
		{Name: "bufferedAmount counts UTF-8 bytes", Source: "wpt:bufferedAmount-unchanged-by-sync-xhr, whatwg", URL: "{ws}/echo",
			OnOpen: acts(closeNoArgs(), send("¥¥¥"), send("{lone}"), send("\U00010407"), attrs())},
		echo("send 65000 bytes of text", "wpt:Send-65K-data", send("{x*65000}")),
		echo("send UTF-8 text", "wpt:Send-unicode-data", send("¥¥¥¥¥¥")),
		echo("send a paired surrogate", "wpt:Send-paired-surrogates", send("\U00010407")),
		echo("send an unpaired surrogate", "wpt:Send-unpaired-surrogates", send("{lone}")),
		echo("send an ArrayBuffer (blob back)", "wpt:Send-binary-arraybuffer", Action{Do: "sendBytes", Size: 15}),
		echo("send an ArrayBuffer (arraybuffer back)", "wpt:Send-binary-arraybuffer",
			Action{Do: "binaryType", Text: "arraybuffer"}, Action{Do: "sendBytes", Size: 15}),
		echo("send a Uint8Array view", "wpt:Send-binary-arraybufferview-uint8-offset",
			Action{Do: "binaryType", Text: "arraybuffer"}, Action{Do: "sendView", Offset: 2, Size: 8}),
		echo("send a Blob", "wpt:Send-binary-blob", Action{Do: "sendBlob", Text: "blob data"}),
		echo("send 65000 bytes binary", "wpt:Send-binary-65K-arraybuffer", Action{Do: "binaryType", Text: "arraybuffer"},
			Action{Do: "sendBytes", Size: 65000}),
		echo("binaryType set to an invalid value is ignored", "wpt:binaryType-wrong-value",
			Action{Do: "binaryType", Text: "notBlobOrArrayBuffer"}, Action{Do: "sendBytes", Text: "x"}),
		{Name: "binaryType changed between two messages", Source: "whatwg", URL: "{ws}/echo",
			OnOpen: acts(send("switch"), Action{Do: "sendBytes", Text: "two"}),
			OnMessage: acts(Action{Do: "binaryType", Text: "arraybuffer", If: "text:switch"},
				Action{Do: "closeCode", Code: 1000, Unless: "text:switch"})},
		{Name: "listeners run in registration order, once runs once, removed ones stop", Source: "whatwg, dom",
			URL: "{ws}/echo",
			Now: acts(Action{Do: "listen", Text: "open", Reason: "A"}, Action{Do: "listen", Text: "message", Reason: "M1", Code: 1},
				Action{Do: "listen", Text: "message", Reason: "M2"}, Action{Do: "listen", Text: "close", Reason: "C1"}),
			OnOpen: acts(Action{Do: "listen", Text: "message", Reason: "M3"}, Action{Do: "listen", Text: "open", Reason: "late"},
				send("x"), send("y"), send("z")),
			OnMessage: acts(Action{Do: "unlisten", Reason: "M2", If: "text:x"}, Action{Do: "closeCode", Code: 1000, If: "text:z"}),
			OnClose:   acts(Action{Do: "listen", Text: "close", Reason: "after"})},
		{Name: "onmessage keeps its place when set again, and moves to the end after null", Source: "html event handlers",
			URL:    "{ws}/echo",
			Now:    acts(Action{Do: "listen", Text: "message", Reason: "A"}),
			OnOpen: acts(Action{Do: "listen", Text: "message", Reason: "B"}, Action{Do: "setOnMessage"}, send("1"), send("2")),
			OnMessage: acts(Action{Do: "setOnMessage", Text: "null", If: "text:1"}, Action{Do: "setOnMessage", If: "text:1"},
				Action{Do: "closeCode", Code: 1000, If: "text:2"}),
			Differs: map[string]string{"node": "Node moves the onmessage handler to the end of the listeners when it is " +
				"set again; HTML (and Chromium) keep its place until it is set to null."}},
		{Name: "listeners added or removed during a dispatch", Source: "dom dispatch",
			URL:    "{ws}/echo",
			OnOpen: acts(Action{Do: "listen", Text: "message", Reason: "B"}, send("1"), send("2")),
			OnMessage: acts(Action{Do: "unlisten", Reason: "B", If: "text:1"}, Action{Do: "listen", Text: "message", Reason: "C", If: "text:1"},
				Action{Do: "closeCode", Code: 1000, If: "text:2"})},
		{Name: "error and close listeners on a failed handshake", Source: "whatwg", URL: "{ws}/reject?status=403",
			Now:     acts(Action{Do: "listen", Text: "error", Reason: "E"}, Action{Do: "listen", Text: "close", Reason: "C", Code: 1}),
			Differs: map[string]string{"node": nodeNoClose}},
		{Name: "messages keep their order (text and binary)", Source: "whatwg", URL: "{ws}/echo",
			OnOpen:    acts(send("1"), Action{Do: "sendBytes", Text: "2"}, send("3"), Action{Do: "sendBlob", Text: "4"}, send("end")),
			OnMessage: acts(Action{Do: "closeCode", Code: 1000, If: "text:end"})},
	}
}

// frames: what a client must do with the frames a server sends, good and bad
// (RFC 6455 sections 5 and 7; the /raw endpoint writes the bytes as given).
func frames() []Scenario {
	long := strings.Repeat("61", 124)
	cases := []struct{ name, hex string }{
		{"server close frame 1000 with a reason", "880503e8627965"},
		{"server close frame with a 1-byte payload", "880103"},
		{"server close frame with code 1005 on the wire", "880203ed"},
		{"server close frame with code 999", "880203e7"},
		{"server close frame with code 1004 (reserved)", "880203ec"},
		{"server close frame with code 1015 on the wire", "880203f7"},
		{"server close frame with code 2999", "88020bb7"},
		{"server close frame with code 4999", "88021387"},
		{"server close frame with code 5000", "88021388"},
		{"server close frame with an invalid UTF-8 reason", "880403e8fffe"},
		{"server close frame over 125 bytes", "887e007e03e8" + long},
		{"data after the server's close frame is ignored", "880203e881026869"},
		{"masked frame from the server", "818500000000" + "68656c6c6f"},
		{"RSV1 set without an extension", "c1026869"},
		{"reserved opcode 3", "8300"},
		{"fragmented ping", "0900"},
		{"ping over 125 bytes", "897e007e" + long + "6161"},
		{"continuation frame with nothing to continue", "80026869"},
		{"new message inside a fragmented one", "0101618101" + "62"},
		{"fragmented text message", "010368656c80026c6f" + "880203e8"},
		{"ping between fragments", "0101618900" + "800162" + "880203e8"},
		{"empty text frame", "8100" + "880203e8"},
		{"UTF-8 character split across fragments", "0101c38001a9" + "880203e8"},
		{"truncated UTF-8 at the end of a text message", "8101c3"},
		{"unsolicited pong is ignored", "8a00" + "8102686f" + "880203e8"},
		{"binary frame then close", "8203010203" + "880203e8"},
		{"non-minimal 64-bit length", "817f0000000000000002" + "6869" + "880203e8"},
		{"text starting with a byte order mark", "8104efbbbf61" + "880203e8"},
		{"empty binary frame", "8200" + "880203e8"},
		{"text with a NUL character", "81020061" + "880203e8"},
		{"ping with a payload then close", "8903616263" + "880203e8"},
		{"text with an encoded surrogate (invalid UTF-8)", "8103eda080"},
		{"text with a noncharacter U+FFFF", "8103efbfbf" + "880203e8"},
		{"binary frame with RSV1 and no extension", "c20101"},
		{"invalid UTF-8 in a text fragment that is not the last", "0102c0af"},
		{"invalid UTF-8 in a continuation that is not the last", "010161" + "0001ff"},
	}
	var out []Scenario
	for _, c := range cases {
		sc := Scenario{Name: c.name, Source: "rfc6455", URL: "{ws}/raw?hex=" + c.hex, AddID: true, CheckServer: true,
			OnOpen: acts(Action{Do: "binaryType", Text: "arraybuffer"})}
		// Under WASM in Node the page's WebSocket is Node's, so both Node runtimes
		// show its handling of bad frames.
		sc.Differs = map[string]string{"node": nodeFrames, "wasm-node": nodeFrames}
		out = append(out, sc)
	}
	return out
}

// extensions: what the server answers to the permessage-deflate offer.
func extensions() []Scenario {
	var out []Scenario
	for _, ext := range []string{
		"permessage-deflate",
		"permessage-deflate; server_no_context_takeover",
		"permessage-deflate; client_no_context_takeover",
		"permessage-deflate; server_max_window_bits=10",
		"permessage-deflate; client_max_window_bits=10",
		"permessage-deflate; client_max_window_bits",
		"permessage-deflate; unknown_param",
		"permessage-deflate; server_max_window_bits=7",
		"permessage-deflate; server_max_window_bits=8",
		"permessage-deflate; server_max_window_bits=16",
		"permessage-deflate; server_max_window_bits=010",
		"permessage-deflate; server_max_window_bits",
		"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
		"permessage-deflate; server_no_context_takeover=1",
		"permessage-deflate, permessage-deflate",
		"x-webkit-deflate-frame",
	} {
		sc := Scenario{Name: "server accepts extension: " + ext, Source: "rfc7692",
			URL:     "{ws}/raw?hex=880203e8&ext=" + url.QueryEscape(ext),
			Differs: map[string]string{"node": nodeExtensions, "wasm-node": nodeExtensions}}
		out = append(out, sc)
	}
	return out
}

// handshakes: response heads a server may answer the opening handshake with.
func handshakes() []Scenario {
	const status, up, conn, acc = "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: {accept}"
	cases := []struct {
		name  string
		lines []string
	}{
		{"the usual answer", []string{status, up, conn, acc}},
		{"Upgrade and Connection in other cases", []string{"HTTP/1.1 101 OK", "upgrade: WebSocket", "connection: upgrade", acc}},
		{"Connection with more tokens", []string{status, up, "Connection: keep-alive, Upgrade", acc}},
		{"no Upgrade header", []string{status, conn, acc}},
		{"Upgrade with another protocol", []string{status, "Upgrade: h2c", conn, acc}},
		{"Upgrade with two tokens", []string{status, "Upgrade: websocket, h2c", conn, acc}},
		{"no Connection header", []string{status, up, acc}},
		{"no Sec-WebSocket-Accept", []string{status, up, conn}},
		{"two Sec-WebSocket-Accept headers", []string{status, up, conn, acc, acc}},
		{"status 200", []string{"HTTP/1.1 200 OK", up, conn, acc, "Content-Length: 0"}},
		{"HTTP/1.0 101", []string{"HTTP/1.0 101 Switching Protocols", up, conn, acc}},
		{"empty Sec-WebSocket-Protocol when none was offered", []string{status, up, conn, acc, "Sec-WebSocket-Protocol: "}},
		{"empty Sec-WebSocket-Extensions", []string{status, up, conn, acc, "Sec-WebSocket-Extensions: "}},
	}
	var out []Scenario
	for _, c := range cases {
		sc := Scenario{Name: "handshake answer: " + c.name, Source: "rfc6455 4.1",
			URL:     "{ws}/raw?hex=880203e8&head=" + url.QueryEscape(strings.Join(c.lines, "\r\n")),
			Differs: map[string]string{"node": nodeNoClose}}
		switch c.name {
		case "Connection with more tokens":
			why := "Node's WebSocket wants Connection to be exactly \"Upgrade\" and refuses a list of tokens."
			sc.Differs = map[string]string{"node": why, "wasm-node": why}
		case "empty Sec-WebSocket-Protocol when none was offered":
			sc.Differs = map[string]string{"node": nodeCrash, "wasm-node": nodeCrash}
		}
		out = append(out, sc)
	}
	return out
}

// serverSide: what the server does (server-initiated closes, failures, extensions).
func serverSide() []Scenario {
	return []Scenario{
		{Name: "server close 1000 with a reason after a message", Source: "wpt:Close-server-initiated-close",
			URL: "{ws}/close?code=1000&reason=bye&greet=hi"},
		{Name: "server close 1001", Source: "whatwg", URL: "{ws}/close?code=1001&reason=going"},
		{Name: "server close 1011", Source: "whatwg", URL: "{ws}/close?code=1011"},
		{Name: "server close 3500 with a UTF-8 reason", Source: "whatwg", URL: "{ws}/close?code=3500&reason=%C3%A9t%C3%A9%20%E2%98%83"},
		{Name: "handshake refused with 404", Source: "whatwg", URL: "{ws}/reject?status=404"},
		{Name: "handshake answered with a redirect (302)", Source: "whatwg", URL: "{ws}/reject?status=302",
			Differs: map[string]string{"node": nodeNoClose}},
		{Name: "server selects a protocol when none was offered", Source: "wpt:opening-handshake/005", URL: "{ws}/protocol?pick=chat",
			Differs: map[string]string{"node": nodeCrash, "wasm-node": nodeCrash}},
		{Name: "handshake refused with 500", Source: "whatwg", URL: "{ws}/reject?status=500"},
		{Name: "server drops TCP after a message", Source: "whatwg", URL: "{ws}/drop?greet=hi&delay_ms=50"},
		{Name: "server ends TCP instead of answering the client's close", Source: "rfc6455 7.1.1", URL: "{ws}/raw?hex=",
			AddID: true, CheckServer: true, OnOpen: acts(closeCode(3000, "bye"))},
		{Name: "permessage-deflate is negotiated", Source: "wpt:Create-extensions-empty", URL: "{ws}/echo",
			OnOpen: acts(attrs(), closeCode(1000, ""))},
		{Name: "no extension when the server declines", Source: "wpt:Create-extensions-empty", URL: "{ws}/echo?compress=0",
			OnOpen: acts(attrs(), closeCode(1000, ""))},
		{Name: "handshake headers the server sees (Origin)", Source: "whatwg", URL: "{ws}/echoheaders",
			OnMessage: acts(closeCode(1000, "")),
			Differs: map[string]string{
				"native": "A Go program has no page, so the native backend sends no Origin header unless Options.PageURL " +
					"names the page (the next scenario) or Options.Header sets one; a browser sends the page's origin.",
				"node":      "Node has no page, so its WebSocket sends no Origin header.",
				"wasm-node": "Node has no page, so its WebSocket sends no Origin header.",
			}},
		{Name: "handshake headers the server sees (Origin), natively with Options.PageURL", Source: "whatwg",
			URL: "{ws}/echoheaders", PageURL: true, OnMessage: acts(closeCode(1000, "")),
			Differs: map[string]string{
				"node":      "Node has no page, so its WebSocket sends no Origin header.",
				"wasm-node": "Node has no page, so its WebSocket sends no Origin header.",
			}},
		{Name: "1 MiB text message", Source: "whatwg", URL: "{ws}/large?size=1048576&type=text",
			OnMessage: acts(closeCode(1000, ""))},
		{Name: "close() goes out after the data sent before it", Source: "whatwg", URL: "{ws}/echo", AddID: true, CheckServer: true,
			OnOpen: acts(Action{Do: "sendBytes", Size: 1 << 20}, closeCode(3000, "after data"))},
		{Name: "1 MiB binary message", Source: "whatwg", URL: "{ws}/large?size=1048576",
			OnOpen: acts(Action{Do: "binaryType", Text: "arraybuffer"}), OnMessage: acts(closeCode(1000, ""))},
		{Name: "three greetings then close", Source: "whatwg", URL: "{ws}/greet?text=g&n=3",
			OnMessage: acts(Action{Do: "closeCode", Code: 1000})},
		{Name: "flood of 100 small messages then server close", Source: "whatwg", URL: "{ws}/flood?n=100&size=8",
			OnOpen: acts(Action{Do: "binaryType", Text: "arraybuffer"})},
	}
}

// fidelity: what third-party servers showed (issue 15): the request headers
// as the server receives them, a server that limits the compression windows
// as Python's websockets does, and frames after the close frame with every
// timing of the late bytes.
func fidelity() []Scenario {
	out := []Scenario{
		{Name: "request headers the server sees", Source: "rfc6455 4.1", URL: "{ws}/requestheaders",
			OnMessage: acts(closeCode(1000, ""))},
		{Name: "request headers the server sees, two protocols", Source: "rfc6455 4.1", URL: "{ws}/requestheaders",
			Protocols: []string{"soap", "wamp"}, OnMessage: acts(closeCode(1000, ""))},
		{Name: "server limits both windows to 12 bits", Source: "rfc7692", URL: "{ws}/smallwindow", AddID: true, CheckServer: true,
			OnOpen:    acts(attrs(), send("small"), send("{a*5000}"), send("{b*100}")),
			OnMessage: acts(Action{Do: "closeCode", Code: 1000, If: "text:" + strings.Repeat("b", 100)})},
	}
	// How the connection ends when the server leaves the end of TCP to the
	// client, or resets it after the closing handshake (Chromium's timers and
	// wasClean rule).
	for _, c := range []struct{ name, query string }{
		{"a broken frame fails at once while the server keeps TCP open", "hex=8300&hold_ms=8000"},
		{"server keeps TCP open after the closing handshake", "hex=880203e8&hold_ms=8000"},
		{"server resets TCP after the closing handshake", "hex=880203e8&rst=1"},
		{"server resets TCP after a message and its close frame", "hex=8102686f880203e8&rst=1"},
	} {
		out = append(out, Scenario{Name: c.name, Source: "rfc6455 7.1.1", URL: "{ws}/raw?" + c.query,
			AddID: true, CheckServer: true, TimeoutMS: 4000,
			Differs: map[string]string{"node": nodeFrames, "wasm-node": nodeFrames}})
	}
	for _, c := range []struct {
		name, hex, late string
		pauseMS         int
	}{
		{"text frame after the close frame, same write", "880203e8", "81026869", 0},
		{"text frame after the close frame, 100 ms later", "880203e8", "81026869", 100},
		{"text frame after the close frame, 3.5 s later", "880203e8", "81026869", 3500},
		{"ping after the close frame, 100 ms later", "880203e8", "8900", 100},
		{"close frame split in two writes", "8802", "03e8", 100},
		{"close code 999 split from its header", "8802", "03e7", 100},
		{"close reason not UTF-8, split", "880403e8", "fffe", 100},
	} {
		out = append(out, Scenario{Name: c.name, Source: "rfc6455",
			URL:   fmt.Sprintf("{ws}/late?hex=%s&late=%s&pause_ms=%d", c.hex, c.late, c.pauseMS),
			AddID: true, CheckServer: true, TimeoutMS: 10000,
			Differs: map[string]string{"node": nodeFrames, "wasm-node": nodeFrames}})
	}
	return out
}
