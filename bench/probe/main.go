// Command probe measures what one message costs the client, browserws against raw
// coder/websocket, with both clients in one process: it alternates the two on the
// same workload (a stream to the server, -recv a stream from it, -rtt round
// trips with the next message sent from the listener), round after round, so
// that a CPU profile (-cpuprofile) samples both under the same conditions of a
// noisy machine, and compares them there (BENCHMARKS.md, "Profiles"). With -only
// it runs one library alone, for its CPU time and syscalls under perf stat. It talks to the bench's echo server, which runs in a
// process of its own:
//
//	sleep infinity | go -C bench run . -serve > /tmp/url &
//	go -C bench run ./probe -url $(head -n1 /tmp/url) -size 16 -cpuprofile /tmp/p.prof
//	go tool pprof -top -cum /tmp/p.prof | grep -E 'Conn\)\.(Write|Read)$|WebSocket\)\.Send$|readLoop$'
//
// Timings are printed, but the profile is the point: wall times on a shared
// machine say little about one run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/bench/payload"
	cws "github.com/coder/websocket"
)

func main() {
	url := flag.String("url", "", "the bench's echo server (go -C bench run . -serve prints it)")
	size := flag.Int("size", 16, "message size in bytes")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	recv := flag.Bool("recv", false, "the server streams to the client (else the client streams to the server)")
	rtt := flag.Bool("rtt", false, "round trips through the echo server, the next message sent from the message listener (else streams)")
	n := flag.Int("n", 0, "messages per round (0: 100,000 up to 100 B, else 30,000)")
	rounds := flag.Int("rounds", 15, "rounds")
	only := flag.String("only", "", "run only raw or only browserws")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the rounds to this file")
	flag.Parse()
	if *url == "" {
		log.Fatal("probe: -url is required")
	}
	if *n == 0 {
		*n = 100000
		if *size > 100 {
			*n = 30000
		}
	}
	path := "/sink"
	switch {
	case *rtt:
		path = "/echo"
	case *recv:
		path = "/push"
	}
	if *compress {
		path += "?compress=1"
	}
	msg := payload.Of(*size)
	ctx := context.Background()

	mode := cws.CompressionDisabled
	if *compress {
		mode = cws.CompressionContextTakeover
	}
	raw, _, err := cws.Dial(ctx, *url+path, &cws.DialOptions{CompressionMode: mode})
	if err != nil {
		log.Fatal(err)
	}
	raw.SetReadLimit(-1)
	defer raw.CloseNow()

	done := make(chan struct{}, 1)
	count := 0
	b, err := websocket.NewWithOptions(*url+path, &websocket.Options{DisableCompression: !*compress})
	if err != nil {
		log.Fatal(err)
	}
	b.SetBinaryType(websocket.BinaryTypeArrayBuffer)
	b.OnMessage(func(e *websocket.MessageEvent) {
		if *rtt {
			if count++; count < *n {
				b.Send(msg)
			} else {
				count = 0
				done <- struct{}{}
			}
			return
		}
		if !*recv { // the sink's "ok"
			done <- struct{}{}
			return
		}
		if count++; count == *n {
			count = 0
			done <- struct{}{}
		}
	})
	opened := make(chan struct{})
	b.OnOpen(func(*websocket.Event) { close(opened) })
	<-opened
	defer b.Close()

	rawRound := func() {
		if *rtt {
			for range *n {
				if err := raw.Write(ctx, cws.MessageBinary, msg); err != nil {
					log.Fatal(err)
				}
				if _, _, err := raw.Read(ctx); err != nil {
					log.Fatal(err)
				}
			}
			return
		}
		if *recv {
			raw.Write(ctx, cws.MessageText, []byte(fmt.Sprintf("%d %d", *n, *size)))
			for range *n {
				if _, _, err := raw.Read(ctx); err != nil {
					log.Fatal(err)
				}
			}
			return
		}
		for range *n {
			if err := raw.Write(ctx, cws.MessageBinary, msg); err != nil {
				log.Fatal(err)
			}
		}
		raw.Write(ctx, cws.MessageText, []byte("end"))
		if _, _, err := raw.Read(ctx); err != nil {
			log.Fatal(err)
		}
	}
	bwsRound := func() {
		switch {
		case *rtt:
			b.Send(msg)
		case *recv:
			b.Send(fmt.Sprintf("%d %d", *n, *size))
		default:
			for range *n {
				b.Send(msg)
			}
			b.Send("end")
		}
		select {
		case <-done:
		case <-b.Done():
			log.Fatal("probe: the browserws socket closed")
		}
	}

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var ratios []float64
	for range *rounds {
		var tr, tb time.Duration
		if *only != "browserws" {
			t := time.Now()
			rawRound()
			tr = time.Since(t)
		}
		if *only != "raw" {
			t := time.Now()
			bwsRound()
			tb = time.Since(t)
		}
		if tr > 0 && tb > 0 {
			ratios = append(ratios, float64(tb)/float64(tr))
		}
	}
	if len(ratios) > 0 {
		sort.Float64s(ratios)
		fmt.Printf("browserws/raw time per round: median %.2f (min %.2f, max %.2f, %d rounds)\n",
			ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], len(ratios))
	}
}
