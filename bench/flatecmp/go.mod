module github.com/browserws/websocket/bench/flatecmp

go 1.23.0

require github.com/klauspost/compress v1.18.4
