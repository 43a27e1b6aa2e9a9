// Package browser holds Spanfall's browser instrumentation: the resource
// of the tab, the document load from Navigation Timing Level 2 and the
// online/offline signals, and the Background Sync registration that lets the
// service worker flush the outbox after the page is gone.
//
// Only files named *_js.go (built for js/wasm) touch syscall/js. The maths
// that turns browser timestamps into spans is plain Go in this package so
// the host tests cover it; the js files only read values off the browser.
package browser
