package websocket

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The WHATWG URL standard's host parser for special schemes, for what
// net/url leaves undone: percent-escapes in the host, IDNA (non-ASCII labels to
// "xn--" Punycode), and IPv4 hosts in their short, hex and octal forms.

// decodeHostEscapes percent-decodes the host of s (an absolute URL) in place,
// since net/url refuses escapes of ASCII bytes there ("ws://%31%32%37.0.0.1/" is
// "ws://127.0.0.1/" to a browser).
func decodeHostEscapes(s string) string {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return s
	}
	start := colon + 1
	for start < len(s) && s[start] == '/' {
		start++
	}
	end := start + strings.IndexAny(s[start:]+"/", "/?")
	if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
		start += at + 1
	}
	host := s[start:end]
	if !strings.Contains(host, "%") || strings.HasPrefix(host, "[") {
		return s
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i] // the port
	}
	var b strings.Builder
	for i := 0; i < len(host); i++ {
		if host[i] == '%' && i+2 < len(host) && ishex(host[i+1]) && ishex(host[i+2]) {
			v, _ := strconv.ParseUint(host[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(host[i])
	}
	if forbiddenInHost(b.String()) {
		return s // net/url rejects the escape, as a browser rejects the host
	}
	return s[:start] + b.String() + s[start+len(host):]
}

// forbiddenInHost reports whether h holds a forbidden domain code point.
func forbiddenInHost(h string) bool {
	for i := 0; i < len(h); i++ {
		if c := h[i]; c <= 0x20 || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return true
		}
	}
	return false
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// parseDomain turns a host that is not an IPv6 address into its serialization:
// lowercased, non-ASCII labels Punycode-encoded, and an IPv4 address written
// out in four decimal parts. ok is false for a host a browser rejects.
func parseDomain(host string) (string, bool) {
	if !utf8.ValidString(host) {
		return "", false
	}
	host = strings.ToLower(strings.Map(uts46Subset, host))
	if host == "" {
		// Only ignored code points ("ws://\u00ad/"): domain to ASCII gives the
		// empty string, which the URL standard (and Chromium) reject.
		return "", false
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !isASCII(l) {
			p, ok := punycode(l)
			if !ok {
				return "", false
			}
			labels[i] = "xn--" + p
		}
	}
	host = strings.Join(labels, ".")
	if forbiddenInHost(host) {
		return "", false
	}
	if endsInNumber(labels) {
		return parseIPv4(labels)
	}
	return host, true
}

// uts46Subset is the part of UTS 46's mapping that needs no Unicode data
// tables: code points it ignores are dropped, full-width ASCII becomes ASCII, and
// the ideographic full stops become '.'. (The rest, such as "①" to "1", needs
// NFKC data that the standard library lacks.)
func uts46Subset(r rune) rune {
	switch {
	case r == 0xad, r == 0x34f, r >= 0x180b && r <= 0x180d, r == 0x200b, r == 0x2060, r >= 0xfe00 && r <= 0xfe0f, r == 0xfeff:
		return -1
	case r == 0x3002, r == 0xff61:
		return '.'
	case r >= 0xff01 && r <= 0xff5e:
		return r - 0xff01 + '!'
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// endsInNumber reports whether the last label (a trailing empty one aside) is a
// number, which makes the host an IPv4 address or invalid.
func endsInNumber(labels []string) bool {
	last := labels[len(labels)-1]
	if last == "" && len(labels) > 1 {
		last = labels[len(labels)-2]
	}
	if last == "" {
		return false
	}
	if strings.Trim(last, "0123456789") == "" {
		return true
	}
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		return strings.Trim(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return false
}

// parseIPv4 applies the IPv4 parser: one to four parts, each decimal, hex (0x)
// or octal (leading 0), the last filling the remaining bytes.
func parseIPv4(labels []string) (string, bool) {
	if len(labels) > 1 && labels[len(labels)-1] == "" {
		labels = labels[:len(labels)-1]
	}
	if len(labels) > 4 {
		return "", false
	}
	nums := make([]uint64, len(labels))
	for i, l := range labels {
		base := 10
		switch {
		case len(l) >= 2 && (l[:2] == "0x" || l[:2] == "0X"):
			l, base = l[2:], 16
		case len(l) >= 2 && l[0] == '0':
			l, base = l[1:], 8
		}
		if l == "" {
			if base == 10 {
				return "", false
			}
			continue // "0x" alone is 0
		}
		n, err := strconv.ParseUint(l, base, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return "", false
			}
			return "", false
		}
		nums[i] = n
	}
	var ip uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return "", false
		}
		ip |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return "", false
	}
	ip += last
	return strconv.FormatUint(ip>>24, 10) + "." + strconv.FormatUint(ip>>16&255, 10) + "." +
		strconv.FormatUint(ip>>8&255, 10) + "." + strconv.FormatUint(ip&255, 10), true
}

// punycode encodes a label with RFC 3492's algorithm (without the "xn--" prefix).
func punycode(label string) (string, bool) {
	const (
		base, tmin, tmax = 36, 1, 26
		skew, damp       = 38, 700
	)
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > (base-tmin)*tmax/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	runes := []rune(label)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	handled := basic
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := 128, 0, 72
	for handled < len(runes) {
		m := int(utf8.MaxRune) + 1
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m-n)*(handled+1) > 1<<30 {
			return "", false
		}
		delta += (m - n) * (handled + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := min(max(k-bias, tmin), tmax)
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}
		delta++
		n++
	}
	return string(out), true
}

// protectStrayPercents replaces each '%' of the path of s (an absolute URL) that
// does not start a percent-escape with the escaped form of a private-use
// character that s does not hold, since net/url refuses such a path and browsers
// keep the '%' as it is. It returns the new s and the stand-in, which the caller
// turns back into '%' in the serialized path; "" when nothing was replaced.
func protectStrayPercents(s string) (string, string) {
	i := strings.Index(s, "://")
	if i < 0 {
		return s, ""
	}
	start := i + 3 + strings.IndexAny(s[i+3:]+"/", "/?")
	if start >= len(s) || s[start] != '/' {
		return s, ""
	}
	end := start + strings.IndexByte(s[start:]+"?", '?')
	path := s[start:end]
	stray := false
	for j := 0; j < len(path); j++ {
		if path[j] == '%' && (j+2 >= len(path) || !ishex(path[j+1]) || !ishex(path[j+2])) {
			stray = true
			break
		}
	}
	if !stray {
		return s, ""
	}
	escape := func(r rune) string {
		e := ""
		for _, c := range []byte(string(r)) {
			e += "%" + strings.ToUpper(strconv.FormatUint(uint64(c), 16))
		}
		return e
	}
	mark := rune(0xE000)
	for strings.ContainsRune(s, mark) || strings.Contains(strings.ToUpper(s), escape(mark)) {
		mark++
	}
	escaped := escape(mark)
	var b strings.Builder
	for j := 0; j < len(path); j++ {
		if path[j] == '%' && (j+2 >= len(path) || !ishex(path[j+1]) || !ishex(path[j+2])) {
			b.WriteString(escaped)
			continue
		}
		b.WriteByte(path[j])
	}
	return s[:start] + b.String() + s[end:], escaped
}

// cutUserinfo takes the userinfo out of s (an absolute URL), since net/url
// refuses some that browsers take, and returns it serialized as the WHATWG URL
// standard does: up to the last '@' of the authority, username and password
// percent-encoded with the userinfo set, "" when both are empty.
func cutUserinfo(s string) (string, string) {
	i := strings.Index(s, "://")
	if i < 0 {
		return s, ""
	}
	start := i + 3
	end := start + strings.IndexAny(s[start:]+"/", "/?")
	at := strings.LastIndexByte(s[start:end], '@')
	if at < 0 {
		return s, ""
	}
	user, pass, _ := strings.Cut(s[start:start+at], ":")
	info := encodeUserinfo(user)
	if pass != "" {
		info += ":" + encodeUserinfo(pass)
	}
	if user == "" && pass == "" {
		info = ""
	}
	return s[:start] + s[start+at+1:], info
}

// encodeUserinfo percent-encodes the WHATWG userinfo percent-encode set.
func encodeUserinfo(s string) string {
	const hexdigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("\"#<>?`{}/:;=@[\\]^|", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
