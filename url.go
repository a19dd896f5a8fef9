//go:build !js

// The package's own URL parser, for the native backend only: in WASM the page's
// WebSocket constructor parses (js_wasm.go), and leaving this file out of js
// builds keeps net/url and net/netip (whose unique.Make tables cost about
// 116 KB) out of WASM binaries.

package websocket

import (
	"net/netip"
	"strconv"
	"strings"
)

// parsedURL is a WebSocket URL after the constructor's checks.
type parsedURL struct {
	href   string // the serialization JavaScript's ws.url returns
	origin string // the serialization of the URL's origin, for MessageEvent.Origin
	secure bool
}

// parseURL applies the WebSocket constructor's URL steps: parse, map http(s) to
// ws(s), reject other schemes and fragments. There is no base URL natively, so a
// relative URL is a SyntaxError.
//
// It parses as Chromium does, which is the WHATWG URL standard's parser for
// special schemes with Chromium's departures, kept on purpose (the project
// follows Chromium; conformance/cmd/conformance/urls.go checks every case of
// WPT's urltestdata.json against Chromium's own new WebSocket()):
//   - the host is percent-decoded before anything else, so "ws://%5B::1]/" is
//     "ws://[::1]/", and the port is what follows the last ':' after the last ']';
//   - a space (also "%20", U+00A0, U+3000) and '*' in a host are written "%20" and
//     "%2A" instead of failing or being kept (see host.go);
//   - an apostrophe in the userinfo is written "%27", and '|' in the path "%7C";
//   - a full-width "％４１" in a host maps to "%41" and is decoded again ("a").
func parseURL(raw string) (parsedURL, error) {
	fail := func(why string) (parsedURL, error) {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " " + why)
	}
	s := preprocess(raw)
	if strings.Contains(s, "#") {
		return fail("contains a fragment")
	}
	colon := strings.IndexByte(s, ':')
	if !hasScheme(s) {
		return fail("is relative and there is no base URL outside a browser")
	}
	scheme := strings.ToLower(s[:colon])
	switch scheme {
	case "http":
		scheme = "ws"
	case "https":
		scheme = "wss"
	case "ws", "wss":
	default:
		return parsedURL{}, syntaxError("the URL's scheme must be \"ws\", \"wss\", \"http\" or \"https\"; " + strconv.Quote(s[:colon]) + " is not allowed")
	}
	// Special schemes skip any slashes before the authority ("ws:h", "ws:///h"
	// and "ws:\\\\h" are "ws://h/"), which ends at '/', '\\' or '?'.
	rest := strings.TrimLeft(s[colon+1:], `/\`)
	end := strings.IndexAny(rest, `/\?`)
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]
	path, query, hasQuery := strings.Cut(rest, "?")

	userinfo := ""
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		user, pass, _ := strings.Cut(authority[:at], ":")
		userinfo = escapeSet(user, userinfoEscapes)
		if pass != "" {
			userinfo += ":" + escapeSet(pass, userinfoEscapes)
		}
		if userinfo != "" {
			userinfo += "@"
		}
		authority = authority[at+1:]
	}
	hostPart, port := authority, ""
	if c := strings.LastIndexByte(authority, ':'); c > strings.LastIndexByte(authority, ']') {
		hostPart, port = authority[:c], authority[c+1:]
	}
	if hostPart == "" {
		return fail("has no host")
	}
	host, ok := parseHost(hostPart)
	if !ok {
		return fail("has an invalid host")
	}
	if port != "" {
		digits := strings.TrimLeft(port, "0")
		n, err := strconv.Atoi(digits)
		if strings.Trim(port, "0123456789") != "" || len(digits) > 5 || (digits != "" && err != nil) || n > 65535 {
			return fail("has an invalid port")
		}
		port = strconv.Itoa(n)
		if (scheme == "ws" && n == 80) || (scheme == "wss" && n == 443) {
			port = ""
		}
	}
	hostport := host
	if port != "" {
		hostport += ":" + port
	}
	p := removeDotSegments(escapeSet(strings.ReplaceAll(path, `\`, "/"), pathEscapes))
	if p == "" {
		p = "/"
	}
	href := scheme + "://" + userinfo + hostport + p
	if hasQuery {
		href += "?" + escapeSet(query, queryEscapes)
	}
	return parsedURL{href: href, origin: scheme + "://" + hostport, secure: scheme == "wss"}, nil
}

// preprocess is the WHATWG URL parser's first step: C0 controls and spaces
// trimmed at both ends, ASCII tabs and newlines dropped anywhere.
func preprocess(raw string) string {
	s := strings.TrimFunc(toUSVString(raw), func(r rune) bool { return r <= 0x20 })
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// hasScheme reports whether s, preprocessed, is absolute: a scheme, then ':'.
func hasScheme(s string) bool {
	colon := strings.IndexByte(s, ':')
	return colon > 0 && isScheme(s[:colon])
}

// isScheme reports whether s is a URL scheme: an ASCII letter, then letters,
// digits, '+', '-' and '.'.
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// The ASCII bytes each part of a URL percent-encodes, besides controls, space,
// DEL and every non-ASCII byte, which all parts encode. They are Chromium's
// sets: the URL standard's userinfo set plus the apostrophe, its path set plus
// '|', and its special-query set.
const (
	userinfoEscapes = "\"#'/:;<=>?@[\\]^`{|}"
	pathEscapes     = "\"<>^`{|}"
	queryEscapes    = "\"#'<>"
)

