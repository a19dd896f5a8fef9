// Package payload is the benchmarks' message: the same bytes for every library,
// native or WASM. Only Go generates them: the bench command writes them to files
// that bench/node/bench.mjs reads (node.go), and the WASM test hands them to the
// page's JavaScript as a Uint8Array (bench/wasm), so that Node and the browser
// send exactly the bytes the Go clients send.
//
// The message is JSON text of the kind a chat or notification service pushes over
// a WebSocket (a batch of chat events: repeated keys, a few enumerations, ids,
// timestamps, counters and free text from a vocabulary picked with a skewed law),
// so that permessage-deflate has the work it has in real use, the same for every
// library. The letters-and-spaces payload the bench used before gave deflate no
// repeated strings to find: github.com/klauspost/compress/flate, which this
// package's deflate uses, stores such blocks, where compress/flate (coder/websocket,
// gorilla/websocket) Huffman-codes them, so the "compression on" workloads compared
// libraries doing different work.
//
// Measured once (go1.26.8, klauspost/compress v1.18.4): the first message of a
// stream, compressed, as a fraction of its size. The codecs at a level, with a
// sync flush as permessage-deflate ends a message (go test -v -run Ratio
// ./payload):
//
//	                                     1 KiB   64 KiB   1 MiB
//	compress/flate BestSpeed             48.0 %  33.9 %   32.9 %
//	klauspost/compress/flate BestSpeed   47.8 %  31.9 %   31.0 %
//	compress/flate DefaultCompression    46.3 %  28.4 %   26.8 %
//
// and each library on the wire, client to server, the first message on a
// connection with compression on, frame header and mask included (go test -v
// -run WireSize . in bench/):
//
//	                                     1 KiB   64 KiB   1 MiB
//	coder/websocket (raw)                48.4 %  33.9 %   32.9 %
//	browserws                            48.1 %  31.9 %   31.0 %
//	gorilla/websocket                    48.4 %  34.0 %   33.0 %
//	lxzan/gws                            48.1 %  31.9 %   31.0 %
//
// (The workloads send the same message again and again, and with context
// takeover a repeat of a message that fits the 32 KiB window compresses to a few
// bytes, for every library alike; that was so with the old payload too.)
//
// The bytes do not depend on the Go version (the generator is its own xorshift,
// not math/rand) and TestStable pins them.
package payload

import (
	"strconv"
	"sync"
)

var (
	mu     sync.Mutex
	stream []byte // the longest message made so far; shorter ones are its prefixes
)

// Of returns the message of size bytes every library sends and receives: the
// first size bytes of a fixed stream of JSON chat events (above), cut where the
// size ends. The slice is shared: never modify it.
func Of(size int) []byte {
	mu.Lock()
	defer mu.Unlock()
	if len(stream) < size {
		stream = generate(size)
	}
	return stream[:size:size]
}

// rng is xorshift32 with a fixed seed.
type rng uint32

func (r *rng) next() uint32 {
	x := uint32(*r)
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	*r = rng(x)
	return x
}

// n returns a number in [0, k).
func (r *rng) n(k int) int { return int(r.next() % uint32(k)) }

// zipfish returns a number in [0, k) with small ones more likely (the square of
// a uniform number): the word picks of the text.
func (r *rng) zipfish(k int) int {
	u := float64(r.next()) / (1 << 32)
	return int(u * u * float64(k))
}

// skewed returns a number in [0, k) with small ones far more likely (about as a
// Zipf law: the cube of a uniform number).
func (r *rng) skewed(k int) int {
	u := float64(r.next()) / (1 << 32)
	return int(u * u * u * float64(k))
}

var (
	users    = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yvonne"}
	channels = []string{"general", "random", "dev", "ops", "design", "support", "sales", "announcements"}
	kinds    = []string{"message", "message", "message", "message", "reaction_added", "typing", "presence_change", "message_changed"}
	emojis   = []string{"thumbsup", "tada", "eyes", "heart", "rocket", "joy", "white_check_mark", "fire"}
	presence = []string{"active", "away"}
	clients  = []string{"web", "desktop", "ios", "android"}
)

