package wstest

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

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
// such as "pong×1 text×2" ("" for none).
func (h *handler) script(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, s := range q["w"] {
		if _, err := parseStep(s); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer h.track(conn)()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	head := q.Get("head")
	if head == "" {
		head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}"
	}
	brw.WriteString(strings.ReplaceAll(head, "{accept}", acceptKey(r.Header.Get("Sec-WebSocket-Key"))) + "\r\n\r\n")
	if brw.Flush() != nil {
		return
	}
	id, end := q.Get("id"), q.Get("end")
	gotClose := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		readClientScript(brw.Reader, gotClose, func(rec Record) {
			if end != "rst" {
				h.records.put(id, rec)
			}
		})
	}()
	for _, s := range q["w"] {
		b, _ := parseStep(s)
		if b == nil {
			ms, _ := strconv.Atoi(s[1:])
			select {
			case <-time.After(time.Duration(ms) * time.Millisecond):
			case <-h.done:
				return
			}
			continue
		}
		if _, err := conn.Write(b); err != nil {
			break
		}
	}
	switch end {
	case "answer", "wait":
		select {
		case <-gotClose:
			if end == "answer" {
				conn.Write([]byte{0x88, 0})
			}
		case <-readDone:
		case <-h.done:
		}
	case "fin":
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		<-readDone
	case "hold":
		<-readDone
	case "rst":
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	}
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

// readClientScript reads the client's frames until the end of the connection.
// At the client's first close frame it calls put with the Record of /script and
// closes gotClose; when the connection ends without one, it calls put with code
// -1.
func readClientScript(r *bufio.Reader, gotClose chan struct{}, put func(Record)) {
	counts := map[string]int{}
	kinds := func() string {
		var ks []string
		for k, n := range counts {
			ks = append(ks, fmt.Sprintf("%s×%d", k, n))
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	closed := false
	for {
		_, _, op, payload, err := ReadClientFrame(r)
		if err != nil {
			break
		}
		if closed {
			continue
		}
		if op == 8 {
			rec := Record{Code: 1005, Err: kinds()}
			if len(payload) >= 2 {
				rec.Code, rec.Reason = int(binary.BigEndian.Uint16(payload)), string(payload[2:])
			}
			put(rec)
			closed = true
			close(gotClose)
			continue
		}
		name := map[byte]string{0: "cont", 1: "text", 2: "binary", 9: "ping", 10: "pong"}[op]
		if name == "" {
			name = fmt.Sprintf("op%d", op)
		}
		counts[name]++
	}
	if !closed {
		put(Record{Code: -1, Err: kinds()})
	}
}
