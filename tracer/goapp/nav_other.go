//go:build !(js && wasm)

package goapp

// watchNavigation does nothing outside the browser.
func watchNavigation() {}
