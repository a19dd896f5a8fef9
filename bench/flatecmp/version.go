package main

import "runtime/debug"

// kpVersion is the version of github.com/klauspost/compress built in.
func kpVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/klauspost/compress" {
				return d.Version
			}
		}
	}
	return "(unknown)"
}
