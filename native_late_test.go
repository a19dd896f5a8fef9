//go:build !js

package websocket

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var lateSeq atomic.Int64

// The rules on the server's frames hold whatever the timing of the bytes: in
// the same write as what came before, in a later write, or later than the
// client waits for the server to end the connection after its close frame
// (underlyingCloseTimeout), where Chromium has closed and reports a clean close.
func TestServerFramesWhateverTheTiming(t *testing.T) {
	fail := []step{opened(), failed(), closed(1006, "", false)}
	for _, c := range []struct {
		name, hex, late string
		pauseMS         int
		closeAtOpen     bool
		want            []step
		serverSaw       int
	}{
		{"data frame after close, same write", "880203e8", "81026869", 0, false, fail, 1000},
		{"data frame after close, 100 ms later", "880203e8", "81026869", 100, false, fail, 1000},
		{"data frame after close, later than the close wait", "880203e8", "81026869", 3500, false, []step{opened(), closed(1000, "", true)}, 1000},
		{"data frame after the close echo, client closed first", "880203e8", "81026869", 100, true, fail, 1000},
		{"ping after close, 100 ms later", "880203e8", "8900", 100, false, fail, 1000},
		{"close frame split in two writes", "8802", "03e8", 100, false, []step{opened(), closed(1000, "", true)}, 1000},
		{"close code 999 split from its header", "8802", "03e7", 100, false, []step{opened(), closed(999, "", true)}, 999},
		{"close code split in the middle", "880203", "e7", 100, false, []step{opened(), closed(999, "", true)}, 999},
		{"close code 1005 split from its header", "8802", "03ed", 100, false, fail, 1002},
		{"close reason not UTF-8, split", "880403e8", "fffe", 100, false, fail, 1002},
		{"close header split in the middle", "88", "0203e8", 100, false, []step{opened(), closed(1000, "", true)}, 1000},
		{"message then close, split inside the message", "8103616263", "880203e8", 100, false, []step{opened(), msg("text:abc"), closed(1000, "", true)}, 1000},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.pauseMS > int(underlyingCloseTimeout/time.Millisecond) {
				t.Parallel() // it takes underlyingCloseTimeout; the others run meanwhile, one at a time
			}
			id := fmt.Sprintf("late-%d", lateSeq.Add(1))
			r := react{}
			if c.closeAtOpen {
				r.open = func(ws *WebSocket) { ws.Close() }
			}
			rec := record(t, srv(fmt.Sprintf("/late?hex=%s&late=%s&pause_ms=%d&id=%s", c.hex, c.late, c.pauseMS, id)), Options{}, r)
			got := rec.wait(t)
			if c.closeAtOpen {
				// The client's close frame may cross the server's: the server sees 1005.
				c.serverSaw = 0
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if c.serverSaw != 0 {
				if code := serverCloseCode(t, id); code != c.serverSaw {
					t.Errorf("server received close code %d, want %d", code, c.serverSaw)
				}
			}
		})
	}
}

// The server's close frame makes the socket CLOSING when it arrives, before the
// close event (the server keeps TCP open: the client waits 2 s, then ends it and
// the close is still clean); a close() then sends nothing more: the server saw
// the client's echo of its own code, as in Chromium.
func TestServerCloseFrameMakesTheSocketClosing(t *testing.T) {
	id := fmt.Sprintf("closing-%d", lateSeq.Add(1))
	states := make(chan ReadyState, 1)
	rec := record(t, srv("/raw?hex=880203e8&hold_ms=5000&id="+id), Options{}, react{open: func(ws *WebSocket) {
		go func() {
			deadline := time.Now().Add(10 * time.Second)
			for ws.ReadyState() == Open && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			states <- ws.ReadyState()
			if err := ws.CloseWithCode(3000, "late"); err != nil {
				t.Errorf("CloseWithCode while CLOSING: %v", err)
			}
		}()
	}})
	if diff := cmp.Diff([]step{opened(), closed(1000, "", true)}, rec.wait(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s := <-states; s != Closing {
		t.Errorf("ReadyState after the server's close frame = %v, want CLOSING", s)
	}
	if code := serverCloseCode(t, id); code != 1000 {
		t.Errorf("server received close code %d, want the echo 1000", code)
	}
}
