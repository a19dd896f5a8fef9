//go:build !js

// The package's own URL parser, for the native backend only: in WASM the page's
// WebSocket constructor parses (js_wasm.go), and leaving this file out of js
// builds keeps net/url and net/netip (whose unique.Make tables cost about
// 116 KB) out of WASM binaries.

package websocket

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// parsedURL is a WebSocket URL after the constructor's checks.
type parsedURL struct {
	href   string // the serialization JavaScript's ws.url returns
	origin string // the serialization of the URL's origin, for MessageEvent.Origin
	secure bool
}

// parseURL applies the WebSocket constructor's URL steps of the WHATWG standard:
// parse, map http(s) to ws(s), reject other schemes and fragments. There is no base
// URL natively, so a relative URL is a SyntaxError.
func parseURL(raw string) (parsedURL, error) {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= 0x20 })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	if strings.Contains(s, "#") {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " contains a fragment")
	}
	// Special schemes read '\' as '/' before the query.
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = strings.ReplaceAll(s[:i], `\`, "/") + s[i:]
	} else {
		s = strings.ReplaceAll(s, `\`, "/")
	}
	// Special schemes skip any slashes before the host: "ws:h", "ws:///h" and
	// "ws://h" are the same URL.
	if i := strings.IndexByte(s, ':'); i > 0 {
		switch strings.ToLower(s[:i]) {
		case "ws", "wss", "http", "https":
			s = s[:i] + "://" + strings.TrimLeft(s[i+1:], "/")
		}
	}
	s = decodeHostEscapes(s)
	s, userinfo := cutUserinfo(s)
	s, stray := protectStrayPercents(s)
	u, err := url.Parse(s)
	if err != nil {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " is invalid: " + err.Error())
	}
	if u.Scheme == "" {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " is relative and there is no base URL outside a browser")
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http":
		scheme = "ws"
	case "https":
		scheme = "wss"
	case "ws", "wss":
	default:
		return parsedURL{}, syntaxError("the URL's scheme must be \"ws\", \"wss\", \"http\" or \"https\"; " + strconv.Quote(u.Scheme) + " is not allowed")
	}
	if u.Opaque != "" { // "ws:host/path": special schemes treat it as "ws://host/path"
		if u, err = url.Parse(scheme + "://" + strings.TrimLeft(u.Opaque, "/") + queryPart(u)); err != nil {
			return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " is invalid: " + err.Error())
		}
	}
	host, ok := strings.ToLower(u.Hostname()), true
	if host == "" {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " has no host")
	}
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " has an invalid IPv6 host")
		}
		host = "[" + serializeIPv6(a) + "]"
	} else if host, ok = parseDomain(host); !ok {
		return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " has an invalid host")
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n > 65535 {
			return parsedURL{}, syntaxError("the URL " + strconv.Quote(raw) + " has an invalid port")
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
	origin := scheme + "://" + hostport
	if userinfo != "" {
		userinfo += "@"
	}
	p := removeDotSegments(u.EscapedPath())
	if stray != "" {
		p = strings.ReplaceAll(p, stray, "%")
	}
	if p == "" {
		p = "/"
	}
	href := scheme + "://" + userinfo + hostport + p
	if u.RawQuery != "" || u.ForceQuery {
		href += "?" + encodeQuery(u.RawQuery)
	}
	return parsedURL{href: href, origin: origin, secure: scheme == "wss"}, nil
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

func queryPart(u *url.URL) string {
	if u.RawQuery == "" && !u.ForceQuery {
		return ""
	}
	return "?" + u.RawQuery
}

// encodeQuery percent-encodes what the WHATWG URL standard's special-query
// percent-encode set holds: controls, space, '"', '#', '<', '>', '\” and non-ASCII.
func encodeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
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
