package viewer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// ImportedName is the name of the IndexedDB database that holds imported
// traces: a store of its own, apart from the app's "spanfall" database,
// so that the flusher never sends them anywhere.
const ImportedName = "spanfall-imported"

// ImportedLimits are the caps of the imported store: large enough for a
// big file (500,000 spans, 512 MiB), and no expiry.
var ImportedLimits = cache.Limits{MaxSpans: 500_000, MaxBytes: 512 << 20, MaxAge: -1}

// importBatch is how many spans one Put of an import writes.
const importBatch = 5000

// Sources is what the viewer reads: the app's store and, beside it, the
// store of imported traces, opened on first use. It is a [cache.Store]
// whose trace list holds both (the app's first when a trace is in both),
// whose Trace reads the app's store and then the imported one, and whose
// Put, Pending, MarkExported and Stats are the app's store's: nothing
// imported is ever pending export.
type Sources struct {
	main cache.Store
	open func(ctx context.Context) (cache.Store, error)

	mu       sync.Mutex
	imported cache.Store
	openErr  error
	// ids holds the imported trace ids and summaries the imported
	// traces: computed from the spans at import, or read from the store
	// (a scan of every imported span, slow for big imports) in the
	// background by Refresh.
	ids        map[string]bool
	summaries  []cache.TraceSummary
	fresh      bool
	refreshing bool
	gen        int // counts imports, to see one made during a Refresh
}

var (
	_ cache.Store       = (*Sources)(nil)
	_ cache.TraceHeader = (*Sources)(nil)
	_ cache.TraceTailer = (*Sources)(nil)
)

// NewSources reads main and the imported store that open opens (once,
// when first needed).
func NewSources(main cache.Store, open func(ctx context.Context) (cache.Store, error)) *Sources {
	return &Sources{main: main, open: open, ids: map[string]bool{}}
}

// importedStore opens the imported store on first use.
func (s *Sources) importedStore(ctx context.Context) (cache.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.imported == nil && s.openErr == nil {
		s.imported, s.openErr = s.open(ctx)
		if s.openErr != nil {
			s.openErr = fmt.Errorf("viewer: open the imported traces: %w", s.openErr)
		}
	}
	return s.imported, s.openErr
}

