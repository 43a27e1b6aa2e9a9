package otlp

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"
)

// gzipWriters recycles compressors: each holds about 800 KB of state, too
// much to allocate per export.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

// gzipGo compresses in with compress/gzip at the default level. It is the
// host's gzipFunc and the browser's fallback.
func gzipGo(in []byte) ([]byte, error) {
	zw, ok := gzipWriters.Get().(*gzip.Writer)
	if !ok {
		zw = gzip.NewWriter(io.Discard)
	}
	var buf bytes.Buffer
	buf.Grow(len(in)/8 + 64) // OTLP bodies gzip 10-30x
	zw.Reset(&buf)
	_, werr := zw.Write(in)
	cerr := zw.Close()
	zw.Reset(io.Discard) // drop buf before pooling
	gzipWriters.Put(zw)
	if werr != nil {
		return nil, fmt.Errorf("compress %d bytes: %w", len(in), werr)
	}
	if cerr != nil {
		return nil, fmt.Errorf("compress %d bytes: %w", len(in), cerr)
	}
	return buf.Bytes(), nil
}
