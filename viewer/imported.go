package viewer

import (
	"context"
	"errors"
	"fmt"
	"sync"

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
	// traces, read once after each import.
	ids       map[string]bool
	summaries []cache.TraceSummary
	fresh     bool
}

var _ cache.Store = (*Sources)(nil)

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
	defer func() {
		s.mu.Lock()
		s.fresh = false
		s.mu.Unlock()
	}()
	for i := 0; i < len(spans); i += importBatch {
		j := min(i+importBatch, len(spans))
		if err := st.Put(ctx, spans[i:j]); err != nil {
			return fmt.Errorf("viewer: import spans %d to %d of %d: %w", i+1, j, len(spans), err)
		}
		if progress != nil {
			progress(j)
		}
	}
	return nil
}

// importedTraces returns the imported summaries, read again after an
// import.
func (s *Sources) importedTraces(ctx context.Context) ([]cache.TraceSummary, error) {
	st, err := s.importedStore(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.fresh {
		out := s.summaries
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	ts, err := st.Traces(ctx)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(ts))
	for _, t := range ts {
		ids[t.TraceID] = true
	}
	s.mu.Lock()
	s.summaries, s.ids, s.fresh = ts, ids, true
	s.mu.Unlock()
	return ts, nil
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
// An imported store that cannot be opened lists nothing more.
func (s *Sources) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	main, err := s.main.Traces(ctx)
	if err != nil {
		return nil, err
	}
	imp, err := s.importedTraces(ctx)
	if err != nil || len(imp) == 0 {
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
