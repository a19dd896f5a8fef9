package reconnecting_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// A thousand reconnections leave no goroutine or timer behind, and none
// accumulates while they go on.
func TestThousandReconnections(t *testing.T) {
	fc := newFakeClock()
	fc.autoBackoff = true
	const n = 1000
	opens := make(chan int, n+16)
	count := 0
	var at10, at1000 int
	// Only the opens are counted: no recorder keeps the events meanwhile, which
	// would count in the heap's growth.
	var rws *reconnecting.WebSocket
	made := make(chan struct{}) // events may come before New returns
	rws, err := reconnecting.New(dropURL(t), fc.opts(reconnecting.Options{Options: websocket.Options{
		OnOpen: func(*websocket.Event) {
			<-made
			count++
			switch count {
			case 10:
				at10 = len(leaked())
			case n:
				at1000 = len(leaked())
				rws.Close()
			}
			opens <- count
		},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	close(made)
	t.Cleanup(func() { rws.Close() }) // if the test fails before the 1000th open
	var before, after runtime.MemStats
	for i := 1; i <= n; i++ {
		if i == 20 {
			runtime.GC()
			runtime.ReadMemStats(&before)
		}
		select {
		case <-opens:
		case <-rws.Done():
			t.Fatalf("Done after %d opens", i-1)
		}
	}
	select {
	case <-rws.Done():
	case <-time.After(wait):
		t.Fatal("Done not closed after Close")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if at10 == 0 {
		t.Fatal("no goroutine of the packages seen while connected: the leak check sees nothing")
	}
	if at1000 > at10+1 {
		t.Errorf("goroutines of the packages: %d at the 10th connection, %d at the 1000th", at10, at1000)
	}
	if fc.maxActive > 2 || fc.active() != 0 {
		t.Errorf("timers: at most %d running at once (want ≤ 2), %d left after Done", fc.maxActive, fc.active())
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("heap in use grew by %d KiB over %d reconnections", grew>>10, n)
	}
	checkNoLeak(t)
}
