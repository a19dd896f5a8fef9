//go:build !js

// Command soak holds many sockets open against a local echo server and sends
// messages both ways for a bounded time, then reports peak memory and goroutines
// per socket and checks that nothing was lost or reordered and nothing leaked.
//
//	go run ./internal/soak -n 10000 -duration 20s
//
// It exits non-zero on a lost, reordered or unexpected message, a socket that did
// not open or close cleanly, or a goroutine left behind.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/wstest"
)

func main() {
	n := flag.Int("n", 10000, "concurrent sockets")
	duration := flag.Duration("duration", 20*time.Second, "how long messages flow")
	every := flag.Duration("every", 500*time.Millisecond, "each socket sends one message this often")
	serve := flag.Bool("serve", false, "internal: run only the echo server, print its URL, serve until stdin closes")
	flag.Parse()
	if *serve {
		serveOnly()
		return
	}
	raiseFileLimit(uint64(*n + 1000))

	// The server runs in a process of its own: each holds one file per socket,
	// which keeps both under the machine's limit on open files.
	base, stopServer := startServerProcess()
	url := base + "/echo?compress=0"
	baseG := runtime.NumGoroutine()

	var opened, bad atomic.Int64
	var sent, received atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	socks := make([]*websocket.WebSocket, *n)
	start := time.Now()
	for i := range socks {
		next := 0 // the sequence number expected next; only this socket's dispatcher touches it
		ws, err := websocket.NewWithOptions(url, &websocket.Options{
			OnOpen: func(*websocket.Event) { opened.Add(1) },
			OnMessage: func(e *websocket.MessageEvent) {
				received.Add(1)
				if e.Data != strconv.Itoa(next) {
					bad.Add(1)
				}
				next++
			},
			OnError: func(e *websocket.Event) { bad.Add(1); fmt.Fprintln(os.Stderr, "error event:", e.Err) },
		})
		if err != nil {
			fail("socket %d: %v", i, err)
		}
		socks[i] = ws
	}
	for opened.Load() < int64(*n) {
		if time.Since(start) > 2*time.Minute {
			fail("only %d of %d sockets opened in 2 minutes", opened.Load(), *n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("%d sockets open after %v\n", *n, time.Since(start).Round(time.Millisecond))

	var peakHeap uint64
	peakG := 0
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapInuse+ms.StackInuse)
		peakG = max(peakG, runtime.NumGoroutine())
	}
	for i, ws := range socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(*every)
			defer t.Stop()
			time.Sleep(time.Duration(i%1000) * *every / 1000) // spread the load
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					return
				case <-t.C:
					if ws.Send(strconv.Itoa(seq)) == nil {
						sent.Add(1)
					}
				}
			}
		}()
	}
	end := time.After(*duration)
	tick := time.NewTicker(time.Second)
loop:
	for {
		select {
		case <-end:
			break loop
		case <-tick.C:
			sample()
		}
	}
	close(stop)
	wg.Wait()
	time.Sleep(2 * time.Second) // let the last echoes arrive
	sample()
	for _, ws := range socks {
		ws.CloseWithCode(1000, "soak done")
	}
	for _, ws := range socks {
		select {
		case <-ws.Done():
		case <-time.After(time.Minute):
			fail("a socket did not close within a minute")
		}
	}
	stopServer()

	fmt.Printf("messages: sent %d, echoed back %d, lost or reordered %d\n", sent.Load(), received.Load(), bad.Load())
	fmt.Printf("peak heap+stacks %.1f MiB (%.1f KiB per socket); peak goroutines %d (%.2f per socket)\n",
		float64(peakHeap)/(1<<20), float64(peakHeap)/1024/float64(*n), peakG, float64(peakG-baseG)/float64(*n))

	leftG := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); leftG > baseG && time.Now().Before(deadline); leftG = runtime.NumGoroutine() {
		time.Sleep(100 * time.Millisecond)
	}
	switch {
	case bad.Load() > 0:
		fail("%d messages lost, reordered or failed", bad.Load())
	case sent.Load() != received.Load():
		fail("sent %d but %d came back", sent.Load(), received.Load())
	case leftG > baseG:
		fail("%d goroutines left after every socket closed (started with %d)", leftG, baseG)
	}
	fmt.Println("soak: ok")
}

// serveOnly runs the echo server for the parent soak process.
func serveOnly() {
	srv := wstest.Start()
	fmt.Println(srv.WSURL())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// startServerProcess starts this program again with -serve and returns the
// server's URL and a function that stops it.
func startServerProcess() (url string, stop func()) {
	exe, err := os.Executable()
	if err != nil {
		fail("%v", err)
	}
	cmd := exec.Command(exe, "-serve")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fail("starting the server process: %v", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		fail("the server process printed no URL: %v", err)
	}
	return strings.TrimSpace(line), func() {
		stdin.Close()
		cmd.Wait()
	}
}

// raiseFileLimit makes room for n open files, as far as the hard limit allows.
func raiseFileLimit(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= n {
		return nil
	}
	lim.Cur = min(n, lim.Max)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
	os.Exit(1)
}
