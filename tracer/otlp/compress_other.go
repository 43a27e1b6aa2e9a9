//go:build !(js && wasm)

package otlp

// platformGzip is the exporter's gzipFunc off the browser: compress/gzip
// with pooled writers.
func platformGzip(in []byte) ([]byte, error) { return gzipGo(in) }