// escapeSet percent-encodes, with uppercase hex, the bytes of s that are
// controls, space, DEL, non-ASCII or in set; a '%' is kept as it is (browsers
// keep "%zz" and a lone '%' unchanged).
func escapeSet(s, set string) string {
	escape := func(c byte) bool { return c <= 0x20 || c >= 0x7f || strings.IndexByte(set, c) >= 0 }
	i := 0
	for i < len(s) && !escape(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if c := s[i]; escape(c) {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// serializeIPv6 writes an IPv6 address as the WHATWG URL standard does: eight
// pieces in lowercase hex, the first longest run of two or more zero pieces
// written "::", and no dotted IPv4 tail ("[::ffff:1.2.3.4]" reads back as
// "[::ffff:102:304]").
func serializeIPv6(a netip.Addr) string {
	b := a.As16()
	var pieces [8]uint16
	for i := range pieces {
		pieces[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	start, length := -1, 1
	for i := 0; i < 8; {
		j := i
		for j < 8 && pieces[j] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = max(j, i+1)
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if i == start {
			sb.WriteString("::")
			i += length - 1
			continue
		}
		if i > 0 && i != start+length {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.FormatUint(uint64(pieces[i]), 16))
	}
	return sb.String()
}

// removeDotSegments resolves "." and ".." path segments (also their %2e forms) as
// the WHATWG URL parser does.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") && !strings.Contains(strings.ToLower(p), "%2e") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		if i == 0 {
			continue // the empty segment before the leading '/'
		}
		last := i == len(segs)-1
		switch strings.ToLower(s) {
		case ".", "%2e":
			if last {
				out = append(out, "")
			}
		case "..", ".%2e", "%2e.", "%2e%2e":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/")
}

// validateProtocols applies the constructor's rule: each protocol is an HTTP token
// (RFC 7230) and none repeats (compared case-sensitively, as browsers do).
func validateProtocols(protocols []string) error {
	seen := make(map[string]bool, len(protocols))
	for _, p := range protocols {
		if !isToken(p) {
			return syntaxError("the subprotocol " + strconv.Quote(p) + " is not a valid token")
		}
		if seen[p] {
			return syntaxError("the subprotocol " + strconv.Quote(p) + " is duplicated")
		}
		seen[p] = true
	}
	return nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
