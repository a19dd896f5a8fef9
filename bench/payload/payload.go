// Package payload is the benchmarks' message: the same bytes for every library,
// native or WASM (bench/node/bench.mjs and the page's JavaScript build the same
// sequence).
package payload

import "sync"

var (
	mu    sync.Mutex
	cache = map[int][]byte{}
)

// Of returns the message of size bytes every library sends and receives:
// lower-case letters and spaces from a fixed xorshift sequence, which deflate
// shrinks to about 60 %, so that compression has work to do. The slice is shared:
// never modify it.
func Of(size int) []byte {
	mu.Lock()
	defer mu.Unlock()
	if b, ok := cache[size]; ok {
		return b
	}
	b := make([]byte, size)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		if x%7 == 0 {
			b[i] = ' '
		} else {
			b[i] = 'a' + byte(x%26)
		}
	}
	cache[size] = b
	return b
}
