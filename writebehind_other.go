//go:build !js && !unix

package websocket

import "net"

// nbWriter has no non-blocking write here: the flusher writes everything,
// behind (see writeBehindConn).
type nbWriter struct{}

func newNBWriter(net.Conn) *nbWriter { return nil }

func (*nbWriter) tryWrite([]byte) (int, error) { return 0, nil }
