//go:build !js

package main

func runNode(base string, res *results) {}
func runWASM(base string, res *results) {}
func plotRTT(res *results, path string) error { return nil }
