//go:build !js

package websocket

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseURL checks the constructor's URL rules on any input: it never panics;
// what it accepts serializes to an absolute ws: or wss: URL with a host, no
// fragment, no spaces or controls, that parses again to itself.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"ws://example.com", "http://a/b?c d", "wss://[::1]:443/x", "ftp://x/", "ws://h/#f", "ws:h", `ws://h\a`, "ws://h/./../a/%2e%2E/b", "", "ws://u:p@h:80/?q", "ws:::",
		"ws://h/?x\x00y\x00", "ws://a b/", "ws://%5B::1]/", "ws://％４１.com/", "ws://\u0130/", "ws://a*b%20c/", "ws://u'@h/p|",
		"ws: //h/", "ws://%ef%bc%85%ef%bc%94%ef%bc%91/", "ws://GOO\u00a0\u3000goo.com", "wss://example.com%80/", "ws://1.2 .3.4/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseURL(raw)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("parseURL(%q) error %v does not match ErrSyntax", raw, err)
			}
			return
		}
		if !strings.HasPrefix(u.href, "ws://") && !strings.HasPrefix(u.href, "wss://") {
			t.Fatalf("parseURL(%q) = %q: scheme is not ws or wss", raw, u.href)
		}
		if strings.ContainsAny(u.href, "# \t\r\n") || strings.ContainsFunc(u.href, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("parseURL(%q) = %q: fragment, space or control left", raw, u.href)
		}
		if !strings.HasPrefix(u.href, u.origin+"/") && !strings.Contains(u.href, "@") {
			t.Fatalf("parseURL(%q) = %q does not start with its origin %q", raw, u.href, u.origin)
		}
		again, err := parseURL(u.href)
		if err != nil || again.href != u.href {
			t.Fatalf("parseURL(%q) = %q, which parses again to %q, %v", raw, u.href, again.href, err)
		}
	})
}

// FuzzValidateProtocols compares the protocol rule with the standard's wording:
// every element a token of RFC 7230 (1*tchar), and no element twice.
func FuzzValidateProtocols(f *testing.F) {
	f.Add("chat,superchat")
	f.Add("a,a")
	f.Add("A,a")
	f.Add("has space")
	f.Add(",")
	f.Add("x{y}")
	f.Fuzz(func(t *testing.T, list string) {
		protocols := strings.Split(list, ",")
		const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		want := true
		seen := map[string]bool{}
		for _, p := range protocols {
			if p == "" || strings.Trim(p, tchar) != "" || seen[p] {
				want = false
			}
			seen[p] = true
		}
		err := validateProtocols(protocols)
		if (err == nil) != want {
			t.Fatalf("validateProtocols(%q) = %v, want valid=%v", protocols, err, want)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Fatalf("validateProtocols(%q) = %v, not a SyntaxError", protocols, err)
		}
	})
}

// FuzzCheckClose compares close()'s argument rules with the standard: code 1000
// or 3000–4999 else InvalidAccessError; then a reason of at most 123 bytes once
// encoded as UTF-8 else SyntaxError.
func FuzzCheckClose(f *testing.F) {
	f.Add(1000, "")
	f.Add(1001, "x")
	f.Add(4999, strings.Repeat("é", 62))
	f.Add(3000, strings.Repeat("a", 123))
	f.Add(3000, "\xff")
	f.Fuzz(func(t *testing.T, code int, reason string) {
		got, err := checkClose(code, reason)
		switch {
		case code != 1000 && (code < 3000 || code > 4999):
			if !errors.Is(err, ErrInvalidAccess) {
				t.Fatalf("checkClose(%d, %q) = %v, want InvalidAccessError", code, reason, err)
			}
		case len(toUSVString(reason)) > 123:
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("checkClose(%d, %d bytes) = %v, want SyntaxError", code, len(reason), err)
			}
		default:
			if err != nil || !utf8.ValidString(got) || (utf8.ValidString(reason) && got != reason) {
				t.Fatalf("checkClose(%d, %q) = %q, %v", code, reason, got, err)
			}
		}
	})
}
