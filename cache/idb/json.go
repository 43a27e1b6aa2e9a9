//go:build js && wasm

package idb

import (
	"fmt"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// parseJSON turns JSON text into JS values with JSON.parse.
func parseJSON(text []byte) (js.Value, error) {
	json, err := safejs.Global().Get("JSON")
	if err != nil {
		return js.Value{}, err
	}
	v, err := json.Call("parse", string(text))
	if err != nil {
		return js.Value{}, fmt.Errorf("JSON.parse: %w", err)
	}
	return safejs.Unsafe(v), nil
}

// stringify turns a stored JS value into JSON text with JSON.stringify.
func stringify(v js.Value) ([]byte, error) {
	json, err := safejs.Global().Get("JSON")
	if err != nil {
		return nil, err
	}
	s, err := json.Call("stringify", v)
	if err != nil {
		return nil, fmt.Errorf("JSON.stringify: %w", err)
	}
	if s.Type() != safejs.TypeString {
		return nil, fmt.Errorf("JSON.stringify: a %s value has no JSON form", v.Type())
	}
	text, err := s.String()
	return []byte(text), err
}
