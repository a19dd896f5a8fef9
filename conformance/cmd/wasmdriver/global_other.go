//go:build !(js && wasm)

package main

import "errors"

func setGlobal(string) error { return errors.New("-out global needs GOOS=js GOARCH=wasm") }
