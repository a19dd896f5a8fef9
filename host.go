//go:build !js

package websocket

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The host parser for special schemes, as Chromium applies it: percent-escapes
// decoded, IPv6 in brackets, IDNA (non-ASCII labels to "xn--" Punycode, with the
// part of UTS 46 that needs no Unicode tables), IPv4 in its short, hex and octal
// forms, and Chromium's table of what a host may hold.

// parseHost turns the host of a URL (as written, between the userinfo and the
// port) into its serialization; ok is false for a host Chromium rejects.
//
// The steps are Chromium's: percent-decode; a host in brackets is IPv6; a host
// still all ASCII is checked against the host table; one that is not has its
// space and '*' escaped first ("punycode strings cannot be escaped after they
// are created"), goes through IDNA, and the result is percent-decoded and checked
// again (IDNA can make escapes: "％４１" maps to "%41", which is "a"). Then a host
// that ends in a number is IPv4, and the rest is written with ' ' as "%20" and
// '*' as "%2A" (the URL standard rejects a space and keeps '*'; Chromium escapes
// both, and such a host never resolves).
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
	if !utf8.ValidString(h) || !validHostBytes(h) {
		return "", false // escapes that are not UTF-8 ("example.com%80"), or a forbidden byte
	}
	if !isASCII(h) {
		if h, ok = domainToASCII(escapeHostSpecials(h)); !ok {
			return "", false
		}
		if h = percentDecode(h); !isASCII(h) || !validHostBytes(h) {
			return "", false
		}
	}
	h = strings.ToLower(h)
	if h == "" {
		return "", false
	}
	labels := strings.Split(h, ".")
	if endsInNumber(labels) {
		return parseIPv4(labels)
	}
	return escapeHostSpecials(h), true
}

// validHostBytes reports whether h holds no ASCII byte that Chromium's host
// table rejects: controls, DEL and "#%/:<>?@[\]^|" (after percent-decoding, a
// '%' is a literal one).
func validHostBytes(h string) bool {
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 0x20 || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return false
		}
	}
	return true
}

// escapeHostSpecials writes the two bytes Chromium escapes in a host.
func escapeHostSpecials(h string) string {
	if !strings.ContainsAny(h, " *") {
		return h
	}
	return strings.ReplaceAll(strings.ReplaceAll(h, " ", "%20"), "*", "%2A")
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
// as far as that needs no Unicode tables beyond the standard library's (see
// uts46Subset): map, reject what it disallows and labels that begin with a
// combining mark, check "xn--" labels, and Punycode the labels still not ASCII.
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
	labels := strings.Split(host, ".")
	unicodeLabels := make([]string, len(labels))
	for i, l := range labels {
		if strings.HasPrefix(l, "xn--") {
			// Already Punycode: it must decode to a label with a non-ASCII code
			// point that encodes back the same way.
			u, ok := punycodeDecode(l[4:])
			if !ok || isASCII(u) || strings.ContainsFunc(u, uts46Disallowed) {
				return "", false
			}
			l = u
		}
		if r, _ := utf8.DecodeRuneInString(l); unicode.Is(unicode.M, r) {
			return "", false
		}
		unicodeLabels[i] = l
	}
	if !bidiRule(unicodeLabels) {
		return "", false
	}
	for i, l := range labels {
		if !isASCII(l) {
			p, ok := punycode(l)
			if !ok {
				return "", false
			}
			labels[i] = "xn--" + p
		}
	}
	return strings.Join(labels, "."), true
}

// Bidi classes (UAX 9) as bidiClass approximates them.
const (
	bidiL = iota
	bidiR
	bidiAL
	bidiAN
	bidiEN
	bidiES
	bidiCS
	bidiET
	bidiON
	bidiBN
	bidiNSM
	bidiWS
)

// bidiClass approximates a code point's bidi class from the scripts and
// categories the standard library's unicode package knows (it has no bidi
// table): exact for ASCII and the Arabic digits, Hebrew and NKo letters R,
// letters of the Arabic, Syriac, Thaana and Mandaic scripts AL, marks NSM.
func bidiClass(r rune) int {
	if r < 0x80 {
		switch {
		case '0' <= r && r <= '9':
			return bidiEN
		case r == '+' || r == '-':
			return bidiES
		case r == ',' || r == '.' || r == '/' || r == ':':
			return bidiCS
		case r == '#' || r == '$' || r == '%':
			return bidiET
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return bidiL
		case r == ' ':
			return bidiWS
		case r < 0x20 || r == 0x7f:
			return bidiBN
		}
		return bidiON
	}
	switch {
	case r >= 0x660 && r <= 0x669, r >= 0x600 && r <= 0x605, r == 0x66b, r == 0x66c, r == 0x6dd, r == 0x8e2:
		return bidiAN
	case r >= 0x6f0 && r <= 0x6f9:
		return bidiEN
	case r == 0x609, r == 0x60a, r == 0x66a:
		return bidiET
	case r == 0x60c:
		return bidiCS
	case unicode.In(r, unicode.Mn, unicode.Me):
		return bidiNSM
	case unicode.In(r, unicode.Hebrew, unicode.Nko, unicode.Samaritan, unicode.Adlam):
		return bidiR
	case unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Mandaic):
		return bidiAL
	case unicode.Is(unicode.Cf, r):
		return bidiBN
	case unicode.Is(unicode.Zs, r):
		return bidiWS
	case unicode.In(r, unicode.L, unicode.Nd, unicode.Mc, unicode.Nl):
		return bidiL
	}
	return bidiON
}

