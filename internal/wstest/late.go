package wstest

import (
	"bufio"
	"encoding/hex"
	"net"
	"net/http"
	"time"
)

// late completes the handshake, writes the bytes of ?hex= (say, a close frame),
// then those of ?late= (say, a data frame): in the same write when ?pause_ms= is
// 0 or absent, else in a second write that long after the first. Meanwhile it
// reads the client's frames and records (?id=) the close code the client sent.
// It ends the connection, as a server does after the closing handshake, once it
// has written both and the client's close frame has come (or the client has
// gone; at most 10 s). This is how a server that sends a frame after its close
// frame looks to a client, with every timing of the late bytes.
func (h *handler) late(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	first, err1 := hex.DecodeString(q.Get("hex"))
	late, err2 := hex.DecodeString(q.Get("late"))
	if err1 != nil || err2 != nil {
		http.Error(w, "bad hex", http.StatusBadRequest)
		return
	}
	pause := time.Duration(queryInt(r, "pause_ms", 0)) * time.Millisecond
	id := q.Get("id")
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), "", func(h *handler, c net.Conn, brw *bufio.ReadWriter) {
		c.SetDeadline(time.Now().Add(10*time.Second + pause))
		read := make(chan struct{})
		go func() {
			defer close(read)
			recordClientClose(h, id, brw.Reader)
		}()
		if pause == 0 {
			c.Write(append(first, late...))
		} else {
			c.Write(first)
			select {
			case <-time.After(pause):
			case <-h.done:
			}
			c.Write(late)
		}
		<-read
	})
}

// recordClientClose reads the client's frames until its close frame and records
// the code (1005 for none; -1 and the error when the connection ended first).
func recordClientClose(h *handler, id string, r *bufio.Reader) {
	for {
		op, payload, err := readFrame(r)
		if err != nil {
			h.records.put(id, Record{Code: -1, Err: err.Error()})
			return
		}
		if op == 8 {
			rec := Record{Code: 1005}
			if len(payload) >= 2 {
				rec = Record{Code: int(payload[0])<<8 | int(payload[1]), Reason: string(payload[2:])}
			}
			h.records.put(id, rec)
			return
		}
	}
}
