package tracer

import (
	"context"

	"github.com/spanfall/spanfall/tracer/span"
)

// ExportResult is what a receiver said about an accepted request.
type ExportResult struct {
	// RejectedSpans is OTLP partialSuccess.rejectedSpans: spans the receiver
	// accepted the request for but did not keep.
	RejectedSpans int64
	// Message is partialSuccess.errorMessage.
	Message string
}

// Exporter sends spans to a backend.
//
// Export is called by one goroutine at a time (the [Flusher]'s) and may
// block until ctx is done. It makes exactly one attempt: retrying, backing
// off and deciding what to keep belong to the caller, which keeps every span
// in its store until Export returns a nil error.
type Exporter interface {
	Export(ctx context.Context, spans []span.Span) (ExportResult, error)
}
