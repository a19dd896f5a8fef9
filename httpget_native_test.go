//go:build !js

package websocket

// httpGet fetches url with net/http.
func httpGet(url string) (status int, body []byte, err error) { return netHTTPGet(url) }

// runtimeName names what runs the tests: "native" here.
func runtimeName() string { return "native" }
