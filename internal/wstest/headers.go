package wstest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/coder/websocket"
)

// requestHeaders accepts the handshake (selecting the first protocol offered,
// if any), sends a JSON object of the handshake request's WebSocket header
// fields as the server received them (each one's values joined by "|"), then
// echoes. It shows how a client writes its handshake: Chromium's offer, its
// protocol list formatting, its cache headers.
func (h *handler) requestHeaders(w http.ResponseWriter, r *http.Request) {
	var protocols []string
	if p := r.Header.Get("Sec-WebSocket-Protocol"); p != "" {
		protocols = []string{strings.TrimSpace(strings.Split(p, ",")[0])}
	}
	c, err := accept(w, r, protocols...)
	if err != nil {
		return
	}
	defer c.CloseNow()
	seen := map[string]string{}
	for _, k := range []string{"Connection", "Upgrade", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Pragma", "Cache-Control"} {
		seen[k] = strings.Join(r.Header.Values(k), "|")
	}
	b, _ := json.Marshal(seen)
	c.Write(h.ctx, websocket.MessageText, b)
	h.readToEnd(r, c, true)
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
