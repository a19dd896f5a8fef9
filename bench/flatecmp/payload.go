package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The two kinds of content. Both are made from fixed seeds, so every run
// and both libraries see the same bytes.

// words is a vocabulary of made-up words from syllables, picked with a
// Zipf law as in real text.
var words = func() []string {
	r := rand.New(rand.NewPCG(1, 2))
	syl := strings.Fields("a an ar be ca co de di el en er fa go ha in is ka la le li lo ma me mi mo na ne no on or pa pe ra re ri ro sa se si so ta te ti to tu un ve vi wa we yo za")
	out := make([]string, 3000)
	for i := range out {
		var b strings.Builder
		for n := 1 + r.IntN(3); n > 0; n-- {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		out[i] = b.String()
	}
	return out
}()

var (
	users    = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yvonne"}
	channels = []string{"general", "random", "dev", "ops", "design", "support", "sales", "announcements"}
	kinds    = []string{"message", "message", "message", "message", "reaction_added", "typing", "presence_change", "message_changed"}
	emojis   = []string{"thumbsup", "tada", "eyes", "heart", "rocket", "joy", "white_check_mark", "fire"}
)

// jsonEvent appends one chat event: the kind of JSON object a chat or
// notification service pushes over a WebSocket.
func jsonEvent(b []byte, r *rand.Rand, seq int) []byte {
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	u := r.IntN(len(users))
	ts := int64(1718000000000) + int64(seq)*int64(250+r.IntN(5000))
	b = fmt.Appendf(b, `{"type":%q,"id":"evt_%010d","seq":%d,"ts":%d,"channel":{"id":"C%05d","name":%q},"user":{"id":"U%06d","name":%q,"display_name":%q,"presence":%q},`,
		kinds[r.IntN(len(kinds))], r.Uint32(), seq, ts, 100+r.IntN(len(channels)), channels[r.IntN(len(channels))],
		1000+u, users[u], strings.ToUpper(users[u][:1])+users[u][1:]+" "+words[r.IntN(200)], []string{"active", "away"}[r.IntN(2)])
	b = append(b, `"text":"`...)
	for n := 3 + r.IntN(40); n > 0; n-- {
		b = append(b, words[zipf.Uint64()]...)
		if r.IntN(12) == 0 {
			b = append(b, ',')
		}
		b = append(b, ' ')
	}
	b = append(b[:len(b)-1], `",`...)
	b = append(b, `"reactions":[`...)
	for n := r.IntN(3); n > 0; n-- {
		b = fmt.Appendf(b, `{"name":%q,"count":%d},`, emojis[r.IntN(len(emojis))], 1+r.IntN(9))
	}
	if b[len(b)-1] == ',' {
		b = b[:len(b)-1]
	}
	b = fmt.Appendf(b, `],"thread_ts":%d,"edited":%t,"client_msg_id":"%08x-%04x-%04x"}`, ts-int64(r.IntN(100000)), r.IntN(10) == 0, r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff)
	return b
}

// jsonMessage returns a message of exactly size bytes: a JSON batch of chat
// events (the last one cut where the size ends).
func jsonMessage(r *rand.Rand, size int, seq *int) []byte {
	b := make([]byte, 0, size+1024)
	b = append(b, `{"events":[`...)
	for len(b) < size {
		b = jsonEvent(b, r, *seq)
		*seq++
		b = append(b, ',')
	}
	return b[:size]
}

// messages returns a stream of distinct messages of size bytes of the kind
// ("json" or "random"): enough of them that a stream cycling through them
// never finds a message again in the 32 KiB window.
func messages(kind string, size int) [][]byte {
	n := min(max(512<<10/size, 4), 4096)
	r := rand.New(rand.NewPCG(uint64(size), 7))
	out := make([][]byte, n)
	seq := 0
	for i := range out {
		switch kind {
		case "json":
			out[i] = jsonMessage(r, size, &seq)
		case "hex", "base64", "letters":
			// Encoded random bytes: no repeats for LZ77 to find, but an
			// alphabet that Huffman codes alone shrink (to 50 %, 75 %, 59 %).
			alpha := map[string]string{
				"hex":     "0123456789abcdef",
				"base64":  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
				"letters": "abcdefghijklmnopqrstuvwxyz ", // bench/payload's kind of message
			}[kind]
			m := make([]byte, size)
			for j := range m {
				m[j] = alpha[r.IntN(len(alpha))]
			}
			out[i] = m
		default:
			m := make([]byte, size)
			for j := 0; j+8 <= size; j += 8 {
				v := r.Uint64()
				for k := 0; k < 8; k++ {
					m[j+k] = byte(v >> (8 * k))
				}
			}
			out[i] = m
		}
	}
	return out
}
