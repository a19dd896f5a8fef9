// Package wire is the WebSocket frame codec of the native client: bytes in,
// messages out (Reader), and messages in, masked client frames out (Writer).
// It has no sockets; the transport feeds it a connection and writes what it
// makes.
//
// How a byte goes from Read to a Message: Reader.Next reads from its source in
// large reads into one small buffer and parses frame headers from it. Each
// header is checked against Chromium's rules at the point Chromium decides
// (see Reader), never on how the bytes were split into reads. A control frame
// is returned from the buffer itself; the payload of a single-frame message
// is copied into a buffer of its exact size (Alloc), the rest of it read from
// the source directly into that buffer; fragments and compressed messages are
// assembled, inflated (permessage-deflate, RFC 7692) and then returned whole.
// Text is checked for UTF-8 as the bytes arrive.
package wire
