module github.com/browserws/websocket

go 1.23.0

require (
	github.com/coder/websocket v1.8.15
	github.com/google/go-cmp v0.7.0
	github.com/klauspost/compress v1.18.4
)
