package engine

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"

	"github.com/spanfall/spanfall/tracer/span"
)

// recSpan is a recording span. Its mutex is uncontended when one goroutine
// owns the span until End, the usual case; calls after End are ignored.
//
// It is laid out small (192 bytes, against 320 before): the fields most
// spans never use (events, links, dropped counts, an error description)
// live behind x, the flags are packed, and the context it serves as
// finds the span from its own address. In js/wasm the
// collector's work grows with the bytes allocated, and a span's own
// allocation was a third of them.
type recSpan struct {
	embedded.Span

	t      *Tracer
	sc     trace.SpanContext
	parent trace.SpanID // zero for a root
	ctx    spanCtx      // the context Start returns

	mu     sync.Mutex
	ended  bool
	remote bool  // the parent came from another process (traceparent)
	dirty  bool  // attrs may hold a key twice
	kind   uint8 // trace.SpanKind
	status uint8 // codes.Code
	name   string
	start  int64
	end    int64 // set by End
	attrs  []attribute.KeyValue
	x      *spanExtra // nil until an event, a link, a dropped attribute or an error description
}

// A span with room for its first attributes in the same allocation: one
// allocation a span instead of two (in js/wasm each is ~0.1 µs, and the
// per-object costs of the collector come on top). recSpan5 is 512 bytes:
// objects up to 512 bytes take the allocator's fast path (no malloc
// header); a bigger inline array made Start slower than two allocations.
type (
	recSpan2 struct {
		recSpan
		a [2]attribute.KeyValue
	}
	recSpan5 struct {
		recSpan
		a [5]attribute.KeyValue
	}
)

// inlineAttrs turns the inline variants on; benchmarks turn it off to
// measure what they buy.
var inlineAttrs = true

// newRecSpan returns a zero span whose attrs is empty with room for n.
func newRecSpan(n int) *recSpan {
	switch {
	case !inlineAttrs:
	case n == 0:
		return new(recSpan)
	case n <= 2:
		x := new(recSpan2)
		x.attrs = x.a[:0]
		return &x.recSpan
	case n <= 5:
		x := new(recSpan5)
		x.attrs = x.a[:0]
		return &x.recSpan
	}
	s := new(recSpan)
	s.attrs = make([]attribute.KeyValue, 0, n)
	return s
}

// spanExtra holds what few spans have.
type spanExtra struct {
	droppedAttrs  int
	events        []span.Event
	droppedEvents int
	links         []span.Link
	droppedLinks  int
	statusDesc    string
}

// extra returns s.x, made on first use. The caller holds s.mu.
func (s *recSpan) extra() *spanExtra {
	if s.x == nil {
		s.x = new(spanExtra)
	}
	return s.x
}

var _ trace.Span = (*recSpan)(nil)

// initAttrs takes ownership of the start attributes.
func (s *recSpan) initAttrs(attrs []attribute.KeyValue) {
	valid := attrs[:0]
	for _, a := range attrs {
		if a.Valid() {
			valid = append(valid, a)
		} else {
			s.extra().droppedAttrs++
		}
	}
	clear(attrs[len(valid):])
	s.dirty = len(valid) > 1
	if len(valid) > AttributeCountLimit {
		s.attrs = nil
		s.addOverCap(valid)
		return
	}
	s.attrs = valid
}

// SpanContext returns the span's identity; it never changes.
func (s *recSpan) SpanContext() trace.SpanContext { return s.sc }

// TracerProvider returns the provider that started the span.
func (s *recSpan) TracerProvider() trace.TracerProvider { return s.t.p }

// IsRecording reports whether the span has not ended yet.
func (s *recSpan) IsRecording() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.ended
}

// SetName renames the span.
func (s *recSpan) SetName(name string) {
	s.mu.Lock()
	if !s.ended {
		s.name = name
	}
	s.mu.Unlock()
}

// SetStatus sets the status: Ok wins over Error, Error over Unset; the
// description is kept for Error only.
func (s *recSpan) SetStatus(code codes.Code, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended || codes.Code(s.status) > code {
		return
	}
	s.status = uint8(code)
	if s.x != nil {
		s.x.statusDesc = ""
	}
	if code == codes.Error && description != "" {
		s.extra().statusDesc = description
	}
}

