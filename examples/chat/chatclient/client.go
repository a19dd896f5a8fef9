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
// Join takes it as a function. Where the original uses new WebSocket, this port
// uses package reconnecting (reconnecting-websocket's Go counterpart), so that
// the page and the terminal survive a restart of the chat server.
package chatclient

import (
	"fmt"
	"sync/atomic"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// MaxQueued is how many messages Publish keeps while the connection is down;
// past it, new ones are dropped (Publish returns reconnecting.ErrQueueFull).
const MaxQueued = 100

// A Chat is one client's connection to the room, reconnecting after every loss.
type Chat struct {
	socket  *reconnecting.WebSocket
	leaving atomic.Bool
}

// Join connects to the room's WebSocket endpoint at url. show is called with
// every message the room broadcasts, newest last; status with "connected" each
// time the socket opens, with "connection lost, reconnecting…" each time a
// connection ends while the client stays, and with "disconnected (…)" at the
// end after Leave. Both run on the socket's event goroutine, one call at a time.
// In the browser url may be relative to the page ("/ws").
func Join(url string, show, status func(string)) (*Chat, error) {
	c := &Chat{}
	socket, err := reconnecting.New(url, &reconnecting.Options{
		MaxEnqueuedMessages: MaxQueued,
		Options: websocket.Options{
			OnOpen: func(*websocket.Event) { status("connected") },
			// message received - show the message
			OnMessage: func(event *websocket.MessageEvent) {
				message := event.Data
				switch m := message.(type) {
				case string:
					show(m)
				case *websocket.Blob: // the room sends text; a binary message is shown as text too
					show(m.Text())
				}
			},
			OnClose: func(event *websocket.CloseEvent) {
				if c.leaving.Load() {
					status(fmt.Sprintf("disconnected (code %d %q)", event.Code, event.Reason))
				} else {
					status("connection lost, reconnecting…")
				}
			},
		},
	})
	if err != nil {
		return nil, err
	}
	c.socket = socket
	return c, nil
}

// Publish sends a message to the room, as the form's submit handler does. While
// the connection is down (or not yet up) the message is queued and sent on the
// next connection; past MaxQueued queued messages it fails with
// reconnecting.ErrQueueFull. After Leave it sends nothing.
func (c *Chat) Publish(outgoingMessage string) error {
	return c.socket.Send(outgoingMessage)
}

// Leave closes the connection for good; the room removes the client.
func (c *Chat) Leave() {
	c.leaving.Store(true)
	c.socket.Close()
}

// Done is closed once the client has left and status has been told.
func (c *Chat) Done() <-chan struct{} { return c.socket.Done() }
