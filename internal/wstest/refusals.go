//go:build !js

package wstest

import "net/http"

// The plain HTTP answers to an opening handshake: the client sees no 101.

// reject answers the handshake with ?status= (403 by default).
func reject(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "rejected", queryInt(r, "status", http.StatusForbidden))
}

// auth refuses the handshake with 401 and a WWW-Authenticate challenge.
func auth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
	http.Error(w, "who are you?", http.StatusUnauthorized)
}

// redirect answers the handshake with 302 to /echo (browsers do not follow it).
func redirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/echo", http.StatusFound)
}
