package instrument

import (
	"context"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkRecorderRequest is the Go side of one traced fetch: start
// (with a same-origin traceparent) and end.
func BenchmarkRecorderRequest(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	r := &Recorder{Tracer: tp.Tracer("bench"), Policy: &Policy{PageOrigin: "http://127.0.0.1:8000"}}
	now := time.Now()
	seq := 0
	for b.Loop() {
		seq++
		r.Start(Event{Seq: seq, Kind: "fetch", Start: now, Method: "GET", URL: "http://127.0.0.1:8000/api/demo?token=secret&page=2"})
		r.End(seq, false, Response{End: now, Status: 200})
	}
}