// SetAttributes adds or overwrites attributes. Invalid ones (empty key or
// type) are dropped and counted; past AttributeCountLimit distinct keys, new
// keys are dropped and counted.
func (s *recSpan) SetAttributes(kvs ...attribute.KeyValue) {
	if len(kvs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	if len(s.attrs)+len(kvs) > AttributeCountLimit {
		s.addOverCap(kvs)
		return
	}
	for _, a := range kvs {
		if !a.Valid() {
			s.extra().droppedAttrs++
			continue
		}
		s.attrs = append(s.attrs, a)
		s.dirty = true
	}
}

// addOverCap adds kvs to a span that may outgrow AttributeCountLimit:
// existing keys are updated in place, new ones appended until the limit.
func (s *recSpan) addOverCap(kvs []attribute.KeyValue) {
	s.dedupe()
	for _, a := range kvs {
		if !a.Valid() {
			s.extra().droppedAttrs++
			continue
		}
		if i := indexOf(s.attrs, a.Key); i >= 0 {
			s.attrs[i] = a
			continue
		}
		if len(s.attrs) >= AttributeCountLimit {
			s.extra().droppedAttrs++
			continue
		}
		s.attrs = append(s.attrs, a)
	}
}

func indexOf(kvs []attribute.KeyValue, k attribute.Key) int {
	for i := range kvs {
		if kvs[i].Key == k {
			return i
		}
	}
	return -1
}

// dedupe keeps one attribute per key, at the key's first position with its
// last value, as the SDK does.
func (s *recSpan) dedupe() {
	if !s.dirty {
		return
	}
	s.dirty = false
	unique := s.attrs[:0]
	if len(s.attrs) <= 16 {
		for _, a := range s.attrs {
			if i := indexOf(unique, a.Key); i >= 0 {
				unique[i] = a
			} else {
				unique = append(unique, a)
			}
		}
	} else {
		at := make(map[attribute.Key]int, len(s.attrs))
		for _, a := range s.attrs {
			if i, ok := at[a.Key]; ok {
				unique[i] = a
			} else {
				at[a.Key] = len(unique)
				unique = append(unique, a)
			}
		}
	}
	clear(s.attrs[len(unique):])
	s.attrs = unique
}

// AddEvent adds a timed event (now unless trace.WithTimestamp says
// otherwise); past EventCountLimit the oldest event is dropped and counted.
func (s *recSpan) AddEvent(name string, opts ...trace.EventOption) {
	now := s.t.p.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.addEvent(now, name, opts)
	}
}

func (s *recSpan) addEvent(now int64, name string, opts []trace.EventOption) {
	// A time first: an explicit trace.WithTimestamp among opts overrides it,
	// and NewEventConfig does not read time.Now (two JS calls in wasm).
	c := trace.NewEventConfig(append([]trace.EventOption{trace.WithTimestamp(unixTime(now))}, opts...)...)
	attrs := c.Attributes()
	e := span.Event{TimeUnixNano: unixNano(c.Timestamp().UnixNano()), Name: name}
	if len(attrs) > AttributePerEventCountLimit {
		attrs = attrs[:AttributePerEventCountLimit]
	}
	e.Attributes = ConvertAttrs(attrs)
	x := s.extra()
	if len(x.events) >= EventCountLimit {
		copy(x.events, x.events[1:])
		x.events = x.events[:len(x.events)-1]
		x.droppedEvents++
	}
	x.events = append(x.events, e)
}

// AddLink links the span to another span context; an empty link is
// ignored; past LinkCountLimit the oldest link is dropped and counted.
func (s *recSpan) AddLink(l trace.Link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.addLink(l)
	}
}

func (s *recSpan) addLink(l trace.Link) {
	if !l.SpanContext.IsValid() && len(l.Attributes) == 0 && l.SpanContext.TraceState().Len() == 0 {
		return
	}
	attrs := l.Attributes
	if len(attrs) > AttributePerLinkCountLimit {
		attrs = attrs[:AttributePerLinkCountLimit]
	}
	out := span.Link{
		TraceID:    hexTraceID(l.SpanContext.TraceID()),
		SpanID:     hexSpanID(l.SpanContext.SpanID()),
		TraceState: l.SpanContext.TraceState().String(),
		Attributes: ConvertAttrs(attrs),
	}
	x := s.extra()
	if len(x.links) >= LinkCountLimit {
		copy(x.links, x.links[1:])
		x.links = x.links[:len(x.links)-1]
		x.droppedLinks++
	}
	x.links = append(x.links, out)
}

// RecordError adds an "exception" event for err (exception.type and
// exception.message; exception.stacktrace with trace.WithStackTrace). It
// does not change the status.
func (s *recSpan) RecordError(err error, opts ...trace.EventOption) {
	if err == nil {
		return
	}
	now := s.t.p.clock.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.addEvent(now, "exception", exceptionOpts(err, err.Error(), opts))
	}
}

