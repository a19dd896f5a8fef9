//go:build !js

package websockettest

import (
	"encoding/binary"
	"time"
)

// Opcodes of RFC 6455 section 5.2, for Frame.Opcode.
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// Frame is one WebSocket frame as the server writes it with Conn.WriteFrame:
// every bit of the header is the test's to set, so that a frame can break any
// rule a client must enforce (a reserved bit, an unknown opcode, a masked
// server frame, a fragmented control frame, a long ping, invalid UTF-8 …).
// The zero Frame is a continuation frame without FIN and without payload.
//
// It is also what a Proxy records (ProxyFrame.Frame, with Payload unmasked),
// what ProxyConn.Hold and ProxyConn.Rewrite functions are given and
// Rewrite returns, and what ProxyConn.Inject writes.
type Frame struct {
	// Fin marks the last frame of a message.
	Fin bool
	// RSV1, RSV2 and RSV3 are the reserved bits; RSV1 marks a compressed
	// message when permessage-deflate was negotiated.
	RSV1, RSV2, RSV3 bool
	// Opcode is the frame's opcode (OpText, OpBinary …), any value 0-15.
	Opcode byte
	// Mask sets the MASK bit, which a server must not set, and masks the
	// payload with MaskKey.
	Mask    bool
	MaskKey [4]byte
	// Payload is the frame's payload as it goes out before masking. Its
	// length is written in the shortest form.
	Payload []byte
}

// Bytes returns the frame as it goes on the wire. A test that needs what
// Frame cannot express (a length not in its shortest form, a length that lies)
// edits these bytes and writes them with Conn.WriteRaw.
func (f Frame) Bytes() []byte {
	b := make([]byte, 0, 14+len(f.Payload))
	b0 := f.Opcode & 0x0f
	for i, bit := range []bool{f.Fin, f.RSV1, f.RSV2, f.RSV3} {
		if bit {
			b0 |= 0x80 >> i
		}
	}
	var m byte
	if f.Mask {
		m = 0x80
	}
	switch n := len(f.Payload); {
	case n <= 125:
		b = append(b, b0, m|byte(n))
	case n <= 0xffff:
		b = append(b, b0, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, b0, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if !f.Mask {
		return append(b, f.Payload...)
	}
	b = append(b, f.MaskKey[:]...)
	for i, c := range f.Payload {
		b = append(b, c^f.MaskKey[i%4])
	}
	return b
}

// Split cuts one write of Conn.WriteFrame or Conn.WriteRaw into pieces: the
// bytes go out in separate writes that end at each offset in At (offsets into
// the bytes, increasing; those past the end are ignored), with Pause between
// two writes, so that the client receives a frame in pieces.
type Split struct {
	At    []int
	Pause time.Duration
}

// closePayload is the payload of a close frame: none for code 1005 (a close
// frame without a status), else the code and the reason.
func closePayload(code int, reason string) []byte {
	if code == 1005 {
		return nil
	}
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}
