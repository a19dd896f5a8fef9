//go:build !js

package websocket

import (
	"net/url"
	"strings"
)

// checkArgs applies the constructor's URL and protocol rules of the WHATWG
// standard with the package's own parser: natively there is no page to ask, but
// Options.PageURL may name one. (In WASM the page's WebSocket constructor
// applies them; see js_wasm.go.)
func checkArgs(raw string, o *Options) (parsedURL, error) {
	u, err := resolveURL(raw, o.PageURL)
	if err != nil {
		return parsedURL{}, err
	}
	return u, validateProtocols(o.Protocols)
}

// resolveURL parses raw, resolving a relative URL against page (Options.PageURL):
// without a page there is no document, and a relative URL is an error.
func resolveURL(raw, page string) (parsedURL, error) {
	if page == "" || hasScheme(preprocess(raw)) {
		return parseURL(raw)
	}
	base, err := url.Parse(page)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return parsedURL{}, syntaxError("Options.PageURL " + page + " is not an absolute http or https URL")
	}
	// Against a special base the WHATWG parser reads backslashes as slashes; the
	// base's fragment is not inherited.
	ref, err := url.Parse(strings.ReplaceAll(preprocess(raw), `\`, "/"))
	if err != nil {
		return parsedURL{}, syntaxError("the URL " + raw + " does not resolve against the page " + page)
	}
	base.Fragment, base.RawFragment = "", ""
	return parseURL(base.ResolveReference(ref).String())
}

// pageOrigin is the Origin a page at page sends: its scheme, host and port (a
// default port left out), as a browser serializes an origin.
func pageOrigin(page string) string {
	page, _, _ = strings.Cut(page, "#")
	u, err := parseURL(page) // reads http as ws: the same host and port rules
	if err != nil {
		return ""
	}
	return "http" + strings.TrimPrefix(u.origin, "ws")
}
