package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scenario is one conformance case: a URL, the protocols offered, and actions to
// take right after the constructor and in the event handlers. Every runtime runs
// it the same way and records a Trace.
type Scenario struct {
	// Name identifies the scenario (unique).
	Name string `json:"name"`
	// Source says where the case comes from: "suite" (the package's scenario
	// suite), "wpt:<file>" (web-platform-tests websockets/) or "whatwg" (the
	// WebSockets Standard's text).
	Source string `json:"source"`
	// URL is given to the constructor after expansion: "{ws}" is the test
	// server's ws://host:port, "{http}" its http://host:port, "{host}" its
	// host:port, "{deadport}" a local port nothing listens on and "{blockedport}" a
	// port browsers refuse although the test server listens on it. An id query
	// parameter is added when AddID is set.
	URL string `json:"url"`
	// AddID adds "id=<runtime>-<n>" to the URL's query, so that the harness can ask
	// the server what close code it received (see CheckServer).
	AddID bool `json:"addID,omitempty"`
	// CheckServer makes the harness append a "server" entry: the close code and
	// reason the server received from the client (-1: none, the TCP connection just
	// ended). It needs AddID.
	CheckServer bool `json:"checkServer,omitempty"`
	// Protocols is the constructor's protocols argument; nil passes none.
	Protocols []string `json:"protocols,omitempty"`
	// Now runs right after the constructor, while CONNECTING.
	Now []Action `json:"now,omitempty"`
	// OnOpen, OnMessage and OnClose run in the handlers of those events, after the
	// event has been recorded.
	OnOpen    []Action `json:"onOpen,omitempty"`
	OnMessage []Action `json:"onMessage,omitempty"`
	OnClose   []Action `json:"onClose,omitempty"`
	// PageURL makes the native driver act like the page the browser drivers run
	// in: it sets Options.PageURL to Env.PageURL (a browser's page is real, so
	// the WASM driver needs nothing).
	PageURL bool `json:"pageURL,omitempty"`
	// TimeoutMS is how long a driver waits for the close event (default 5000).
	TimeoutMS int `json:"timeoutMS,omitempty"`
	// Differs documents, per runtime ("native", "wasm-chromium", "node",
	// "wasm-node"), why that runtime's trace differs from Chromium's on purpose.
	// A documented difference is shown but does not fail the run.
	Differs map[string]string `json:"-"`
}

// Action is one step of a scenario's script. Text fields are expanded by Expand.
type Action struct {
	// Do is one of:
	//   send        send(Text) — a text message
	//   sendBytes   send an ArrayBuffer ([]byte) of Size bytes (byte i is i*7+3 mod 256), or Text's bytes
	//   sendView    send a Uint8Array view of bytes [Offset, Offset+Size) of a 2*Size buffer (Go: a sub-slice)
	//   sendBlob    send a Blob of Text's bytes (or Size bytes as for sendBytes)
	//   sendNext    send the message's number plus one, as text (OnMessage only)
	//   close       close() with no arguments
	//   closeCode   close(Code) when Reason is "", else close(Code, Reason)
	//   binaryType  binaryType = Text
	//   attrs       record readyState, url, protocol, extensions, binaryType, bufferedAmount
	//   block       keep the handler busy for Size ms (Go: a channel wait, a sleep and an HTTP request)
	//   listen      addEventListener(Text, listener named Reason, {once: Code == 1}); the listener
	//               records an entry {Event: Text, Action: "listener " + Reason}
	//   unlisten    removeEventListener for the listener named Reason
	//   setOnMessage onmessage = null (Text "null"), else onmessage = the driver's handler again
	Do     string `json:"do"`
	Text   string `json:"text,omitempty"`
	Size   int    `json:"size,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Code   int    `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	// If, in OnMessage, runs the action only for a message whose data description
	// is If; Unless skips it for that one. (The JavaScript driver reads a Blob's
	// bytes after the handler, so a condition cannot match blob data.)
	If     string `json:"if,omitempty"`
	Unless string `json:"unless,omitempty"`
	// Desc is Describe's result, filled in for the JavaScript driver.
	Desc string `json:"desc,omitempty"`
}

// Describe is the action as a trace shows it.
func (a Action) Describe() string {
	switch a.Do {
	case "send", "binaryType":
		return a.Do + "(" + strconv.Quote(shorten(Expand(a.Text))) + ")"
	case "sendBytes", "sendBlob":
		if a.Text != "" {
			return fmt.Sprintf("%s(%q)", a.Do, a.Text)
		}
		return fmt.Sprintf("%s(%d)", a.Do, a.Size)
	case "sendView":
		return fmt.Sprintf("sendView(%d,%d)", a.Offset, a.Size)
	case "closeCode":
		if a.Reason == "" {
			return fmt.Sprintf("close(%d)", a.Code)
		}
		return fmt.Sprintf("close(%d,%s)", a.Code, strconv.Quote(shorten(Expand(a.Reason))))
	case "close":
		return "close()"
	case "listen":
		if a.Code == 1 {
			return fmt.Sprintf("listen(%s,%s,once)", a.Text, a.Reason)
		}
		return fmt.Sprintf("listen(%s,%s)", a.Text, a.Reason)
	case "unlisten":
		return "unlisten(" + a.Reason + ")"
	case "setOnMessage":
		return "onmessage = " + map[bool]string{true: "null", false: "handler"}[a.Text == "null"]
	}
	return a.Do
}

func shorten(s string) string {
	if len(s) <= 40 {
		return s
	}
	return fmt.Sprintf("%d bytes", len(s))
}

// Expand applies the escapes of scenario texts: "{c*N}" is the character c
// repeated N times, and "{lone}" is an unpaired surrogate: "\uD807" in JavaScript,
// and in Go the byte 0xFF, the nearest a Go string comes (both reach the network
// as U+FFFD). The JavaScript driver implements the same rules.
func Expand(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		tok := s[i+1 : i+j]
		s = s[i+j+1:]
		if tok == "lone" {
			b.WriteString("\xff")
			continue
		}
		r, size := utf8.DecodeRuneInString(tok)
		if n, err := strconv.Atoi(strings.TrimPrefix(tok[size:], "*")); err == nil && strings.HasPrefix(tok[size:], "*") {
			b.WriteString(strings.Repeat(string(r), n))
			continue
		}
		b.WriteString("{" + tok + "}")
	}
}

// Pattern returns the bytes sendBytes sends for n: byte i is i*7+3.
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

// DescribeText is the trace's form of a text message.
func DescribeText(s string) string {
	if len(s) <= 128 {
		return "text:" + s
	}
	return fmt.Sprintf("text:%d bytes, fnv %08x", len(s), fnv([]byte(s)))
}

// DescribeBinary is the trace's form of a binary message of kind "blob" or
// "arraybuffer" (blobType is the Blob's type, "" for none).
func DescribeBinary(kind string, b []byte, blobType string) string {
	s := kind + ":" + strconv.Itoa(len(b)) + ":"
	if blobType != "" {
		s += "type=" + blobType + ":"
	}
	if len(b) > 16 {
		return s + fmt.Sprintf("fnv %08x", fnv(b))
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return s + fmt.Sprintf("%x", b)
		}
	}
	return s + string(b)
}

// fnv is FNV-1a, 32 bits.
func fnv(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}
