//go:build js && wasm

// Command web is the chat page's client: package chatclient compiled to
// WebAssembly, wired to the page's form and message list through syscall/js.
// Messages are shown with textContent, never innerHTML, so a message cannot
// inject markup. The chat server (go run ./examples/chat) builds and serves it.
package main

import (
	"syscall/js"

	"github.com/browserws/websocket/examples/chat/chatclient"
)

func main() {
	document := js.Global().Get("document")
	statusElem := document.Call("getElementById", "status")
	status := func(s string) { statusElem.Set("textContent", s) }

	// message received - show the message in div#messages
	show := func(message string) {
		messageElem := document.Call("createElement", "div")
		messageElem.Set("textContent", message)
		document.Call("getElementById", "messages").Call("prepend", messageElem)
	}

	chat, err := chatclient.Join("/ws", show, status) // relative to the page, as in JavaScript
	if err != nil {
		status("cannot connect: " + err.Error())
		return
	}

	// send message from the form
	document.Get("forms").Get("publish").Set("onsubmit", js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Call("preventDefault")
		outgoingMessage := this.Get("message").Get("value").String()
		if err := chat.Publish(outgoingMessage); err != nil {
			status("not sent: " + err.Error())
			return false
		}
		this.Get("message").Set("value", "") // sent: clear the text box for the next one
		return false
	}))

	select {} // keep serving the form after the socket closes; the page owns the program now
}
