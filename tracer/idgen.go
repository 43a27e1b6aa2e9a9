package tracer

import (
	"context"
	"crypto/rand"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// randIDs generates W3C trace and span ids from crypto/rand, which is
// crypto.getRandomValues in the browser. Reads are buffered because every
// read crosses the JS boundary there.
type randIDs struct {
	mu  sync.Mutex
	buf [4096]byte
	off int
}

func newRandIDs() *randIDs { return &randIDs{off: 4096} }

func (g *randIDs) fill(dst []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		for g.off+len(dst) > len(g.buf) {
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

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// NewIDs implements sdktrace.IDGenerator.
func (g *randIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	var t trace.TraceID
	var s trace.SpanID
	g.fill(t[:])
	g.fill(s[:])
	return t, s
}

// NewSpanID implements sdktrace.IDGenerator.
func (g *randIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	var s trace.SpanID
	g.fill(s[:])
	return s
}
