package wstest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// smallWindow answers like a server that limits both compression windows to 12
// bits (4 KiB), as Python's websockets 10.4 does: to an offer with
// client_max_window_bits, "permessage-deflate; server_max_window_bits=12;
// client_max_window_bits=12"; to one without, "permessage-deflate;
// server_max_window_bits=12". It echoes every message compressed, and checks
// that the client's messages can be inflated with a 4 KiB window: a client that
// cannot limit its compressor's window must send them uncompressed (RSV1 clear).
// Go's compress/flate cannot inflate with a limited window, so a compressed
// message from a client asked for 12 bits counts as a violation. It records
// (?id=) the client's close code, with Err naming the first violation.
func (h *handler) smallWindow(w http.ResponseWriter, r *http.Request) {
	offer := r.Header.Get("Sec-WebSocket-Extensions")
	if !strings.Contains(offer, "permessage-deflate") {
		http.Error(w, "this server wants permessage-deflate", http.StatusBadRequest)
		return
	}
	answer := "permessage-deflate; server_max_window_bits=12"
	limited := strings.Contains(offer, "client_max_window_bits")
	if limited {
		answer += "; client_max_window_bits=12"
	}
	id := r.URL.Query().Get("id")
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), "Sec-WebSocket-Extensions: "+answer+"\r\n", func(h *handler, c net.Conn, brw *bufio.ReadWriter) {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		violation := ""
		var msg []byte
		var msgOp byte
		var compressed bool
		for {
			fin, rsv1, op, payload, err := ReadClientFrame(brw.Reader)
			if err != nil {
				h.records.put(id, Record{Code: -1, Err: err.Error()})
				return
			}
			switch {
			case op == 8:
				rec := Record{Code: 1005, Err: violation}
				if len(payload) >= 2 {
					rec.Code, rec.Reason = int(binary.BigEndian.Uint16(payload)), string(payload[2:])
				}
				h.records.put(id, rec)
				brw.Write(append([]byte{0x88, byte(len(payload))}, payload...))
				brw.Flush()
				return
			case op >= 8:
				continue // pings are not expected; pongs are ignored
			case op != 0:
				msg, msgOp, compressed = append(msg[:0], payload...), op, rsv1
			default:
				msg = append(msg, payload...)
			}
			if !fin {
				continue
			}
			data := msg
			if compressed {
				if limited && violation == "" {
					violation = fmt.Sprintf("a %d-byte compressed message although client_max_window_bits=12", len(msg))
				}
				if data, err = io.ReadAll(flate.NewReader(io.MultiReader(bytes.NewReader(msg), strings.NewReader("\x00\x00\xff\xff\x01\x00\x00\xff\xff")))); err != nil {
					violation = "a message that does not inflate: " + err.Error()
					msgOp, data = 1, []byte(violation)
				}
			}
			brw.Write(serverFrame(msgOp, deflateMessage(data)))
			if brw.Flush() != nil {
				return
			}
		}
	})
}

// deflateMessage compresses p as a permessage-deflate message with no context
// takeover (a sender may always start afresh), the tail 00 00 ff ff removed.
func deflateMessage(p []byte) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestSpeed)
	fw.Write(p)
	fw.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
}

// serverFrame is a final, unmasked, compressed (RSV1) frame of opcode op.
func serverFrame(op byte, payload []byte) []byte {
	hdr := []byte{0xc0 | op}
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, byte(n))
	case n < 1<<16:
		hdr = append(hdr, 126, byte(n>>8), byte(n))
	default:
		hdr = append(hdr, 127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	return append(hdr, payload...)
}

// ReadClientFrame reads one client frame from r: FIN, RSV1, opcode and the
// unmasked payload (also for tests that take a connection over themselves).
func ReadClientFrame(r *bufio.Reader) (fin, rsv1 bool, op byte, payload []byte, err error) {
	var hdr [2]byte
	if _, err = io.ReadFull(r, hdr[:]); err != nil {
		return
	}
	fin, rsv1, op = hdr[0]&0x80 != 0, hdr[0]&0x40 != 0, hdr[0]&0x0f
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		_, err = io.ReadFull(r, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		_, err = io.ReadFull(r, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	if err != nil {
		return
	}
	if n > 64<<20 {
		err = fmt.Errorf("a %d-byte frame is more than this server takes", n)
		return
	}
	var mask [4]byte
	if hdr[1]&0x80 != 0 {
		if _, err = io.ReadFull(r, mask[:]); err != nil {
			return
		}
	}
	payload = make([]byte, n)
	if _, err = io.ReadFull(r, payload); err != nil {
		return
	}
	for i := range payload {
		payload[i] ^= mask[i%4]
	}
	return
}
