//go:build !js

package websocket

import (
	"io"
	"net/http"
)

// httpGet fetches url with net/http.
func httpGet(url string) (status int, body []byte, err error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// runtimeName names what runs the tests: "native" here.
func runtimeName() string { return "native" }
