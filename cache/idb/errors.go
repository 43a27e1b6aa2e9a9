//go:build js && wasm

package idb

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"
)

// withDOMName makes an exception thrown synchronously by an IndexedDB call
// match errors.Is(err, idb.NewDOMException(name)), as the errors of
// requests and transactions already do: go-indexeddb v0.3.2 returns such
// an exception as a plain JS error that only carries its message. The name
// is appended to the message: "…: The database connection is closing.
// (InvalidStateError)".
func withDOMName(err error) error {
	var jsErr js.Error
	if err == nil || !errors.As(err, &jsErr) {
		return err
	}
	if errors.As(err, new(idb.DOMException)) {
		return err
	}
	name, gerr := safejs.Safe(jsErr.Value).Get("name")
	if gerr != nil || name.Type() != safejs.TypeString {
		return err
	}
	s, serr := name.String()
	if serr != nil || s == "" {
		return err
	}
	return fmt.Errorf("%w (%w)", err, idb.NewDOMException(s))
}
