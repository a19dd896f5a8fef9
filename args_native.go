//go:build !js

package websocket

// checkArgs applies the constructor's URL and protocol rules of the WHATWG
// standard with the package's own parser: natively there is no page to ask. (In
// WASM the page's WebSocket constructor applies them; see js_wasm.go.)
func checkArgs(url string, protocols []string) (parsedURL, error) {
	u, err := resolveURL(url)
	if err != nil {
		return parsedURL{}, err
	}
	return u, validateProtocols(protocols)
}
