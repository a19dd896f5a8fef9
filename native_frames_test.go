//go:build !js

package websocket

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Frames coder/websocket reads unlike Chromium (found by the conformance
// harness): the socket must show what Chromium shows.
func TestServerFramesAsChromium(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		want      []step
		serverSaw int
	}{
		{"masked frame", "81850000000068656c6c6f", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"non-minimal length", "817f00000000000000026869880203e8", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"close reason not UTF-8", "880403e8fffe", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"frame after close", "880203e881026869", []step{opened(), failed(), closed(1006, "", false)}, 1000},
		{"close code 999", "880203e7", []step{opened(), closed(999, "", true)}, 999},
		{"close code 2999 with reason", "88050bb7627965", []step{opened(), closed(2999, "bye", true)}, 2999},
		{"reserved bit", "c1026869", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"unknown opcode", "8300", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"ping between fragments", "01016189008001628802" + "03e8", []step{opened(), msg("text:ab"), closed(1000, "", true)}, 1000},
		{"close code 1005 on the wire", "880203ed", []step{opened(), failed(), closed(1006, "", false)}, 1002},
		{"fragmented message then close", "010368656c80026c6f880203e8", []step{opened(), msg("text:hello"), closed(1000, "", true)}, 1000},
		{"frame longer than 2^31-1 bytes", "827f0000000080000000", []step{opened(), closed(1006, "", false)}, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := "frames-" + c.hex
			rec := record(t, srv("/raw?hex="+c.hex+"&id="+id), Options{}, react{})
			if diff := cmp.Diff(c.want, rec.wait(t)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if c.serverSaw != 0 {
				if got := serverCloseCode(t, id); got != c.serverSaw {
					t.Errorf("server received close code %d, want %d", got, c.serverSaw)
				}
			}
		})
	}
	checkNoLeak(t)
}

func TestCheckDeflateResponse(t *testing.T) {
	for ext, ok := range map[string]bool{
		"permessage-deflate":                                                         true,
		"permessage-deflate; server_no_context_takeover":                             true,
		"permessage-deflate; server_max_window_bits=8":                               true,
		"permessage-deflate; server_max_window_bits=15":                              true,
		"permessage-deflate;server_max_window_bits = 10":                             true,
		"permessage-deflate; server_max_window_bits=\"10\"":                          true,
		"permessage-deflate; server_max_window_bits=7":                               false,
		"permessage-deflate; server_max_window_bits=16":                              false,
		"permessage-deflate; server_max_window_bits=010":                             false,
		"permessage-deflate; server_max_window_bits":                                 false,
		"permessage-deflate; client_no_context_takeover=1":                           false,
		"permessage-deflate; server_no_context_takeover; server_no_context_takeover": false,
	} {
		if err := checkDeflateResponse([]string{ext}); (err == nil) != ok {
			t.Errorf("checkDeflateResponse(%q) = %v, want ok=%v", ext, err, ok)
		}
	}
}
