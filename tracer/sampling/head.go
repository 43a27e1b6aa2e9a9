package sampling

import (
	"encoding/binary"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// head is the sampler returned by [Head].
type head struct {
	bound uint64 // trace ids whose low 63 bits are below bound are sampled
	all   bool
	desc  string
}

var _ sdktrace.Sampler = head{}

// Head returns a parent-based trace-id-ratio sampler whose "drop" is
// RecordOnly, so the spans still reach the span processor (unsampled) and
// a tail stage ([Tail]) may keep them.
//
//   - A span with a valid parent follows it: sampled parent →
//     RecordAndSample; unsampled parent (local or remote) → RecordOnly.
//   - A root span is sampled when its trace id falls in the ratio, with
//     the same test as sdktrace.TraceIDRatioBased (the low 63 bits of the
//     id's last 8 bytes below ratio·2⁶³), so every process using the same
//     ratio agrees on a trace. ratio ≥ 1 samples every root; ratio ≤ 0
//     none.
//
// The parent's tracestate is kept.
func Head(ratio float64) sdktrace.Sampler {
	h := head{desc: fmt.Sprintf("SpanfallHead{ratio=%g}", ratio)}
	switch {
	case ratio >= 1:
		h.all = true
	case ratio > 0:
		h.bound = uint64(ratio * (1 << 63))
	}
	return h
}

// ShouldSample implements sdktrace.Sampler.
func (h head) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	psc := trace.SpanContextFromContext(p.ParentContext)
	res := sdktrace.SamplingResult{Tracestate: psc.TraceState(), Decision: sdktrace.RecordOnly}
	switch {
	case psc.IsValid():
		if psc.IsSampled() {
			res.Decision = sdktrace.RecordAndSample
		}
	case h.all || binary.BigEndian.Uint64(p.TraceID[8:16])>>1 < h.bound:
		res.Decision = sdktrace.RecordAndSample
	}
	return res
}

// Description implements sdktrace.Sampler.
func (h head) Description() string { return h.desc }
