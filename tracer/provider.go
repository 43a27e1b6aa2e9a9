package tracer

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/span"
)

// config holds the options of [NewProvider].
type config struct {
	attrs     []attribute.KeyValue
	sampler   sdktrace.Sampler
	onPersist func(n int)
	online    func() bool
	tail      TailFunc
	stockSDK  bool
}

// Option configures [NewProvider].
type Option func(*config)

// WithResourceAttributes adds attributes to the resource of every span
// (after the defaults, so they win). Default: service.name "spanfall" and
// the telemetry.sdk.* attributes.
func WithResourceAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// WithSampler sets the sampler. Default: parent-based, always on.
func WithSampler(s sdktrace.Sampler) Option {
	return func(c *config) { c.sampler = s }
}

// WithOnPersist sets a function called, from the writer goroutine, with
// the number of spans each successful store write persisted; a flusher uses
// it to send early. Default: none.
func WithOnPersist(f func(n int)) Option {
	return func(c *config) { c.onPersist = f }
}

// WithOnline sets how the provider learns whether the browser is online
// (navigator.onLine). Spans started while it reports false carry the
// attribute [OfflineAttr] = true. Default: always online.
func WithOnline(f func() bool) Option {
	return func(c *config) { c.online = f }
}

// TailFunc is a tail sampling stage between span end and the store: it
// gets every ended, recording span as a plain value with its head decision
// (sampled) and calls emit, at once or later, for each span to store
// (sampling.Tail.Process is one). It is called synchronously from
// span.End and must not block; emit never blocks.
type TailFunc func(s span.Span, sampled bool, emit func(span.Span))

// WithTail puts a tail stage in front of the store. With it, spans the
// sampler left unsampled but recording (sdktrace.RecordOnly) reach f too.
// Default: none (only sampled spans are stored).
func WithTail(f TailFunc) Option {
	return func(c *config) { c.tail = f }
}

// WithStockSDK makes the provider record spans with the stock OpenTelemetry
// Go SDK (go.opentelemetry.io/otel/sdk/trace) instead of the lean engine
// (package engine). Both store the same span values; the SDK costs about
// four times more per span in the browser (docs/benchmarks.md). Default:
// the lean engine.
func WithStockSDK() Option {
	return func(c *config) { c.stockSDK = true }
}

// OfflineAttr marks spans started while the browser was offline.
const OfflineAttr = attribute.Key("spanfall.offline")

// offlineMarker is a SpanProcessor that marks spans started offline.
type offlineMarker struct{ online func() bool }

func (m offlineMarker) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	if !m.online() {
		s.SetAttributes(OfflineAttr.Bool(true))
	}
}
func (offlineMarker) OnEnd(sdktrace.ReadOnlySpan)      {}
func (offlineMarker) Shutdown(context.Context) error   { return nil }
func (offlineMarker) ForceFlush(context.Context) error { return nil }

// Provider is an OpenTelemetry TracerProvider whose spans are persisted in a
// cache.Store. Use it through the otel API (otel.SetTracerProvider).
type Provider struct {
	embedded.TracerProvider

	// Processor is the store processor every span goes through.
	Processor *StoreProcessor

	tp  trace.TracerProvider
	sdk *sdktrace.TracerProvider // with WithStockSDK
	eng *engine.Provider         // otherwise
}

var _ trace.TracerProvider = (*Provider)(nil)

// NewProvider returns a provider that persists every ended, sampled span in
// store. Shut it down to write what is queued.
func NewProvider(store cache.Store, opts ...Option) *Provider {
	c := config{sampler: sdktrace.ParentBased(sdktrace.AlwaysSample())}
	for _, o := range opts {
		o(&c)
	}
	proc := NewStoreProcessor(store, c.onPersist)
	proc.tail = c.tail
	res := NewResource(c.attrs...)
	if !c.stockSDK {
		eopts := []engine.Option{engine.WithSampler(c.sampler), engine.WithResource(ConvertResource(res))}
		if c.online != nil {
			eopts = append(eopts, engine.WithOffline(c.online, OfflineAttr.Bool(true)))
		}
		eng := engine.New(proc.acceptEnded, eopts...)
		return &Provider{Processor: proc, tp: eng, eng: eng}
	}
	opts2 := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(c.sampler),
		sdktrace.WithIDGenerator(newRandIDs()),
	}
	if c.online != nil {
		opts2 = append(opts2, sdktrace.WithSpanProcessor(offlineMarker{c.online}))
	}
	tp := sdktrace.NewTracerProvider(append(opts2, sdktrace.WithSpanProcessor(proc))...)
	return &Provider{Processor: proc, tp: tp, sdk: tp}
}

// Tracer returns the tracer of an instrumentation scope.
func (p *Provider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return p.tp.Tracer(name, opts...)
}

// SDK returns the stock SDK provider when the provider was made
// WithStockSDK, else nil.
func (p *Provider) SDK() *sdktrace.TracerProvider { return p.sdk }

// ForceFlush waits until every span ended before the call is in the store.
func (p *Provider) ForceFlush(ctx context.Context) error {
	if p.sdk != nil {
		return p.sdk.ForceFlush(ctx)
	}
	return p.Processor.ForceFlush(ctx)
}

// Shutdown persists what is queued and stops: spans ending afterwards are
// dropped, and Tracer returns no-op tracers. Later calls do nothing.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p.sdk != nil {
		return p.sdk.Shutdown(ctx)
	}
	return errors.Join(p.eng.Shutdown(ctx), p.Processor.Shutdown(ctx))
}

// NewResource returns the resource Spanfall puts on spans: service.name
// "spanfall" and the telemetry.sdk.* attributes, overridden by attrs.
func NewResource(attrs ...attribute.KeyValue) *resource.Resource {
	base := []attribute.KeyValue{
		attribute.String("service.name", "spanfall"),
		attribute.String("telemetry.sdk.name", "opentelemetry"),
		attribute.String("telemetry.sdk.language", "go"),
		attribute.String("telemetry.sdk.version", sdk.Version()),
	}
	return resource.NewSchemaless(append(base, attrs...)...)
}
