#!/usr/bin/env bash
# Runs every test of the package: natively with the race detector.
set -euo pipefail
cd "$(dirname "$0")"
go test -race -count=1 ./...
