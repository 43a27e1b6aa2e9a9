package filestore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// linesPerRewrite is the most spans written per line when the file is
// rewritten.
const linesPerRewrite = 512

// Store is a cache.Store whose pending spans live in an outbox file of
// OTLP JSON lines (see the package doc). A cache.Memory with the same
// options holds the index, so caps and eviction are cache's own. Spans
// that were exported or evicted leave the file; exported spans stay in
// memory, for Trace and Traces, until evicted.
//
// One process should own an outbox at a time: appends from two writers
// could interleave, and a rewrite drops what another process appended
// meanwhile.
type Store struct {
	path string
	mem  *cache.Memory

	mu sync.Mutex
	f  *os.File // append handle; nil once closed
	// Torn is the size of a cut-short final line found at Open (dropped).
	torn int64
}

var _ cache.Store = (*Store)(nil)

// Open loads the outbox at path (creating it when missing) into a store
// with opts' caps and clock. Every line must decode: a bad line is a
// *LineError naming it, and nothing is changed, so no span is lost to a
// bug or a wrong path. A final line cut short by a crash is dropped, and
// reported by Torn. Spans loaded are pending and count toward the caps
// (evicting, when the file holds more than they allow).
func Open(ctx context.Context, path string, opts ...cache.Option) (*Store, error) {
	lines, torn, err := readLines(path)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, mem: cache.NewMemory(opts...), torn: torn}
	for _, l := range lines {
		if len(l.spans) == 0 {
			continue
		}
		if err := s.mem.Put(ctx, l.spans); err != nil {
			return nil, fmt.Errorf("filestore: load %s: %w", path, err)
		}
	}
	// Rewrite at once when the file holds more than the index kept (caps)
	// or a torn line, so file and index agree from here on.
	st, err := s.mem.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if torn > 0 || st.Evicted.Total() > 0 {
		if err := s.compact(ctx); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("filestore: open %s: %w", path, err)
	}
	s.f = f
	return s, nil
}

// Torn returns the size in bytes of the cut-short final line Open dropped,
// 0 when the file ended cleanly.
func (s *Store) Torn() int64 { return s.torn }

// Path returns the outbox file.
func (s *Store) Path() string { return s.path }

// Kind returns "file".
func (s *Store) Kind() string { return "file" }

// Put stores spans and appends them to the outbox as one line, synced to
// disk. When the caps evicted spans, the file is rewritten instead.
func (s *Store) Put(ctx context.Context, spans []span.Span) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return cache.ErrClosed
	}
	if len(spans) == 0 {
		return nil
	}
	before, err := s.mem.Stats(ctx)
	if err != nil {
		return err
	}
	// The index validates (cache.ErrInvalidSpan) before anything is stored.
	if err := s.mem.Put(ctx, spans); err != nil {
		return err
	}
	line, err := encodeLine(spans)
	if err != nil {
		return errors.Join(fmt.Errorf("filestore: put %d spans: %w", len(spans), err), s.compact(ctx))
	}
	after, err := s.mem.Stats(ctx)
	if err != nil {
		return err
	}
	if after.Evicted.Total() != before.Evicted.Total() {
		return s.compact(ctx)
	}
	if _, err := s.f.Write(line); err != nil {
		return errors.Join(fmt.Errorf("filestore: append %d spans: %w", len(spans), err), s.compact(ctx))
	}
	if err := s.f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("filestore: sync %s: %w", s.path, err)
	}
	return nil
}

// MarkExported marks the spans exported and removes them from the file.
func (s *Store) MarkExported(ctx context.Context, seqs []uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return cache.ErrClosed
	}
	if err := s.mem.MarkExported(ctx, seqs); err != nil {
		return err
	}
	return s.compact(ctx)
}

// compact rewrites the file with exactly the pending spans of the index.
func (s *Store) compact(ctx context.Context) error {
	recs, err := s.mem.Pending(ctx, math.MaxInt)
	if err != nil {
		return err
	}
	var lines [][]byte
	for i := 0; i < len(recs); i += linesPerRewrite {
		part := recs[i:min(i+linesPerRewrite, len(recs))]
		spans := make([]span.Span, len(part))
		for j, r := range part {
			spans[j] = r.Span
		}
		l, err := encodeLine(spans)
		if err != nil {
			return fmt.Errorf("filestore: compact: %w", err)
		}
		lines = append(lines, l)
	}
	if err := rewrite(s.path, lines); err != nil {
		return err
	}
	if s.f != nil {
		// The append handle points at the replaced file: reopen it.
		s.f.Close()
		f, err := os.OpenFile(s.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			s.f = nil
			return fmt.Errorf("filestore: reopen %s: %w", s.path, err)
		}
		s.f = f
	}
	return nil
}

// Pending returns up to limit unexported records, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]cache.Record, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.mem.Pending(ctx, limit)
}

// Traces summarises the stored traces.
func (s *Store) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.mem.Traces(ctx)
}

// Trace returns the records of one trace.
func (s *Store) Trace(ctx context.Context, traceID string) ([]cache.Record, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.mem.Trace(ctx, traceID)
}

// Stats counts the stored spans. Eviction counts cover this process only:
// the file keeps spans, not counters.
func (s *Store) Stats(ctx context.Context) (cache.Stats, error) {
	if err := s.open(); err != nil {
		return cache.Stats{}, err
	}
	return s.mem.Stats(ctx)
}

func (s *Store) open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return cache.ErrClosed
	}
	return nil
}

// Close closes the file. Later calls return cache.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return cache.ErrClosed
	}
	err := s.f.Close()
	s.f = nil
	return errors.Join(err, s.mem.Close())
}
