#!/usr/bin/env bash
# Runs every test of the package three times over the same scenario suite:
#   1. natively, with the race detector (this also runs the examples' tests);
#   2. compiled to WASM, in Node with its WHATWG WebSocket (--experimental-websocket);
#   3. compiled to WASM, in headless Chromium (Debian's /usr/bin/chromium);
# then the chat example end to end (its page in headless Chromium, nested module
# examples/chat/e2e).
# WASM cannot listen, so the test server (websockettest/cmd/wstestserver: the kit's
# behaviours and internal/wstest) runs as a process of its own and its URL reaches
# the WASM tests in BROWSERWS_TEST_SERVER.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

# The tools first, before any test: what can be installed here is installed, and
# what cannot is named with the command that installs it.
command -v go >/dev/null || { echo "test.sh: Go is not installed (https://go.dev/dl/)" >&2; exit 1; }
command -v node >/dev/null || {
  echo "test.sh: Node 20 or later is not installed (Debian: apt-get install -y nodejs; or https://nodejs.org/)" >&2
  exit 1
}
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      { echo "test.sh: apt-get could not install chromium" >&2; exit 1; }
  else
    echo "test.sh: Chromium is not installed: run 'sudo apt-get install -y chromium' (Debian/Ubuntu), then ./test.sh again" >&2
    exit 1
  fi
fi
if [ ! -x .bin/wasmbrowsertest ]; then
  echo "== building the WASM test runner (tools/ -> .bin/wasmbrowsertest)"
  .ci/wasm/build-tools || { echo "test.sh: could not build wasmbrowsertest from tools/ (needs the Go module proxy)" >&2; exit 1; }
fi

echo "== native (go test -race)"
go test -race -count=1 ./...

tmp=$(mktemp -d)
go build -o "$tmp/wstestserver" ./websockettest/cmd/wstestserver
"$tmp/wstestserver" >"$tmp/url" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.1; done
export BROWSERWS_TEST_SERVER=$(head -n1 "$tmp/url")
[ -n "$BROWSERWS_TEST_SERVER" ] || { echo "test.sh: the test server did not start" >&2; exit 1; }

echo "== wasm in Node (server $BROWSERWS_TEST_SERVER)"
GOOS=js GOARCH=wasm go test -count=1 -exec "$root/.ci/wasm/go_js_wasm_node" . ./reconnecting

echo "== wasm in headless Chromium"
GOOS=js GOARCH=wasm go test -count=1 -exec "$root/.ci/wasm/go_js_wasm_chromium" . ./reconnecting

echo "== chat example end to end (WASM page in headless Chromium + native client)"
(cd examples/chat/e2e && go test -count=1 ./...)