func exceptionOpts(v any, msg string, opts []trace.EventOption) []trace.EventOption {
	opts = append(opts[:len(opts):len(opts)], trace.WithAttributes(
		attribute.String("exception.type", typeStr(v)),
		attribute.String("exception.message", msg),
	))
	if c := trace.NewEventConfig(opts...); c.StackTrace() {
		opts = append(opts, trace.WithAttributes(attribute.String("exception.stacktrace", stackTrace())))
	}
	return opts
}

func typeStr(v any) string {
	t := reflect.TypeOf(v)
	if t.PkgPath() == "" && t.Name() == "" {
		return t.String() // likely a builtin or pointer type
	}
	return fmt.Sprintf("%s.%s", t.PkgPath(), t.Name())
}

func stackTrace() string {
	b := make([]byte, 2048)
	return string(b[:runtime.Stack(b, false)])
}

// End ends the span (now unless trace.WithTimestamp says otherwise) and,
// if the provider is not shut down, hands it to the sink, which builds its
// span.Span when it needs it ([Ended.Span]). Called while panicking
// (deferred), it records the panic as an "exception" event and lets the
// panic go on. Later calls do nothing.
func (s *recSpan) End(opts ...trace.SpanEndOption) {
	end := s.t.p.clock.now()
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	stack := false
	if len(opts) > 0 {
		c := trace.NewSpanEndConfig(opts...)
		if ts := c.Timestamp(); !ts.IsZero() {
			end = ts.UnixNano()
		}
		stack = c.StackTrace()
	}
	if r := recover(); r != nil {
		defer panic(r)
		var eo []trace.EventOption
		if stack {
			eo = append(eo, trace.WithStackTrace(true))
		}
		s.addEvent(end, "exception", exceptionOpts(r, fmt.Sprint(r), eo))
	}
	s.ended = true
	s.end = end
	p := s.t.p
	s.mu.Unlock()
	if p.stopped.Load() {
		return
	}
	p.sink(Ended{s})
}

// Ended is a span that ended, as the [Sink] receives it. Nothing changes
// it any more: every method of the span is a no-op after End.
type Ended struct{ s *recSpan }

// Flags returns the OTLP span flags the span.Span will have: the W3C trace
// flags (1: sampled), plus 0x300 for a local root under a remote parent.
func (e Ended) Flags() uint32 { return e.s.flags() }

// Span builds the span.Span of the span, converted as the tracer
// package's converter converts an SDK span. It is safe to call from any
// goroutine, once: the value takes over the span's attributes, events and
// links, and a second call returns a value without them.
func (e Ended) Span() span.Span {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	return e.s.value(e.s.end)
}

// flags are the OTLP span flags: the W3C trace flags, plus "parent is
// remote" (SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | _IS_REMOTE_MASK, 0x300)
// for a trace's local root under a remote parent, as the converter sets them.
func (s *recSpan) flags() uint32 {
	f := uint32(s.sc.TraceFlags())
	if s.remote && s.parent.IsValid() {
		f |= 0x300
	}
	return f
}

// value is the span.Span of the ended span, converted as the tracer
// package's converter converts an SDK span.
func (s *recSpan) value(end int64) span.Span {
	s.dedupe()
	tid, sid, pid := hexIDs(s.sc.TraceID(), s.sc.SpanID(), s.parent, s.parent.IsValid())
	out := span.Span{
		TraceID:           tid,
		SpanID:            sid,
		ParentSpanID:      pid,
		Flags:             s.flags(),
		Name:              s.name,
		Kind:              ConvertKind(trace.SpanKind(s.kind)),
		StartTimeUnixNano: unixNano(s.start),
		EndTimeUnixNano:   unixNano(end),
		Attributes:        ConvertAttrs(s.attrs),
		Resource:          s.t.p.resource,
		Scope:             s.t.scope,
	}
	if ts := s.sc.TraceState(); ts.Len() > 0 {
		out.TraceState = ts.String()
	}
	if x := s.x; x != nil {
		out.DroppedAttributesCount = uint32(x.droppedAttrs)
		out.Events, out.DroppedEventsCount = x.events, uint32(x.droppedEvents)
		out.Links, out.DroppedLinksCount = x.links, uint32(x.droppedLinks)
		x.events, x.links = nil, nil // the value owns them now
	}
	switch codes.Code(s.status) {
	case codes.Error:
		out.Status = span.Status{Code: span.StatusError}
		if s.x != nil {
			out.Status.Message = s.x.statusDesc
		}
	case codes.Ok:
		out.Status = span.Status{Code: span.StatusOK}
	}
	s.attrs = nil // the value owns it now
	return out
}
