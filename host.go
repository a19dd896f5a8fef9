package websocket

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The host parser for special schemes, as Chromium applies it: percent-escapes
// decoded, IPv6 in brackets, IDNA (non-ASCII labels to "xn--" Punycode, with the
// part of UTS 46 that needs no Unicode tables), IPv4 in its short, hex and octal
// forms, and Chromium's table of what a host may hold.

// parseHost turns the host of a URL (as written, between the userinfo and the
// port) into its serialization; ok is false for a host Chromium rejects.
func parseHost(raw string) (host string, ok bool) {
	h := percentDecode(raw)
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", false
		}
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" || strings.Contains(h, "%") {
			return "", false
		}
		return "[" + serializeIPv6(a) + "]", true
	}
	if !utf8.ValidString(h) {
		return "", false // Chromium rejects escapes that are not UTF-8 ("example.com%80")
	}
	if !isASCII(h) {
		if h, ok = domainToASCII(h); !ok {
			return "", false
		}
	}
	h = strings.ToLower(h)
	if h == "" {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 0x20 || c >= 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return "", false
		}
	}
	labels := strings.Split(h, ".")
	if endsInNumber(labels) {
		return parseIPv4(labels)
	}
	// Chromium escapes a space and '*' (the URL standard rejects a space and
	// keeps '*'); such a host never resolves.
	if strings.ContainsAny(h, " *") {
		h = strings.ReplaceAll(strings.ReplaceAll(h, " ", "%20"), "*", "%2A")
	}
	return h, true
}

// percentDecode decodes every "%XX" of s; a '%' not followed by two hex digits
// stays as it is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// domainToASCII applies UTS 46 ToASCII to a host with non-ASCII code points,
// as far as that needs no Unicode tables (see uts46Subset): map, reject what it
// disallows, and Punycode the labels still not ASCII. As in Chromium, escapes
// the mapping made ("％４１" is "%41") are decoded again.
func domainToASCII(host string) (string, bool) {
	for _, r := range host {
		if uts46Disallowed(r) {
			return "", false
		}
	}
	// UTS 46 maps U+0130 by full case folding, to "i" and a combining dot;
	// strings.ToLower's simple mapping would give a plain "i".
	host = strings.ToLower(strings.Map(uts46Subset, strings.ReplaceAll(host, "\u0130", "i\u0307")))
	if host == "" {
		// Only ignored code points ("ws://\u00ad/"): domain to ASCII gives the
		// empty string, which the URL standard (and Chromium) reject.
		return "", false
	}
	host = percentDecode(host)
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !isASCII(l) {
			if !utf8.ValidString(l) {
				return "", false
			}
			p, ok := punycode(l)
			if !ok {
				return "", false
			}
			labels[i] = "xn--" + p
		}
	}
	return strings.Join(labels, "."), true
}

// uts46Disallowed reports the code points UTS 46 disallows that a table-free
// check can name: C1 controls, noncharacters, U+FFFD, private use, bidi and line
// separators, U+1680. (Unassigned code points, also disallowed, need the
// Unicode data.) It also reports the joiners U+200C and U+200D, which the
// CheckJoiners rule that Chromium applies allows only after a virama or in some
// joining contexts, both of which need Unicode data: rejecting them always
// matches Chromium everywhere but there.
func uts46Disallowed(r rune) bool {
	switch {
	case r == 0x200c, r == 0x200d, r == 0x1680:
		return true
	case r >= 0x80 && r <= 0x9f, r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe, r == 0xfffd, r >= 0xfff9 && r <= 0xfffc:
		return true
	case r >= 0xe000 && r <= 0xf8ff, r >= 0xf0000:
		return true
	case r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// uts46Subset is the part of UTS 46's mapping that needs no Unicode data
// tables: code points it ignores are dropped, full-width ASCII becomes ASCII,
// the ideographic full stops become '.' and the other spaces ' '. (The rest, such as "①" to "1", needs
// NFKC data that the standard library lacks.)
func uts46Subset(r rune) rune {
	switch {
	case r == 0xad, r == 0x34f, r >= 0x180b && r <= 0x180d, r == 0x200b, r == 0x2060, r >= 0xfe00 && r <= 0xfe0f, r == 0xfeff:
		return -1
	case r == 0x3002, r == 0xff61:
		return '.'
	case r == 0xa0, r >= 0x2000 && r <= 0x200a, r == 0x202f, r == 0x205f, r == 0x3000:
		return ' ' // the spaces UTS 46 maps to U+0020 (which Chromium then escapes)
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