// words is the text's vocabulary: made-up words of one to three syllables.
var words = func() []string {
	syl := []string{"a", "an", "ar", "be", "ca", "co", "de", "di", "el", "en", "er", "fa", "go", "ha", "in", "is", "ka", "la", "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "no", "on", "or", "pa", "pe", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti", "to", "tu", "un", "ve", "vi", "wa", "we", "yo", "za"}
	r := rng(88675123)
	out := make([]string, 4000)
	for i := range out {
		var w []byte
		for k := 1 + r.n(3); k > 0; k-- {
			w = append(w, syl[r.n(len(syl))]...)
		}
		out[i] = string(w)
	}
	return out
}()

// generate returns at least size bytes of the stream: {"events":[ then event
// objects separated by commas.
func generate(size int) []byte {
	r := rng(2463534242)
	b := make([]byte, 0, size+2048)
	b = append(b, `{"events":[`...)
	ts := int64(1718000000000)
	for seq := 1; len(b) < size; seq++ {
		if seq > 1 {
			b = append(b, ',')
		}
		b = event(b, &r, seq, &ts)
	}
	return b
}

func appendHex(b []byte, x uint32, digits int) []byte {
	const h = "0123456789abcdef"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, h[(x>>(4*uint(i)))&15])
	}
	return b
}

// event appends one chat event.
func event(b []byte, r *rng, seq int, ts *int64) []byte {
	*ts += int64(50 + r.n(5000))
	u := r.n(len(users))
	str := func(key, v string) {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":"`...)
		b = append(b, v...)
		b = append(b, `",`...)
	}
	num := func(key string, v int64) {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, v, 10)
		b = append(b, ',')
	}
	b = append(b, '{')
	kind := kinds[r.n(len(kinds))]
	str("type", kind)
	b = append(b, `"id":"evt_`...)
	b = appendHex(b, r.next(), 8)
	b = append(b, `",`...)
	b = append(b, `"trace":"`...)
	b = appendHex(b, r.next(), 8)
	b = appendHex(b, r.next(), 8)
	b = append(b, `",`...)
	num("seq", int64(seq))
	num("ts", *ts)
	ch := r.skewed(len(channels))
	b = append(b, `"channel":{"id":"C`...)
	b = strconv.AppendInt(b, int64(10000+ch), 10)
	b = append(b, `","name":"`...)
	b = append(b, channels[ch]...)
	b = append(b, `"},"user":{"id":"U`...)
	b = strconv.AppendInt(b, int64(100000+u), 10)
	b = append(b, `","name":"`...)
	b = append(b, users[u]...)
	b = append(b, `","presence":"`...)
	b = append(b, presence[r.n(len(presence))]...)
	b = append(b, `"},`...)
	switch kind {
	case "typing":
		num("expires_in", int64(1+r.n(10)))
	case "presence_change":
		str("status", presence[r.n(len(presence))])
		num("last_seen", *ts-int64(r.n(3600000)))
	case "reaction_added":
		str("reaction", emojis[r.skewed(len(emojis))])
		b = append(b, `"item":{"type":"message","ts":`...)
		b = strconv.AppendInt(b, *ts-int64(r.n(600000)), 10)
		b = append(b, `},`...)
	default:
		b = append(b, `"text":"`...)
		for k := 8 + r.n(60); k > 0; k-- {
			b = append(b, words[r.n(len(words))]...)
			switch r.n(14) {
			case 0:
				b = append(b, ',')
			case 1:
				b = append(b, '.')
			}
			b = append(b, ' ')
		}
		b = append(b[:len(b)-1], `",`...)
		b = append(b, `"reactions":[`...)
		for k := r.n(3); k > 0; k-- {
			b = append(b, `{"name":"`...)
			b = append(b, emojis[r.skewed(len(emojis))]...)
			b = append(b, `","count":`...)
			b = strconv.AppendInt(b, int64(1+r.n(9)), 10)
			b = append(b, `},`...)
		}
		if b[len(b)-1] == ',' {
			b = b[:len(b)-1]
		}
		b = append(b, `],`...)
		if kind == "message_changed" {
			num("edited_ts", *ts+int64(r.n(60000)))
		}
		b = append(b, `"client_msg_id":"`...)
		b = appendHex(b, r.next(), 8)
		b = append(b, '-')
		b = appendHex(b, r.next(), 4)
		b = append(b, '-')
		b = appendHex(b, r.next(), 4)
		b = append(b, `",`...)
	}
	str("client", clients[r.skewed(len(clients))])
	b = append(b, `"v":2}`...)
	return b
}
