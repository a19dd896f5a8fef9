//go:build !js

package websocket

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
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

// badPorts is the Fetch standard's list of blocked ports: browsers never
// connect to them, and a WebSocket to one fails as if refused.
var badPorts = map[int]bool{
	0: true, 1: true, 7: true, 9: true, 11: true, 13: true, 15: true, 17: true, 19: true, 20: true, 21: true,
	22: true, 23: true, 25: true, 37: true, 42: true, 43: true, 53: true, 69: true, 77: true, 79: true, 87: true,
	95: true, 101: true, 102: true, 103: true, 104: true, 109: true, 110: true, 111: true, 113: true, 115: true,
	117: true, 119: true, 123: true, 135: true, 137: true, 139: true, 143: true, 161: true, 179: true, 389: true,
	427: true, 465: true, 512: true, 513: true, 514: true, 515: true, 526: true, 530: true, 531: true, 532: true,
	540: true, 548: true, 554: true, 556: true, 563: true, 587: true, 601: true, 636: true, 989: true, 990: true,
	993: true, 995: true, 1719: true, 1720: true, 1723: true, 2049: true, 3659: true, 4045: true, 4190: true,
	5060: true, 5061: true, 6000: true, 6566: true, 6665: true, 6666: true, 6667: true, 6668: true, 6669: true,
	6679: true, 6697: true, 10080: true,
}

// checkPort fails a connection to a blocked port, given the socket's serialized
// origin ("ws://host:port"; no port means the default, which is never blocked).
func checkPort(origin string) error {
	hostport := origin[strings.Index(origin, "://")+3:]
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 || i < strings.LastIndexByte(hostport, ']') {
		return nil
	}
	port, err := strconv.Atoi(hostport[i+1:])
	if err == nil && badPorts[port] {
		return fmt.Errorf("websocket: port %d is blocked, as in browsers (the Fetch standard's bad ports)", port)
	}
	return nil
}
