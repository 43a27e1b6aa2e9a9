package instrument

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Event is one click, submit, fetch or XHR reported by the page script
// (early buffer or live), identified by its sequence number.
type Event struct {
	// Seq numbers the page's events from 1; unique per page.
	Seq int
	// Kind is "click", "submit", "fetch" or "xhr".
	Kind  string
	Start time.Time
	// Parent is the Seq of the interaction that caused a request, 0 for
	// none.
	Parent int

	// Target of an interaction.
	Target Target
	// Method and URL of a request.
	Method, URL string
}

// IsInteraction reports whether e is a click or a submit.
func (e Event) IsInteraction() bool { return e.Kind == "click" || e.Kind == "submit" }

// maxInteractions bounds how many recent interactions stay known as
// parents.
const maxInteractions = 64

// Recorder turns [Event]s into spans: an INTERNAL span named
// "<kind> <target>" per interaction, and a CLIENT span per request, the
// child of the interaction that caused it (when it is one of the last 64)
// or a new trace's root. It is safe for concurrent use.
type Recorder struct {
	Tracer trace.Tracer
	Policy *Policy

	mu    sync.Mutex
	ui    map[int]context.Context // interaction Seq → its span's context
	order []int                   // interaction Seqs, oldest first
	open  map[int]trace.Span      // Seq → span started, not ended
}

// Start starts e's span and returns the trace headers to send with a
// request (nil for an interaction, or when the policy forbids them).
func (r *Recorder) Start(e Event) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.open == nil {
		r.open, r.ui = map[int]trace.Span{}, map[int]context.Context{}
	}
	if _, dup := r.open[e.Seq]; dup {
		return nil
	}
	if e.IsInteraction() {
		desc := r.Policy.Cap(Describe(e.Target))
		ctx, s := r.Tracer.Start(context.Background(), e.Kind+" "+desc,
			trace.WithTimestamp(e.Start), trace.WithSpanKind(trace.SpanKindInternal),
			trace.WithAttributes(
				attribute.String("spanfall.interaction.type", e.Kind),
				attribute.String("spanfall.interaction.target", desc),
			))
		r.open[e.Seq] = s
		r.ui[e.Seq] = ctx
		r.order = append(r.order, e.Seq)
		if len(r.order) > maxInteractions {
			delete(r.ui, r.order[0])
			r.order = r.order[1:]
		}
		return nil
	}
	parent := context.Background()
	if c, ok := r.ui[e.Parent]; ok && e.Parent != 0 {
		parent = c
	}
	_, s, h := StartRequest(parent, r.Tracer, r.Policy, Request{API: e.Kind, Method: e.Method, URL: e.URL, Start: e.Start})
	r.open[e.Seq] = s
	return h
}

// End ends the span of event seq: an interaction at resp.End, a request
// with resp's outcome. An unknown or already ended seq is ignored.
func (r *Recorder) End(seq int, interaction bool, resp Response) {
	r.mu.Lock()
	s, ok := r.open[seq]
	delete(r.open, seq)
	r.mu.Unlock()
	if !ok {
		return
	}
	if interaction {
		if resp.End.IsZero() {
			s.End()
		} else {
			s.End(trace.WithTimestamp(resp.End))
		}
		return
	}
	EndRequest(s, r.Policy, resp)
}

// Open returns how many started spans have not ended yet.
func (r *Recorder) Open() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.open)
}
