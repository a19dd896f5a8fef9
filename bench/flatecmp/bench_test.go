package main

import (
	"testing"
)

// The same cases as go test benchmarks, for profiling one of them
// (go test -bench 'Compress/takeover/json/1K/' -cpuprofile cpu.out).
// The command (go run .) is the measurement: it interleaves the libraries.

var benchSizes = []int{128, 1 << 10, 16 << 10, 64 << 10, 1 << 20}

func BenchmarkCompress(b *testing.B) {
	for _, mode := range []string{"takeover", "fresh"} {
		for _, kind := range []string{"json", "random"} {
			for _, size := range benchSizes {
				msgs := messages(kind, size)
				for _, l := range libs {
					b.Run(mode+"/"+kind+"/"+sizeName(size)+"/"+l.name, compressBench(l, msgs, mode == "fresh"))
				}
			}
		}
	}
}

func BenchmarkInflate(b *testing.B) {
	for _, mode := range []string{"takeover", "fresh"} {
		for _, kind := range []string{"json", "random"} {
			for _, size := range benchSizes {
				msgs := messages(kind, size)
				comp, _ := compressed(stdLib, msgs, mode == "fresh")
				for _, l := range libs {
					b.Run(mode+"/"+kind+"/"+sizeName(size)+"/"+l.name, inflateBench(l, msgs, comp, mode == "takeover"))
				}
			}
		}
	}
}
