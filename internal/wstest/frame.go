//go:build !js

package wstest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// ReadClientFrame reads one client frame from r: FIN, RSV1, opcode and the
// unmasked payload, for tests that take a connection over themselves.
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
