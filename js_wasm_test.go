//go:build js && wasm

package websocket

import (
	"errors"
	"runtime"
	"strings"
	"syscall/js"
	"testing"
)

func TestRelativeURLResolvesAgainstThePage(t *testing.T) {
	loc := js.Global().Get("location")
	if runtimeName() == "node" {
		if _, err := New("/chat"); !errors.Is(err, ErrSyntax) {
			t.Errorf("New(\"/chat\") without a page = %v, want ErrSyntax", err)
		}
		return
	}
	ws, err := New("/chat?x=1")
	if err != nil {
		t.Fatalf("New(\"/chat?x=1\") in a page: %v", err)
	}
	want := "ws://" + loc.Get("host").String() + "/chat?x=1"
	if got := ws.URL(); got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
	ws.Close()
	<-ws.Done()
}

func TestNativeOnlyOptionsAreRefused(t *testing.T) {
	for name, o := range map[string]Options{
		"Header":             {Header: map[string][]string{"X": {"y"}}},
		"DisableCompression": {DisableCompression: true},
		"MaxMessageSize":     {MaxMessageSize: 10},
		"MaxBufferedAmount":  {MaxBufferedAmount: 10},
		"HandshakeTimeout":   {HandshakeTimeout: 10},
	} {
		_, err := NewWithOptions(srv("/echo"), &o)
		if !errors.Is(err, ErrUnsupportedOption) || !strings.Contains(err.Error(), "Options."+name) {
			t.Errorf("NewWithOptions with %s = %v, want ErrUnsupportedOption naming it", name, err)
		}
	}
}

func TestNoGlobalWebSocketIsAnError(t *testing.T) {
	g := js.Global()
	saved := g.Get("WebSocket")
	g.Set("WebSocket", js.Undefined())
	defer g.Set("WebSocket", saved)
	ws, err := New(srv("/echo"))
	if err == nil || ws != nil {
		t.Fatalf("New without a global WebSocket = %v, %v; want an error", ws, err)
	}
}

// A page that opens and closes 1,000 sockets keeps no js.Func and does not grow.
func TestThousandSocketsReleaseEverything(t *testing.T) {
	run := func(n int) {
		for i := 0; i < n; i++ {
			ws, err := NewWithOptions(srv("/echo"), &Options{
				OnOpen: func(e *Event) { e.Target.Send("x") },
				OnMessage: func(e *MessageEvent) {
					e.Target.CloseWithCode(1000, "")
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			<-ws.Done()
		}
	}
	run(20) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	run(1000)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := liveFuncs.Load(); n != 0 {
		t.Errorf("%d js.Func still held after every socket closed", n)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("heap in use grew by %d KiB over 1,000 sockets", grew>>10)
	}
}
