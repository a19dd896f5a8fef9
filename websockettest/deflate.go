//go:build !js

package websockettest

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
)

// deflateParams is what an answered Sec-WebSocket-Extensions says of
// permessage-deflate (RFC 7692).
type deflateParams struct {
	on             bool // permessage-deflate was answered
	clientTakeover bool // the client keeps its context from one message to the next
	serverTakeover bool // so does the server
	serverWindow   int  // the server's window, in bytes: 1<<server_max_window_bits
}

// parseDeflate reads the first extension of an answered
// Sec-WebSocket-Extensions.
func parseDeflate(extensions string) deflateParams {
	first, _, _ := strings.Cut(extensions, ",")
	params := strings.Split(first, ";")
	if strings.TrimSpace(params[0]) != "permessage-deflate" {
		return deflateParams{}
	}
	d := deflateParams{on: true, clientTakeover: true, serverTakeover: true, serverWindow: 1 << 15}
	for _, p := range params[1:] {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.TrimSpace(name) {
		case "client_no_context_takeover":
			d.clientTakeover = false
		case "server_no_context_takeover":
			d.serverTakeover = false
		case "server_max_window_bits":
			if bits, err := strconv.Atoi(strings.Trim(strings.TrimSpace(value), `"`)); err == nil && bits >= 8 && bits <= 15 {
				d.serverWindow = 1 << bits
			}
		}
	}
	return d
}

// inflater inflates the messages of one client (RFC 7692), keeping the last
// 32 KiB of output as the next message's dictionary when the client keeps its
// context.
type inflater struct {
	takeover bool
	dict     []byte
	fr       io.ReadCloser
}

// tail ends a message's deflate stream: the 0x00 0x00 0xff 0xff the sender
// removed, then an empty final block so that the reader sees the end.
var tail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}

func (f *inflater) inflate(p []byte) ([]byte, error) {
	src := io.MultiReader(bytes.NewReader(p), bytes.NewReader(tail))
	if f.fr == nil {
		f.fr = flate.NewReaderDict(src, f.dict)
	} else if err := f.fr.(flate.Resetter).Reset(src, f.dict); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(f.fr, maxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxMessageSize {
		return nil, errors.New("more than the largest message the server takes")
	}
	if f.takeover {
		f.dict = append(f.dict, out...)
		if len(f.dict) > 32768 {
			f.dict = append([]byte(nil), f.dict[len(f.dict)-32768:]...)
		}
	}
	return out, nil
}

// deflater compresses the messages the server sends (RFC 7692): within the
// window the answer allows (server_max_window_bits), and starting afresh for
// each message when the answer says server_no_context_takeover.
type deflater struct {
	params deflateParams
	buf    bytes.Buffer
	fw     *kflate.Writer
}

// deflate returns p compressed as one message's payload, the final
// 0x00 0x00 0xff 0xff removed.
func (d *deflater) deflate(p []byte) []byte {
	d.buf.Reset()
	switch {
	case d.fw == nil:
		// The window is from 256 bytes to 32 KiB: always a valid size.
		d.fw, _ = kflate.NewWriterWindow(&d.buf, d.params.serverWindow)
	case !d.params.serverTakeover:
		d.fw.Reset(&d.buf)
	}
	d.fw.Write(p)
	d.fw.Flush()
	return bytes.Clone(bytes.TrimSuffix(d.buf.Bytes(), []byte{0x00, 0x00, 0xff, 0xff}))
}
