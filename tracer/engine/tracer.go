package engine

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"

	"github.com/spanfall/spanfall/tracer/span"
)

// Tracer starts spans for one instrumentation scope.
type Tracer struct {
	embedded.Tracer

	p     *Provider
	scope span.Scope
}

var _ trace.Tracer = (*Tracer)(nil)

// Start starts a span, the child of the span in ctx (local or remote)
// unless trace.WithNewRoot is given, and returns it with a context holding
// it. The span is recording unless the sampler drops it.
func (t *Tracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	nAttrs, fast := attrsOnly(opts)
	var cfg trace.SpanConfig
	if !fast {
		cfg = trace.NewSpanStartConfig(opts...)
	}
	p := t.p

	var psc trace.SpanContext
	if cfg.NewRoot() {
		ctx = trace.ContextWithSpanContext(ctx, psc)
	} else {
		psc = trace.SpanContextFromContext(ctx)
	}
	var tid trace.TraceID
	var sid trace.SpanID
	if psc.TraceID().IsValid() {
		tid, sid = psc.TraceID(), p.ids.newSpanID()
	} else {
		tid, sid = p.ids.newIDs()
	}

	// The span owns attrs: a fresh slice per call. On the fast path with
	// the inline sampler, which does not read them, they are copied only
	// once the span is known to record, into the span's own allocation
	// (the offline attribute, rare, may grow it later).
	var attrs []attribute.KeyValue
	lateAttrs := fast && p.sampler == nil
	switch {
	case lateAttrs:
	case fast:
		attrs = make([]attribute.KeyValue, 0, nAttrs)
		for _, o := range opts {
			attrs = append(attrs, optionAttrs(o)...)
		}
	default:
		attrs = cfg.Attributes()
	}
	scc := trace.SpanContextConfig{TraceID: tid, SpanID: sid}
	record, sampled := true, true
	if p.sampler == nil {
		// ParentBased(AlwaysSample): follow a valid parent, else sample.
		if psc.IsValid() {
			sampled = psc.IsSampled()
			record = sampled
			scc.TraceState = psc.TraceState()
		}
	} else {
		res := p.sampler.ShouldSample(sdktrace.SamplingParameters{
			ParentContext: ctx, TraceID: tid, Name: name,
			Kind: cfg.SpanKind(), Attributes: attrs, Links: cfg.Links(),
		})
		record = res.Decision != sdktrace.Drop
		sampled = res.Decision == sdktrace.RecordAndSample
		scc.TraceState = res.Tracestate
		if len(res.Attributes) > 0 {
			attrs = append(append([]attribute.KeyValue(nil), res.Attributes...), attrs...)
		}
	}
	if sampled {
		scc.TraceFlags = psc.TraceFlags() | trace.FlagsSampled
	} else {
		scc.TraceFlags = psc.TraceFlags() &^ trace.FlagsSampled
	}
	sc := trace.NewSpanContext(scc)
	if !record {
		s := &nonRecording{sc: sc, p: p}
		return trace.ContextWithSpan(ctx, s), s
	}

	var s *recSpan
	if lateAttrs {
		s = newRecSpan(nAttrs)
		for _, o := range opts {
			s.attrs = append(s.attrs, optionAttrs(o)...)
		}
		attrs = s.attrs
	} else {
		s = new(recSpan)
	}
	s.t, s.sc, s.parent, s.remote, s.name = t, sc, psc.SpanID(), psc.IsRemote(), name
	s.kind = uint8(trace.ValidateSpanKind(cfg.SpanKind()))
	if ts := cfg.Timestamp(); !ts.IsZero() {
		s.start = ts.UnixNano()
	} else {
		s.start = p.clock.now()
	}
	for _, l := range cfg.Links() {
		s.addLink(l)
	}
	if p.online != nil && !p.online() {
		attrs = append(attrs, p.offline)
	}
	s.initAttrs(attrs)
	return withSpan(ctx, s), s
}

// nonRecording is a span the sampler dropped: it carries its span context
// (so children and propagation keep the trace) and records nothing.
type nonRecording struct {
	embedded.Span
	sc trace.SpanContext
	p  *Provider
}

func (s *nonRecording) End(...trace.SpanEndOption)              {}
func (s *nonRecording) AddEvent(string, ...trace.EventOption)   {}
func (s *nonRecording) AddLink(trace.Link)                      {}
func (s *nonRecording) IsRecording() bool                       { return false }
func (s *nonRecording) RecordError(error, ...trace.EventOption) {}
func (s *nonRecording) SpanContext() trace.SpanContext          { return s.sc }
func (s *nonRecording) SetStatus(codes.Code, string)            {}
func (s *nonRecording) SetName(string)                          {}
func (s *nonRecording) SetAttributes(...attribute.KeyValue)     {}
func (s *nonRecording) TracerProvider() trace.TracerProvider    { return s.p }
