//go:build !js

package wstest

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// scriptHandshake answers /script with its head (default: a plain 101); a
// script whose steps do not parse is refused with 400.
func scriptHandshake(r *http.Request) websockettest.Handshake {
	q := r.URL.Query()
	for _, s := range q["w"] {
		if _, err := parseStep(s); err != nil {
			return badRequest(err.Error())
		}
	}
	head := q.Get("head")
	if head == "" {
		head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}"
	}
	return websockettest.Handshake{NoCloseReply: true, Raw: rawHead(r, head)}
}

// script plays a server script, for the conformance harness's randomized
// differential (conformance/cmd/conformance/random.go):
//
//	/script?head=…&w=HEX&w=p20&w=HEX…&end=answer|fin|rst|hold&id=…
//
// head is the whole response head, lines joined by CRLF, in which "{accept}" is
// the right Sec-WebSocket-Accept value (default: a plain 101). Each w, in order,
// is bytes to write in one write (hex) or, as "pN", a pause of N ms. Meanwhile
// the server reads the client's frames. After the last w, end says what it does:
//
//	answer  wait for the client's close frame, answer it with an empty close
//	        frame, then close TCP
//	wait    wait for the client's close frame (the answer to the script's own),
//	        then close TCP
//	fin     close its side of TCP (FIN) at once, and read until the client goes
//	hold    keep the connection open and never answer a close frame
//	rst     reset the connection (SO_LINGER 0)
//
// It records (?id=) the client's first close frame when it comes (or -1 when
// the connection ended without one; nothing when end is rst, since what came
// before the reset would race it), with
// Err listing how many frames of each other kind the client sent before it,
// such as "pong×1 text×2" ("" for none). The connection lasts at most 15 s.
func (h *handler) script(c *websockettest.Conn) {
	q := c.Request().URL.Query()
	limit := time.AfterFunc(15*time.Second, c.Drop)
	defer limit.Stop()
	end := q.Get("end")
	var closeFrame bool // the client's close frame came; set before read is closed
	read := make(chan struct{})
	go func() {
		defer close(read)
		_, err := c.Read(context.Background()) // the client's messages are only counted
		for err == nil {
			_, err = c.Read(context.Background())
		}
		rec := recordOf(err)
		rec.Err = frameKinds(c.FrameCounts())
		if end != "rst" {
			h.records.put(q.Get("id"), rec)
		}
		closeFrame = rec.Code != -1
	}()
	for _, s := range q["w"] {
		b, _ := parseStep(s)
		if b == nil {
			ms, _ := strconv.Atoi(s[1:])
			h.sleep(c, time.Duration(ms)*time.Millisecond)
			continue
		}
		if c.WriteRaw(b) != nil {
			break
		}
	}
	switch end {
	case "answer", "wait":
		<-read
		if closeFrame && end == "answer" {
			c.WriteRaw([]byte{0x88, 0})
		}
	case "fin":
		c.CloseWrite()
		<-c.Done()
	case "hold":
		<-c.Done()
	case "rst":
		c.Reset()
	}
	c.Drop()
	<-read
}

// frameKinds lists how many frames of each kind but close the client sent,
// such as "pong×1 text×2".
func frameKinds(counts [16]int) string {
	names := map[int]string{0: "cont", 1: "text", 2: "binary", 9: "ping", 10: "pong"}
	var ks []string
	for op, n := range counts {
		if n == 0 || op == int(websockettest.OpClose) {
			continue
		}
		name := names[op]
		if name == "" {
			name = fmt.Sprintf("op%d", op)
		}
		ks = append(ks, fmt.Sprintf("%s×%d", name, n))
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

// parseStep decodes one w parameter of /script: bytes, or nil for a pause.
func parseStep(s string) ([]byte, error) {
	if strings.HasPrefix(s, "p") {
		if _, err := strconv.Atoi(s[1:]); err != nil {
			return nil, fmt.Errorf("bad pause %q", s)
		}
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bad hex %q", s)
	}
	return b, nil
}
