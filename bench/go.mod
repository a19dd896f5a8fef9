module github.com/browserws/websocket/bench

go 1.26.8

require (
	github.com/browserws/websocket v0.0.0
	github.com/coder/websocket v1.8.15
	github.com/gorilla/websocket v1.5.3
	github.com/lxzan/gws v1.8.9
)

require (
	github.com/dolthub/maphash v0.1.0 // indirect
	github.com/klauspost/compress v1.17.9 // indirect
)

replace github.com/browserws/websocket => ../
