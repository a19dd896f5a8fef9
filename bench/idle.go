//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"

	"github.com/browserws/websocket"
	cws "github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
)

// idleStat is what one child process measured for n idle open sockets.
type idleStat struct {
	Sockets             int     `json:"sockets"`
	BytesPerSocket      float64 `json:"bytes_per_socket"` // live heap + goroutine stacks, after GC
	HeapPerSocket       float64 `json:"heap_per_socket"`
	StackPerSocket      float64 `json:"stack_per_socket"`
	GoroutinesPerSocket float64 `json:"goroutines_per_socket"`
}

// runIdle measures every library's idle sockets, each in a fresh child process
// (the client holds one file per socket, the server process the other).
func runIdle(base string, res *results) {
	exe, err := os.Executable()
	if err != nil {
		fatalf("%v", err)
	}
	for r := range *flagIdleCount {
		for _, compress := range []bool{false, true} {
			key := onOff(compress)
			if res.Idle[key] == nil {
				res.Idle[key] = map[string][]idleStat{}
			}
			for i := range libraries {
				l := libraries[(i+r)%len(libraries)]
				if l.only != nil {
					continue // a variant of a library's use, not a library: its idle sockets are the library's
				}
				cmd := exec.Command(exe, "-idle-child", l.name, "-url", base, "-idle", strconv.Itoa(*flagIdle),
					"-compress="+strconv.FormatBool(compress))
				var out bytes.Buffer
				cmd.Stdout = &out
				cmd.Stderr = os.Stderr
				start := time.Now()
				if err := cmd.Run(); err != nil {
					res.Errors = append(res.Errors, fmt.Sprintf("idle %s: %v", l.name, err))
					continue
				}
				var st idleStat
				if err := json.Unmarshal(out.Bytes(), &st); err != nil {
					res.Errors = append(res.Errors, fmt.Sprintf("idle %s: %v", l.name, err))
					continue
				}
				res.Idle[key][l.name] = append(res.Idle[key][l.name], st)
				fmt.Fprintf(os.Stderr, "idle %s compression %s: %.0f B/socket, %.2f goroutines/socket (%v)\n",
					l.name, key, st.BytesPerSocket, st.GoroutinesPerSocket, time.Since(start).Round(time.Millisecond))
			}
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// idleChild opens n sockets of library name to base/echo, each able to receive (a
// goroutine of the library, or of browserws, waits for messages), and prints what
// they hold as JSON.
func idleChild(name, base string, n int, compress bool) {
	raiseFileLimit(uint64(n) + 1000)
	if *flagMemProf != "" {
		runtime.MemProfileRate = 64
	}
	url := base + "/echo?compress=0"
	if compress {
		url = base + "/echo?compress=1"
	}
	open := map[string]func() (func(), error){
		"coder/websocket (raw)": func() (func(), error) {
			mode := cws.CompressionDisabled
			if compress {
				mode = cws.CompressionContextTakeover
			}
			c, _, err := cws.Dial(context.Background(), url, &cws.DialOptions{CompressionMode: mode})
			if err != nil {
				return nil, err
			}
			go func() {
				for {
					if _, _, err := c.Read(context.Background()); err != nil {
						return
					}
				}
			}()
			return func() { c.CloseNow() }, nil
		},
		"browserws": func() (func(), error) {
			opened := make(chan error, 1)
			ws, err := websocket.NewWithOptions(url, &websocket.Options{
				DisableCompression: !compress,
				OnOpen:             func(*websocket.Event) { opened <- nil },
				OnMessage:          func(*websocket.MessageEvent) {},
				OnError:            func(e *websocket.Event) { opened <- e.Err },
			})
			if err != nil {
				return nil, err
			}
			if err := <-opened; err != nil {
				return nil, err
			}
			return func() { ws.Close() }, nil
		},
		"gorilla/websocket": func() (func(), error) {
			d := gorilla.Dialer{EnableCompression: compress}
			c, _, err := d.Dial(url, nil)
			if err != nil {
				return nil, err
			}
			go func() {
				for {
					if _, _, err := c.ReadMessage(); err != nil {
						return
					}
				}
			}()
			return func() { c.Close() }, nil
		},
		"lxzan/gws": func() (func(), error) {
			sock, _, err := gws.NewClient(&gws.BuiltinEventHandler{}, &gws.ClientOption{
				Addr: url,
				PermessageDeflate: gws.PermessageDeflate{
					Enabled: compress, ServerContextTakeover: true, ClientContextTakeover: true,
				},
			})
			if err != nil {
				return nil, err
			}
			go sock.ReadLoop()
			return func() { sock.NetConn().Close() }, nil
		},
	}[name]
	if open == nil {
		fatalf("unknown library %q", name)
	}

	// Warm up the code paths and pools, then take the baseline.
	if closer, err := open(); err == nil {
		closer()
	} else {
		fatalf("%s: %v", name, err)
	}
	time.Sleep(200 * time.Millisecond)
	heap0, stack0 := liveMemory()
	g0 := runtime.NumGoroutine()

	closers := make([]func(), n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	var mu sync.Mutex
	var firstErr error
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := open()
			if err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
				return
			}
			closers[i] = c
		}()
	}
	wg.Wait()
	if firstErr != nil {
		fatalf("%s: %v", name, firstErr)
	}
	time.Sleep(500 * time.Millisecond) // let every socket settle into waiting
	heap1, stack1 := liveMemory()
	g1 := runtime.NumGoroutine()
	st := idleStat{
		Sockets:             n,
		HeapPerSocket:       float64(int64(heap1)-int64(heap0)) / float64(n),
		StackPerSocket:      float64(int64(stack1)-int64(stack0)) / float64(n),
		GoroutinesPerSocket: float64(g1-g0) / float64(n),
	}
	st.BytesPerSocket = st.HeapPerSocket + st.StackPerSocket
	b, _ := json.Marshal(st)
	fmt.Println(string(b))
	if *flagMemProf != "" {
		if f, err := os.Create(*flagMemProf); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	for _, c := range closers {
		c()
	}
}

// liveMemory returns the live heap and the goroutine stacks after a full GC.
func liveMemory() (heap, stacks uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.StackInuse
}
