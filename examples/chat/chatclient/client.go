// Package chatclient is the client of the chat example, ported line by line
// from the JavaScript original:
//
//	let socket = new WebSocket(url);
//	// send message from the form
//	document.forms.publish.onsubmit = function() {
//	  let outgoingMessage = this.message.value;
//	  socket.send(outgoingMessage);
//	  return false;
//	};
//	// message received - show the message in div#messages
//	socket.onmessage = function(event) {
//	  let message = event.data;
//	  let messageElem = document.createElement('div');
//	  messageElem.textContent = message;
//	  document.getElementById('messages').prepend(messageElem);
//	}
//
// The same code runs in the browser page (compiled to WASM, package web) and in
// the terminal (package term); only the way a message is shown differs, so
// Join takes it as a function.
package chatclient

import (
	"fmt"

	"github.com/browserws/websocket"
)

// A Chat is one client's connection to the room.
type Chat struct {
	socket *websocket.WebSocket
}

// Join connects to the room's WebSocket endpoint at url. show is called with
// every message the room broadcasts, newest last; status with "connected" once
// the socket is open and with a description of the end when it closes. Both run
// on the socket's event goroutine, one call at a time. In the browser url may be
// relative to the page ("/ws").
func Join(url string, show, status func(string)) (*Chat, error) {
	socket, err := websocket.New(url)
	if err != nil {
		return nil, err
	}
	socket.OnOpen(func(*websocket.Event) { status("connected") })
	// message received - show the message
	socket.OnMessage(func(event *websocket.MessageEvent) {
		message := event.Data
		switch m := message.(type) {
		case string:
			show(m)
		case *websocket.Blob: // the room sends text; a binary message is shown as text too
			show(m.Text())
		}
	})
	socket.OnClose(func(event *websocket.CloseEvent) {
		if event.WasClean {
			status(fmt.Sprintf("disconnected (code %d %q)", event.Code, event.Reason))
		} else {
			status("connection lost")
		}
	})
	return &Chat{socket: socket}, nil
}

// Publish sends a message to the room, as the form's submit handler does. Like
// socket.send, it fails (ErrInvalidState) while the socket is still connecting,
// and silently sends nothing once it is closing or closed.
func (c *Chat) Publish(outgoingMessage string) error {
	return c.socket.Send(outgoingMessage)
}

// Leave closes the connection; the room removes the client.
func (c *Chat) Leave() { c.socket.Close() }

// Done is closed once the connection is closed and status has been told.
func (c *Chat) Done() <-chan struct{} { return c.socket.Done() }
