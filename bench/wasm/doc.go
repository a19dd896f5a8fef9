// Package wasm holds the browser half of the bench command: a GOOS=js GOARCH=wasm
// test, run in headless Chromium, that puts the same work through this package and
// through plain JavaScript WebSocket code in the same page, against the bench's echo
// server, and prints what each took. The bench command runs it; by hand:
//
//	BROWSERWS_BENCH_SERVER=ws://127.0.0.1:PORT GOOS=js GOARCH=wasm \
//	  go test -exec ../.ci/wasm/go_js_wasm_chromium -v ./wasm
//
// It has nothing to measure outside a browser.
package wasm
