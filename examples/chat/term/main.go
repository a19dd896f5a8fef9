// Command term is the chat's terminal client: the same Go client code as the
// page (package chatclient), compiled natively. Each line typed is published;
// each message of the room is printed. End input (Ctrl-D) to leave. The client
// reconnects when the server restarts; lines typed meanwhile are sent then.
//
//	go run ./examples/chat            # in one terminal: prints the URL
//	go run ./examples/chat/term -url ws://127.0.0.1:8080/ws
//	echo hello | go run ./examples/chat/term   # publishes, waits for the echo, leaves
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/browserws/websocket/examples/chat/chatclient"
	"github.com/browserws/websocket/examples/chat/chatserver"
)

// echoWait bounds how long the client stays after the end of its input for the
// room to send its last message back (the room sends every message to its
// sender too): long enough for any live server, short enough that a pipe into
// a dead one still ends.
const echoWait = 2 * time.Second

func main() {
	url := flag.String("url", "ws://127.0.0.1:8080/ws", "the chat server's WebSocket endpoint")
	flag.Parse()
	if err := run(*url, os.Stdin, os.Stdout, os.Stderr, echoWait); err != nil {
		log.Fatal(err)
	}
}

// run publishes each line of in, prints each message of the room to out and
// each status to errOut; at the end of in it waits for the echo of its last
// message, at most wait, then leaves.
func run(url string, in io.Reader, out, errOut io.Writer, wait time.Duration) error {
	var mu sync.Mutex
	var last string // the room's form of the last line published
	echoed := make(chan struct{}, 1)
	chat, err := chatclient.Join(url,
		func(message string) {
			fmt.Fprintln(out, message)
			mu.Lock()
			if message == last {
				select {
				case echoed <- struct{}{}:
				default:
				}
			}
			mu.Unlock()
		},
		func(status string) { fmt.Fprintln(errOut, "["+status+"]") })
	if err != nil {
		return err
	}
	lines := bufio.NewScanner(in)
	published := false
	for lines.Scan() {
		mu.Lock()
		last = chatserver.Cut(lines.Text())
		mu.Unlock()
		select { // an echo of an earlier line is not the one to wait for
		case <-echoed:
		default:
		}
		if err := chat.Publish(lines.Text()); err != nil {
			fmt.Fprintln(errOut, "not sent:", err)
			continue
		}
		published = true
	}
	if published {
		select {
		case <-echoed:
		case <-time.After(wait):
			fmt.Fprintln(errOut, "[no echo of the last message within", wait, "- leaving]")
		}
	}
	chat.Leave()
	<-chat.Done()
	return lines.Err()
}
