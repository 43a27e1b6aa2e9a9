package engine

import (
	"context"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/tracer/span"
)

// Limits of a span, as the SDK's defaults (sdktrace.SpanLimits): past them
// attributes, events and links are dropped and counted.
const (
	AttributeCountLimit         = 128
	EventCountLimit             = 128
	LinkCountLimit              = 128
	AttributePerEventCountLimit = 128
	AttributePerLinkCountLimit  = 128
)

// Sink receives every ended, recording span, on the goroutine that ended it:
// sampled spans have the W3C sampled flag (1) in [Ended.Flags]; the others
// were left recording but unsampled by the sampler (sdktrace.RecordOnly)
// for a tail stage to decide.
// It must not block (queue and return), like sdktrace.SpanProcessor.OnEnd.
// The span.Span is built when the receiver asks for it ([Ended.Span]),
// which may be later and on another goroutine: End only hands the span
// over.
type Sink func(e Ended)

// config holds the options of [New].
type config struct {
	sampler  sdktrace.Sampler
	resource *span.Resource
	online   func() bool
	offline  attribute.KeyValue
}

// Option configures [New].
type Option func(*config)

// WithSampler sets the sampler, called for every span with the same
// sdktrace.SamplingParameters the SDK passes. Default:
// sdktrace.ParentBased(sdktrace.AlwaysSample()), which the engine decides
// inline without calling it.
func WithSampler(s sdktrace.Sampler) Option {
	return func(c *config) { c.sampler = s }
}

// WithResource sets the resource every span carries. Default: none (nil).
func WithResource(r *span.Resource) Option {
	return func(c *config) { c.resource = r }
}

// WithOffline adds attr to every span started while online reports false,
// after the span's own attributes (as a span processor's OnStart would).
// Default: none.
func WithOffline(online func() bool, attr attribute.KeyValue) Option {
	return func(c *config) { c.online, c.offline = online, attr }
}

// defaultSampler is the description of ParentBased(AlwaysSample()), the
// sampler decided inline.
var defaultSampler = sdktrace.ParentBased(sdktrace.AlwaysSample()).Description()

// Provider is a trace.TracerProvider whose spans go to a [Sink] as
// span.Span values when they end. It is safe for concurrent use.
type Provider struct {
	embedded.TracerProvider

	sink     Sink
	sampler  sdktrace.Sampler // nil: ParentBased(AlwaysSample) inline
	resource *span.Resource
	online   func() bool
	offline  attribute.KeyValue
	ids      *idPool
	clock    clock
	stopped  atomic.Bool

	mu      sync.Mutex
	tracers map[scopeKey]*Tracer
}

var _ trace.TracerProvider = (*Provider)(nil)

// New returns a provider delivering every ended, recording span to sink.
func New(sink Sink, opts ...Option) *Provider {
	var c config
	for _, o := range opts {
		o(&c)
	}
	p := &Provider{
		sink: sink, resource: c.resource, online: c.online, offline: c.offline,
		ids: newIDPool(), clock: newClock(), tracers: map[scopeKey]*Tracer{},
	}
	if c.sampler != nil && c.sampler.Description() != defaultSampler {
		p.sampler = c.sampler
	}
	return p
}

// Tracer returns the tracer of an instrumentation scope; the same one for
// the same name and options. After Shutdown it returns a no-op tracer.
func (p *Provider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	if p.stopped.Load() {
		return noop.NewTracerProvider().Tracer(name, opts...)
	}
	cfg := trace.NewTracerConfig(opts...)
	k := scopeKey{name, cfg.InstrumentationVersion(), cfg.SchemaURL()}
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.tracers[k]; ok {
		return t
	}
	t := &Tracer{p: p, scope: span.Scope{Name: name, Version: cfg.InstrumentationVersion()}}
	p.tracers[k] = t
	return t
}

// scopeKey identifies an instrumentation scope.
type scopeKey struct{ name, version, schemaURL string }

// Shutdown stops delivering spans: spans ending afterwards are dropped and
// Tracer returns no-op tracers. It holds nothing to flush and returns nil.
func (p *Provider) Shutdown(context.Context) error {
	p.stopped.Store(true)
	return nil
}

// ForceFlush returns nil: the engine hands every span to the sink as it
// ends and holds none.
func (p *Provider) ForceFlush(context.Context) error { return nil }
