//go:build !js

package websocket

// parkedDispatcher is the WASM backend's (dispatcher_js.go); natively nothing
// is parked between dispatches.
type parkedDispatcher struct{}

// startDispatch runs the queue's dispatcher as a goroutine of its own, which
// ends with the dispatch: an idle socket holds no goroutine.
func (q *eventQueue) startDispatch() { go q.dispatch() }

// deferDrop: natively bufferedAmount falls between tasks, never inside the one
// that sent (buffered_drop.go), as the bytes reach the network.
const deferDrop = true