// IsImported reports whether trace id was read from the imported store.
func (s *Sources) IsImported(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

// Import writes spans, already checked in full (see transfer.Decode), to
// the imported store in batches, calling progress with the spans written
// so far. Imported spans are never exported.
func (s *Sources) Import(ctx context.Context, spans []span.Span, progress func(done int)) error {
	st, err := s.importedStore(ctx)
	if err != nil {
		return err
	}
	for i := 0; i < len(spans); i += importBatch {
		j := min(i+importBatch, len(spans))
		if err := st.Put(ctx, spans[i:j]); err != nil {
			s.mu.Lock()
			s.fresh = false
			s.mu.Unlock()
			return fmt.Errorf("viewer: import spans %d to %d of %d: %w", i+1, j, len(spans), err)
		}
		if progress != nil {
			progress(j)
		}
	}
	s.addSummaries(spans)
	return nil
}

// addSummaries lists the traces of freshly imported spans without reading
// the store back. A trace imported before needs a recount, left to a
// background Refresh.
func (s *Sources) addSummaries(spans []span.Span) {
	recs := make([]cache.Record, len(spans))
	for i := range spans {
		recs[i].Span = spans[i]
	}
	add := cache.Summarize(recs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for _, t := range add {
		if s.ids[t.TraceID] {
			s.fresh = false
		}
	}
	s.setSummaries(union(add, s.summaries))
}

// union lists the traces of a, then those of b not in a, newest first.
func union(a, b []cache.TraceSummary) []cache.TraceSummary {
	seen := make(map[string]bool, len(a))
	out := make([]cache.TraceSummary, 0, len(a)+len(b))
	for _, t := range a {
		seen[t.TraceID] = true
		out = append(out, t)
	}
	for _, t := range b {
		if !seen[t.TraceID] {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start > out[j].Start })
	return out
}

// setSummaries replaces the summaries and their ids; s.mu is held.
func (s *Sources) setSummaries(ts []cache.TraceSummary) {
	ids := make(map[string]bool, len(ts))
	for _, t := range ts {
		ids[t.TraceID] = true
	}
	s.summaries, s.ids = ts, ids
}

// Refresh reads the imported traces' summaries from the imported store.
// It scans every imported span: [Sources.Traces] runs it in the
// background and meanwhile lists what it knows. Traces imported while it
// reads stay listed, and the next call reads again.
func (s *Sources) Refresh(ctx context.Context) error {
	st, err := s.importedStore(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()
	ts, err := st.Traces(ctx)
	if err != nil {
		return fmt.Errorf("viewer: list the imported traces: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen {
		s.setSummaries(union(ts, s.summaries))
		s.fresh = false
		return nil
	}
	s.setSummaries(ts)
	s.fresh = true
	return nil
}

// refreshTimeout bounds a background read of the imported summaries.
const refreshTimeout = 10 * time.Minute

// importedTraces returns the imported summaries known now; when they are
// not fresh it starts a background Refresh, which a later call sees.
func (s *Sources) importedTraces() []cache.TraceSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fresh && !s.refreshing {
		s.refreshing = true
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			_ = s.Refresh(ctx) // an unreadable imported store lists nothing more; the next call retries
			s.mu.Lock()
			s.refreshing = false
			s.mu.Unlock()
		}()
	}
	return s.summaries
}

// Put stores spans in the app's store.
func (s *Sources) Put(ctx context.Context, spans []span.Span) error { return s.main.Put(ctx, spans) }

// Pending reads the app's store.
func (s *Sources) Pending(ctx context.Context, limit int) ([]cache.Record, error) {
	return s.main.Pending(ctx, limit)
}

// MarkExported marks records of the app's store.
func (s *Sources) MarkExported(ctx context.Context, seqs []uint64) error {
	return s.main.MarkExported(ctx, seqs)
}

// Traces lists the app's traces, then the imported ones not among them.
// It never waits for the imported store: it lists the imported traces
// known (from the imports of this page, or a background read started by
// an earlier call); an imported store that cannot be read lists nothing
// more.
func (s *Sources) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	main, err := s.main.Traces(ctx)
	if err != nil {
		return nil, err
	}
	imp := s.importedTraces()
	if len(imp) == 0 {
		return main, nil
	}
	seen := make(map[string]bool, len(main))
	for _, t := range main {
		seen[t.TraceID] = true
	}
	out := append(make([]cache.TraceSummary, 0, len(main)+len(imp)), main...)
	for _, t := range imp {
		if !seen[t.TraceID] {
			out = append(out, t)
		}
	}
	return out, nil
}

// Trace reads trace id from the app's store, else from the imported one.
func (s *Sources) Trace(ctx context.Context, id string) ([]cache.Record, error) {
	if s.IsImported(id) {
		if st, err := s.importedStore(ctx); err == nil {
			recs, err := st.Trace(ctx, id)
			if err != nil || len(recs) > 0 {
				return recs, err
			}
		}
	}
	recs, err := s.main.Trace(ctx, id)
	if err != nil || len(recs) > 0 {
		return recs, err
	}
	st, oerr := s.importedStore(ctx)
	if oerr != nil {
		return recs, nil
	}
	return st.Trace(ctx, id)
}

// TraceHead returns the first n records of trace id, as [cache.TraceHeader]
// does: from the app's store when it can read a head (the viewer then draws
// a big trace's first screen before the rest is read), else the first n of
// [Sources.Trace].
func (s *Sources) TraceHead(ctx context.Context, id string, n int) ([]cache.Record, error) {
	if n <= 0 {
		return nil, nil
	}
	if h, ok := s.main.(cache.TraceHeader); ok && !s.IsImported(id) {
		if recs, err := h.TraceHead(ctx, id, n); err != nil || len(recs) > 0 {
			return recs, err
		}
	}
	recs, err := s.Trace(ctx, id)
	if len(recs) > n {
		recs = recs[:n]
	}
	return recs, err
}

// TraceAfter returns the records of trace id stored after seq, as
// [cache.TraceTailer] does: from the app's store when it can (the live
// refresh of a big open trace), else filtered from [Sources.Trace].
// Imported traces never grow.
func (s *Sources) TraceAfter(ctx context.Context, id string, seq uint64) ([]cache.Record, error) {
	if t, ok := s.main.(cache.TraceTailer); ok && !s.IsImported(id) {
		return t.TraceAfter(ctx, id, seq)
	}
	recs, err := s.Trace(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []cache.Record
	for _, r := range recs {
		if r.Seq > seq {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// Stats counts the app's store.
func (s *Sources) Stats(ctx context.Context) (cache.Stats, error) { return s.main.Stats(ctx) }

// Kind names the app's store.
func (s *Sources) Kind() string { return s.main.Kind() }

// Close closes both stores.
func (s *Sources) Close() error {
	s.mu.Lock()
	imp := s.imported
	s.mu.Unlock()
	var errs []error
	errs = append(errs, s.main.Close())
	if imp != nil {
		errs = append(errs, imp.Close())
	}
	return errors.Join(errs...)
}
