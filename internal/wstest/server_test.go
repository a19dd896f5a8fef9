//go:build !js

package wstest_test

import (
	"net/http"
	"testing"

	"github.com/browserws/websocket/internal/wstest"
)

// The plain HTTP endpoints answer as before the kit served the others, and
// an unknown path is not found.
func TestHTTPEndpoints(t *testing.T) {
	s := wstest.Start()
	defer s.Close()
	for path, want := range map[string]int{"/reject": 403, "/reject?status=404": 404, "/auth": 401, "/record?id=none": 404, "/nothing": 404} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
