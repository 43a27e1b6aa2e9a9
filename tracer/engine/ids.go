package engine

import (
	"crypto/rand"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// idBlock is how many random bytes one crypto/rand read fetches: ids for
// about 170 spans per read, where each read is a call into
// crypto.getRandomValues in the browser (~2 µs).
const idBlock = 4096

// idPool hands out W3C trace and span ids cut from blocks of crypto/rand
// bytes. It is safe for concurrent use. It never returns an all-zero id.
type idPool struct {
	mu  sync.Mutex
	buf [idBlock]byte
	off int
}

func newIDPool() *idPool { return &idPool{off: idBlock} }

// take fills dst (at most idBlock bytes) with random bytes, not all zero.
// The caller holds g.mu.
func (g *idPool) take(dst []byte) {
	for {
		if g.off+len(dst) > len(g.buf) {
			// crypto/rand.Read never returns an error (Go 1.24+): it crashes
			// the program irrecoverably instead of handing out weak ids.
			_, _ = rand.Read(g.buf[:])
			g.off = 0
		}
		copy(dst, g.buf[g.off:g.off+len(dst)])
		g.off += len(dst)
		if !allZero(dst) {
			return
		}
	}
}

// newIDs returns a new trace id and span id.
func (g *idPool) newIDs() (t trace.TraceID, s trace.SpanID) {
	g.mu.Lock()
	g.take(t[:])
	g.take(s[:])
	g.mu.Unlock()
	return t, s
}

// newSpanID returns a new span id.
func (g *idPool) newSpanID() (s trace.SpanID) {
	g.mu.Lock()
	g.take(s[:])
	g.mu.Unlock()
	return s
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
