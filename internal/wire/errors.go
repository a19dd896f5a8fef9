package wire

// ProtocolError is a rule the server broke. The client fails the connection:
// it sends a close frame with Code and Reason (Chromium's words) unless Code is
// 0, then closes TCP at once.
type ProtocolError struct {
	Code   int    // close code to send: 1002, or 1009 for a message over the limit; 0: send no close frame
	Reason string // the reason Chromium writes in that close frame
	Msg    string // what Error() returns: "websocket: " + Msg
}

// Error returns "websocket: " followed by Msg.
func (e *ProtocolError) Error() string { return "websocket: " + e.Msg }

// The rules a server can break. Compare with errors.Is (pointer identity).
var (
	// ErrMaskedFrame: the server masked a frame.
	ErrMaskedFrame = &ProtocolError{1002, "Masked frame from server", "the server sent a masked frame"}
	// ErrNonMinimalLength: a 16-bit length under 126, a 64-bit one under 65536 or with its top bit set.
	ErrNonMinimalLength = &ProtocolError{1002, "WebSocket Protocol Error", "the server sent a frame length not in its shortest form"}
	// ErrFrameTooBig: a 64-bit frame length over 2^31-1; Chromium's frame parser makes it
	// kWebSocketErrorMessageTooBig, an abnormal closure: no close frame is sent (Code 0).
	ErrFrameTooBig = &ProtocolError{0, "", "the server sent a frame longer than 2^31-1 bytes"}
	// ErrBadControlFrame: a ping, pong or close frame without FIN or over 125 bytes.
	ErrBadControlFrame = &ProtocolError{1002, "WebSocket Protocol Error", "the server sent a fragmented or oversized control frame"}
	// ErrReservedBits: RSV2 or RSV3 set, or RSV1 on a control frame or without permessage-deflate.
	ErrReservedBits = &ProtocolError{1002, "Invalid reserved bit", "the server set reserved bits"}
	// ErrMisplacedRSV1: with permessage-deflate, RSV1 on a data frame not the first of its
	// message (a protocol error of Chromium's deflate stream).
	ErrMisplacedRSV1 = &ProtocolError{1002, "WebSocket Protocol Error", "the server set RSV1 on a frame that does not begin a message"}
	// ErrUnknownOpcode: opcode 3-7 or 11-15.
	ErrUnknownOpcode = &ProtocolError{1002, "Unknown opcode", "the server sent an unknown opcode"}
	// ErrLoneContinuation: a continuation frame with no message to continue.
	ErrLoneContinuation = &ProtocolError{1002, "Unexpected continuation", "the server sent a continuation frame with no message to continue"}
	// ErrUnfinished: a text or binary frame while a fragmented message is under way.
	ErrUnfinished = &ProtocolError{1002, "Previous data frame unfinished", "the server began a message before finishing the last one"}
	// ErrBadClosePayload: a close frame of 1 byte or with code 1005, 1006 or 1015 (1002, no reason).
	ErrBadClosePayload = &ProtocolError{1002, "", "the server's close frame has a 1-byte payload or the code 1005, 1006 or 1015"}
	// ErrCloseReasonUTF8: a close reason that is not UTF-8.
	ErrCloseReasonUTF8 = &ProtocolError{1002, "Invalid UTF-8 in Close frame", "the server's close reason is not UTF-8"}
	// ErrFrameAfterClose: a frame (or any broken rule) after the close frame. The client has
	// answered the close already: no close frame is sent (Code 0).
	ErrFrameAfterClose = &ProtocolError{0, "", "the server sent a frame after its close frame"}
	// ErrInvalidUTF8: a text message that is not UTF-8 (1002, as Chromium).
	ErrInvalidUTF8 = &ProtocolError{1002, "Invalid UTF-8 in text frame", "the server sent a text message that is not UTF-8"}
	// ErrMessageTooBig: a message over ReaderConfig.MaxMessageSize.
	ErrMessageTooBig = &ProtocolError{1009, "Message too big", "the server sent a message over the size limit"}
	// ErrBadCompression: a compressed message that does not inflate (a protocol error of
	// Chromium's deflate stream).
	ErrBadCompression = &ProtocolError{1002, "WebSocket Protocol Error", "the server sent a compressed message that does not inflate"}
)
