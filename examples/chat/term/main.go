// Command term is the chat's terminal client: the same Go client code as the
// page (package chatclient), compiled natively. Each line typed is published;
// each message of the room is printed. End input (Ctrl-D) to leave.
//
//	go run ./examples/chat            # in one terminal: prints the URL
//	go run ./examples/chat/term -url ws://127.0.0.1:8080/ws
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/browserws/websocket/examples/chat/chatclient"
)

func main() {
	url := flag.String("url", "ws://127.0.0.1:8080/ws", "the chat server's WebSocket endpoint")
	flag.Parse()

	connected := make(chan struct{})
	chat, err := chatclient.Join(*url,
		func(message string) { fmt.Println(message) },
		func(status string) {
			fmt.Fprintln(os.Stderr, "["+status+"]")
			if status == "connected" {
				close(connected)
			}
		})
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		// Like the page's form, which only works once the page has connected.
		select {
		case <-connected:
		case <-chat.Done():
			return
		}
		lines := bufio.NewScanner(os.Stdin)
		for lines.Scan() {
			if err := chat.Publish(lines.Text()); err != nil {
				fmt.Fprintln(os.Stderr, "not sent:", err)
			}
		}
		chat.Leave()
	}()
	<-chat.Done()
}
