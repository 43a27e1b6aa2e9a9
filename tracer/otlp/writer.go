package otlp

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// WriterExporter writes each export as one OTLP JSON
// ExportTraceServiceRequest on its own line: the collector file exporter's
// format, for hosts that collect a program's stdout (WASI runtimes, edge
// platforms) or for files.
type WriterExporter struct {
	mu sync.Mutex
	w  io.Writer
}

var _ tracer.Exporter = (*WriterExporter)(nil)

// NewWriterExporter returns an exporter writing to w (os.Stdout, a file).
func NewWriterExporter(w io.Writer) *WriterExporter { return &WriterExporter{w: w} }

// Export writes spans as one line. A short or failed write is an error, so
// the flusher keeps the spans.
func (e *WriterExporter) Export(_ context.Context, spans []span.Span) (tracer.ExportResult, error) {
	b, err := MarshalJSON(spans)
	if err != nil {
		return tracer.ExportResult{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.w.Write(append(b, '\n')); err != nil {
		return tracer.ExportResult{}, fmt.Errorf("otlp: write %d spans: %w", len(spans), err)
	}
	return tracer.ExportResult{}, nil
}
