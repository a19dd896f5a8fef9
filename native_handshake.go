//go:build !js

package websocket

import (
	"errors"
	"net/http"
	"strings"
)

// checkHandshakeResponse applies the checks Chromium makes on the server's
// answer to the opening handshake that coder/websocket does not: Upgrade is
// exactly "websocket" and given once, Sec-WebSocket-Accept is given once,
// Sec-WebSocket-Protocol is absent when no protocol was offered and given at most
// once, and Sec-WebSocket-Extensions is not empty.
func checkHandshakeResponse(h http.Header, offered []string) error {
	if up := h.Values("Upgrade"); len(up) != 1 || !strings.EqualFold(strings.TrimSpace(up[0]), "websocket") {
		return errors.New("websocket: the server's Upgrade header is not exactly \"websocket\"")
	}
	if len(h.Values("Sec-WebSocket-Accept")) != 1 {
		return errors.New("websocket: the server sent Sec-WebSocket-Accept more than once")
	}
	if p := h.Values("Sec-WebSocket-Protocol"); len(p) > 1 || len(p) == 1 && len(offered) == 0 {
		return errors.New("websocket: the server sent a Sec-WebSocket-Protocol header that was not asked for, or several")
	}
	for _, v := range h.Values("Sec-WebSocket-Extensions") {
		if strings.TrimSpace(v) == "" {
			return errors.New("websocket: the server sent an empty Sec-WebSocket-Extensions header")
		}
	}
	return nil
}