// bidiRule applies UTS 46's CheckBidi, which Chromium sets: in a domain with a
// right-to-left label (one holding an R, AL or AN code point), every non-empty
// label must satisfy the six conditions of RFC 5893 section 2.
func bidiRule(labels []string) bool {
	bidiDomain := false
	for _, l := range labels {
		for _, r := range l {
			if c := bidiClass(r); c == bidiR || c == bidiAL || c == bidiAN {
				bidiDomain = true
			}
		}
	}
	if !bidiDomain {
		return true
	}
	for _, l := range labels {
		if l == "" {
			continue
		}
		classes := make([]int, 0, len(l))
		for _, r := range l {
			classes = append(classes, bidiClass(r))
		}
		rtl := false
		switch classes[0] {
		case bidiR, bidiAL:
			rtl = true
		case bidiL:
		default:
			return false // 1: the first is L, R or AL
		}
		last := len(classes) - 1
		for last > 0 && classes[last] == bidiNSM {
			last--
		}
		hasEN, hasAN := false, false
		for _, c := range classes {
			hasEN = hasEN || c == bidiEN
			hasAN = hasAN || c == bidiAN
			if rtl && (c == bidiL || c == bidiWS) { // 2
				return false
			}
			if !rtl && (c == bidiR || c == bidiAL || c == bidiAN || c == bidiWS) { // 5
				return false
			}
		}
		if rtl {
			if c := classes[last]; c != bidiR && c != bidiAL && c != bidiEN && c != bidiAN { // 3
				return false
			}
			if hasEN && hasAN { // 4
				return false
			}
		} else if c := classes[last]; c != bidiL && c != bidiEN { // 6
			return false
		}
	}
	return true
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

// RFC 3492's parameters for Punycode.
const (
	punyBase, punyTmin, punyTmax = 36, 1, 26
	punySkew, punyDamp           = 38, 700
)

// punyAdapt is RFC 3492's bias adaptation.
func punyAdapt(delta, points int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (punyBase-punyTmin)*punyTmax/2 {
		delta /= punyBase - punyTmin
		k += punyBase
	}
	return k + (punyBase-punyTmin+1)*delta/(delta+punySkew)
}

// punycodeDecode decodes a label's Punycode (without the "xn--" prefix); ok is
// false for a malformed one, and for one that does not encode back to s.
func punycodeDecode(s string) (string, bool) {
	var out []rune
	in := 0
	if d := strings.LastIndexByte(s, '-'); d >= 0 {
		for j := 0; j < d; j++ {
			if s[j] >= 0x80 {
				return "", false
			}
			out = append(out, rune(s[j]))
		}
		in = d + 1
	}
	if in >= len(s) {
		return "", false // nothing encoded: "xn--" or "xn--abc-"
	}
	n, i, bias := 128, 0, 72
	for in < len(s) {
		oldi, w := i, 1
		for k := punyBase; ; k += punyBase {
			if in >= len(s) {
				return "", false
			}
			c := s[in]
			in++
			var digit int
			switch {
			case 'a' <= c && c <= 'z':
				digit = int(c - 'a')
			case '0' <= c && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", false
			}
			if digit > (1<<30-i)/w {
				return "", false
			}
			i += digit * w
			t := min(max(k-bias, punyTmin), punyTmax)
			if digit < t {
				break
			}
			if w > (1<<30)/(punyBase-t) {
				return "", false
			}
			w *= punyBase - t
		}
		bias = punyAdapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune || (n >= 0xd800 && n <= 0xdfff) {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	u := string(out)
	if p, ok := punycode(u); !ok || p != s {
		return "", false
	}
	return u, true
}

// punycode encodes a label with RFC 3492's algorithm (without the "xn--" prefix).
func punycode(label string) (string, bool) {
	const base, tmin, tmax = punyBase, punyTmin, punyTmax
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
			bias = punyAdapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}
		delta++
		n++
	}
	return string(out), true
}
