//go:build js && wasm

package idb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	goidb "github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer/span"
)

var quotaExceeded = goidb.NewDOMException("QuotaExceededError")

// spanOf returns span n of trace tr, an error span when failed.
func spanOf(tr, n int, failed bool) span.Span {
	s := testSpan(n)
	s.TraceID = fmt.Sprintf("%032x", tr)
	s.Name = fmt.Sprintf("t%d/%d", tr, n)
	if failed {
		s.Status = span.Status{Code: span.StatusError, Message: "failed"}
	}
	return s
}

// storedNames returns the names of the stored spans, in Seq order.
func storedNames(t *testing.T, s cache.Store) []string {
	t.Helper()
	sums, err := s.Traces(t.Context())
	if err != nil {
		t.Fatalf("Traces: %v", err)
	}
	var recs []cache.Record
	for _, sum := range sums {
		rs, err := s.Trace(t.Context(), sum.TraceID)
		if err != nil {
			t.Fatalf("Trace: %v", err)
		}
		recs = append(recs, rs...)
	}
	slices.SortFunc(recs, func(a, b cache.Record) int { return int(a.Seq) - int(b.Seq) })
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Span.Name
	}
	return out
}

func mustStats(t *testing.T, s cache.Store) cache.Stats {
	t.Helper()
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

// TestQuotaEvictsAndRetries fails Put transactions with the browser's
// QuotaExceededError, injected just before they commit: Put evicts a
// quarter of the store by the policy in a transaction of its own, counts
// it under Quota and retries, until the write goes through.
func TestQuotaEvictsAndRetries(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		export   []string
		kept     []string
		evicted  cache.Evictions
	}{
		{
			name:     "one refusal evicts a quarter, oldest pending first",
			failures: 1,
			kept:     []string{"t1/1", "t2/4", "t2/5", "t2/6", "t2/7", "t9/9", "t3/10", "t3/11"},
			evicted:  cache.Evictions{Quota: 2, Pending: 2},
		},
		{
			name:     "two refusals evict twice",
			failures: 2,
			kept:     []string{"t1/1", "t2/6", "t2/7", "t9/9", "t3/10", "t3/11"},
			evicted:  cache.Evictions{Quota: 4, Pending: 4},
		},
		{
			name:     "exported spans go first, pending error traces last",
			failures: 3,
			export:   []string{"t2/6", "t1/1"},
			kept:     []string{"t2/5", "t2/7", "t9/9", "t3/10", "t3/11"},
			evicted:  cache.Evictions{Quota: 5, Exported: 2, Pending: 3, Errors: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, _ := openFresh(t)
			defer s.Close()
			// Trace 1 is an error trace (its error span arrives last),
			// trace 9 a lone error span.
			first := []span.Span{spanOf(1, 1, false), spanOf(2, 2, false), spanOf(2, 3, false), spanOf(2, 4, false)}
			second := []span.Span{spanOf(2, 5, false), spanOf(2, 6, false), spanOf(2, 7, false), spanOf(1, 8, true)}
			for _, b := range [][]span.Span{first, second} {
				if err := s.Put(ctx, b); err != nil {
					t.Fatalf("Put: %v", err)
				}
			}
			if len(tt.export) > 0 {
				var seqs []uint64
				recs, err := s.Pending(ctx, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					if slices.Contains(tt.export, r.Span.Name) {
						seqs = append(seqs, r.Seq)
					}
				}
				if err := s.MarkExported(ctx, seqs); err != nil {
					t.Fatal(err)
				}
			}
			refusals := 0
			idb.SetPutFault(s, func() error {
				if refusals++; refusals <= tt.failures {
					return quotaExceeded
				}
				return nil
			})
			if err := s.Put(ctx, []span.Span{spanOf(9, 9, true), spanOf(3, 10, false), spanOf(3, 11, false)}); err != nil {
				t.Fatalf("Put refused %d times for quota = %v, want nil after evicting", tt.failures, err)
			}
			if refusals != tt.failures+1 {
				t.Errorf("Put made %d attempts, want %d", refusals, tt.failures+1)
			}
			// Drop the trace-8 error span from the comparison: it
			// belongs to trace 1 and is always kept.
			got := slices.DeleteFunc(storedNames(t, s), func(n string) bool { return n == "t1/8" })
			if !slices.Equal(got, tt.kept) {
				t.Errorf("kept %v, want %v", got, tt.kept)
			}
			st := mustStats(t, s)
			if st.Evicted != tt.evicted {
				t.Errorf("Evicted = %+v, want %+v", st.Evicted, tt.evicted)
			}
			if st.Spans != len(tt.kept)+1 {
				t.Errorf("Stats.Spans = %d, want %d", st.Spans, len(tt.kept)+1)
			}
		})
	}
}

// TestQuotaGivesUp refuses every Put for quota: Put evicts a quarter of
// the store at a time, then fails with an error that says why it stopped
// and wraps the DOM exception.
func TestQuotaGivesUp(t *testing.T) {
	tests := []struct {
		name    string
		stored  int
		put     int
		want    string
		kept    int
		evicted cache.Evictions
	}{
		{
			name:    "when nothing is left to evict",
			stored:  3,
			put:     20,
			want:    "cache/idb: put 20 spans: storage quota exceeded with no span left to evict (3 evicted in 3 rounds): cache: storage quota exceeded: commit: QuotaExceededError",
			evicted: cache.Evictions{Quota: 3, Pending: 3, Errors: 3},
		},
		{
			name:    "when it evicted four times the write in vain",
			stored:  20,
			put:     1,
			want:    "cache/idb: put 1 spans: storage quota exceeded even after evicting 5 spans of ",
			kept:    15,
			evicted: cache.Evictions{Quota: 5, Pending: 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, _ := openFresh(t)
			defer s.Close()
			stored := make([]span.Span, tt.stored)
			for i := range stored {
				stored[i] = spanOf(1+i/10, i+1, i == tt.stored-1)
			}
			if err := s.Put(ctx, stored); err != nil {
				t.Fatalf("Put: %v", err)
			}
			idb.SetPutFault(s, func() error { return quotaExceeded })
			batch := make([]span.Span, tt.put)
			for i := range batch {
				batch[i] = spanOf(99, 1000+i, false)
			}
			err := s.Put(ctx, batch)
			if !errors.Is(err, quotaExceeded) || !errors.Is(err, cache.ErrQuotaExceeded) {
				t.Fatalf("Put = %v, want QuotaExceededError and cache.ErrQuotaExceeded", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Put error = %q, want prefix %q", err, tt.want)
			}
			// The totals are counted again and the evictions kept, not
			// yet recorded, until a write goes through.
			st := mustStats(t, s)
			if st.Spans != tt.kept || st.Evicted != tt.evicted {
				t.Errorf("Stats = %+v, want %d spans and Evicted %+v", st, tt.kept, tt.evicted)
			}
			// A second refused Put evicts no more when evicting was in
			// vain.
			if err := s.Put(ctx, batch); !errors.Is(err, quotaExceeded) {
				t.Fatalf("second Put = %v, want QuotaExceededError", err)
			} else if tt.kept > 0 && !strings.Contains(err.Error(), "not evicting again") {
				t.Errorf("second Put error = %q, want it to say it is not evicting again", err)
			}
			if again := mustStats(t, s); again != st {
				t.Errorf("Stats after a second refused Put = %+v, want unchanged %+v", again, st)
			}
			idb.SetPutFault(s, nil)
			if err := s.Put(ctx, []span.Span{spanOf(100, 2000, false)}); err != nil {
				t.Fatalf("Put once the quota allows: %v", err)
			}
			st = mustStats(t, s)
			if st.Spans != tt.kept+1 || st.Evicted != tt.evicted || st.Bytes <= 0 {
				t.Errorf("Stats after a Put = %+v, want %d spans and Evicted %+v", st, tt.kept+1, tt.evicted)
			}
			if names := storedNames(t, s); len(names) != st.Spans {
				t.Errorf("%d records, Stats.Spans = %d", len(names), st.Spans)
			}
		})
	}
}

// TestQuotaInChromium fills a storage bucket with a 1 MiB quota, the one
// way a page can give IndexedDB a quota it reaches, well past it. Chromium
// then commits the delete-only evictions but, in this setting, rarely lets
// the next write through: it gives the space of deleted records back when
// it compacts its files, later. Every refused Put must fail with an error
// wrapping QuotaExceededError that says why it stopped, every span put
// must be stored or counted evicted under Quota, the store must stay
// readable, and evicting in vain must stop before it empties the store.
func TestQuotaInChromium(t *testing.T) {
	buckets := js.Global().Get("navigator").Get("storageBuckets")
	if buckets.IsUndefined() {
		t.Skip("navigator.storageBuckets is not available")
	}
	tests := []struct {
		name string
		pad  func(n int) string
	}{
		{"compressible", func(int) string { return strings.Repeat("x", 2000) }},
		{"random", randomText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			name := fmt.Sprintf("spanfall-quota-%d", dbCount.Add(1))
			bucket, err := awaitPromise(ctx, buckets.Call("open", name, map[string]any{"quota": 1 << 20}))
			if err != nil {
				t.Fatalf("open storage bucket: %v", err)
			}
			t.Cleanup(func() { _, _ = awaitPromise(context.Background(), buckets.Call("delete", name)) })
			s, err := idb.OpenIn(ctx, bucket.Get("indexedDB"), "spanfall", cache.WithLimits(cache.Limits{MaxSpans: -1, MaxBytes: -1}))
			if err != nil {
				t.Fatalf("OpenIn: %v", err)
			}
			defer s.Close()

			stored, refused, afterEviction := 0, 0, 0
			for b := range 40 {
				batch := make([]span.Span, 25)
				for i := range batch {
					batch[i] = spanOf(b+1, b*100+i+1, false)
					batch[i].Attributes = []span.KeyValue{span.String("pad", tt.pad(b*100+i))}
				}
				before := mustStats(t, s).Evicted.Quota
				err := s.Put(ctx, batch)
				switch {
				case err == nil:
					stored += len(batch)
					if mustStats(t, s).Evicted.Quota > before {
						afterEviction++
					}
					continue
				case !errors.Is(err, quotaExceeded):
					t.Fatalf("Put %d = %v, want nil or QuotaExceededError", b, err)
				}
				if refused++; refused <= 2 {
					t.Logf("refusal %d, after %d spans: %v", refused, stored, err)
				}
				if want := "cache/idb: put 25 spans: storage quota exceeded"; !strings.HasPrefix(err.Error(), want) {
					t.Errorf("Put %d error = %q, want prefix %q", b, err, want)
				}
			}
			st := mustStats(t, s)
			t.Logf("%d spans put, %d Puts went through after evicting, %d refused; Stats %+v", stored, afterEviction, refused, st)
			if st.Evicted.Quota == 0 && refused == 0 {
				t.Fatal("the bucket's quota was not reached")
			}
			if st.Spans == 0 {
				t.Error("the store was emptied: evicting in vain went on")
			}
			if st.Spans+st.Evicted.Total() != stored || st.Evicted.Total() != st.Evicted.Quota {
				t.Errorf("Stats = %+v, want the %d spans put stored or evicted for quota", st, stored)
			}
			if names := storedNames(t, s); len(names) != st.Spans {
				t.Errorf("%d records, Stats.Spans = %d", len(names), st.Spans)
			}
		})
	}
}

// randomText returns 2000 characters that do not compress, the same for
// the same seed.
func randomText(seed int) string {
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
	b := make([]byte, 2000)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// awaitPromise waits for a JS promise.
func awaitPromise(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	defer ok.Release()
	bad := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: js.Error{Value: args[0]}}
		return nil
	})
	defer bad.Release()
	p.Call("then", ok, bad)
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}

// TestEvictionCountersSurviveReopen checks the totals and counters of the
// meta store outlive the connection.
func TestEvictionCountersSurviveReopen(t *testing.T) {
	ctx := t.Context()
	limits := cache.WithLimits(cache.Limits{MaxSpans: 5})
	s, name := openFresh(t, limits)
	batch := make([]span.Span, 8)
	for i := range batch {
		batch[i] = spanOf(1, i+1, false)
	}
	if err := s.Put(ctx, batch); err != nil {
		t.Fatalf("Put: %v", err)
	}
	before := mustStats(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err := idb.Open(ctx, name, limits)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if st := mustStats(t, s); st != before || st.Evicted != (cache.Evictions{Count: 3, Pending: 3}) {
		t.Errorf("Stats after reopen = %+v, want %+v with 3 evicted", st, before)
	}
	if err := s.Put(ctx, []span.Span{spanOf(2, 9, false), spanOf(2, 10, false)}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if st := mustStats(t, s); st.Spans != 5 || st.Evicted != (cache.Evictions{Count: 5, Pending: 5}) {
		t.Errorf("Stats after another Put = %+v, want 5 spans and 5 evicted", st)
	}
}

// TestConcurrentSafeConnections writes through two connections to one
// database, as two tabs do: the totals in the meta store stay those of the
// records, and the cap holds.
func TestConcurrentSafeConnections(t *testing.T) {
	ctx := t.Context()
	limits := cache.WithLimits(cache.Limits{MaxSpans: 40})
	a, name := openFresh(t, limits)
	defer a.Close()
	b, err := idb.Open(ctx, name, limits)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer b.Close()
	const puts, perPut = 10, 7
	var wg sync.WaitGroup
	for w, s := range []*idb.Store{a, b} {
		wg.Go(func() {
			for p := range puts {
				batch := make([]span.Span, perPut)
				for i := range batch {
					n := (w*puts+p)*perPut + i + 1
					// Every fifth span is an error span: error traces
					// are counted through both connections.
					batch[i] = spanOf(100+n/3, n, n%5 == 0)
				}
				if err := s.Put(ctx, batch); err != nil {
					t.Errorf("connection %d Put %d: %v", w, p, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, s := range []*idb.Store{a, b} {
		st := mustStats(t, s)
		if st.Spans != 40 || st.Spans+st.Evicted.Total() != 2*puts*perPut {
			t.Errorf("connection %d: Stats = %+v, want 40 spans and %d evicted", i, st, 2*puts*perPut-40)
		}
		if names := storedNames(t, s); len(names) != st.Spans {
			t.Errorf("connection %d: %d records, Stats.Spans = %d", i, len(names), st.Spans)
		}
	}
}

// TestUpgradeFromSchema1 opens a database written by schema version 1:
// Open adds the class index and the meta and errorTraces stores, and
// classes, sizes and stamps the records, which the policy then evicts in
// order.
func TestUpgradeFromSchema1(t *testing.T) {
	ctx := t.Context()
	name := fmt.Sprintf("spanfall-test/%s/%d", t.Name(), dbCount.Add(1))
	t.Cleanup(func() {
		if err := idb.Delete(context.Background(), name); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})
	old := []cache.Record{
		{Span: spanOf(1, 1, false), Exported: true}, // plain, exported
		{Span: spanOf(2, 2, false)},                 // plain, pending
		{Span: spanOf(3, 3, true)},                  // error, pending
		{Span: spanOf(3, 4, false), Exported: true}, // of the error trace, exported
	}
	writeSchema1(t, name, old)

	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	s, err := idb.Open(ctx, name, cache.WithLimits(cache.Limits{MaxSpans: 3}), cache.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("Open a schema 1 database: %v", err)
	}
	defer s.Close()
	var bytes int64
	for _, r := range old {
		rec, err := cache.EncodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		rec.Stored = now.UnixMilli()
		size, err := rec.EncodedSize()
		if err != nil {
			t.Fatal(err)
		}
		bytes += size
	}
	if st, want := mustStats(t, s), (cache.Stats{Spans: 4, Pending: 2, Exported: 2, Traces: 3, Bytes: bytes}); st != want {
		t.Errorf("Stats after upgrade = %+v, want %+v", st, want)
	}

	if err := s.Put(ctx, []span.Span{spanOf(4, 5, false)}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	// Over the cap by 2: the exported plain span, then the exported span
	// of the error trace.
	if got, want := storedNames(t, s), []string{"t2/2", "t3/3", "t4/5"}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if st, want := mustStats(t, s).Evicted, (cache.Evictions{Count: 2, Exported: 2, Errors: 1}); st != want {
		t.Errorf("Evicted = %+v, want %+v", st, want)
	}
}

// writeSchema1 creates the database name at version 1, with the schema
// and the record shape of that version, holding recs.
func writeSchema1(t *testing.T, name string, recs []cache.Record) {
	t.Helper()
	ctx := t.Context()
	req, err := goidb.Global().Open(ctx, name, 1, func(db *goidb.Database, _, _ uint) error {
		spans, err := db.CreateObjectStore("spans", goidb.ObjectStoreOptions{KeyPath: js.ValueOf("seq"), AutoIncrement: true})
		if err != nil {
			return err
		}
		for _, index := range []string{"exported", "traceId"} {
			if _, err := spans.CreateIndex(index, js.ValueOf(index), goidb.IndexOptions{}); err != nil {
				return err
			}
		}
		_, err = db.CreateObjectStore("resources", goidb.ObjectStoreOptions{KeyPath: js.ValueOf("id")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	txn, err := db.Transaction(goidb.TransactionReadWrite, "spans", "resources")
	if err != nil {
		t.Fatal(err)
	}
	spans, _ := txn.ObjectStore("spans")
	resources, _ := txn.ObjectStore("resources")
	for _, r := range recs {
		rec, err := cache.EncodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		var v1 map[string]any
		b, _ := json.Marshal(rec)
		if err := json.Unmarshal(b, &v1); err != nil {
			t.Fatal(err)
		}
		delete(v1, "class")
		delete(v1, "stored")
		delete(v1, "size")
		if _, err := spans.Add(jsonValue(t, v1)); err != nil {
			t.Fatal(err)
		}
		if _, err := resources.Put(jsonValue(t, cache.EncodeResource(r.Span.Resource))); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Await(ctx); err != nil {
		t.Fatal(err)
	}
}

// jsonValue returns v as a JS value, through JSON.
func jsonValue(t *testing.T, v any) js.Value {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

// TestStaleErrorHint checks a connection that remembers a trace as an
// error trace after another one evicted its last span: the new spans of
// the trace are then plain ones.
func TestStaleErrorHint(t *testing.T) {
	ctx := t.Context()
	limits := cache.WithLimits(cache.Limits{MaxSpans: 2})
	a, name := openFresh(t, limits)
	defer a.Close()
	b, err := idb.Open(ctx, name, limits)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer b.Close()
	put := func(s *idb.Store, spans ...span.Span) {
		t.Helper()
		if err := s.Put(ctx, spans); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	put(a, spanOf(1, 1, true))
	recs, err := a.Pending(ctx, 1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("Pending = %v, %v", recs, err)
	}
	if err := a.MarkExported(ctx, []uint64{recs[0].Seq}); err != nil {
		t.Fatal(err)
	}
	// b evicts the exported error span, the last of trace 1.
	put(b, spanOf(2, 2, false), spanOf(3, 3, false))
	// a still takes trace 1 for an error trace.
	put(a, spanOf(1, 4, false))
	put(a, spanOf(4, 5, false), spanOf(5, 6, false))
	if got, want := storedNames(t, a), []string{"t4/5", "t5/6"}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v: t1/4 was kept as a span of an error trace", got, want)
	}
}

// TestMarkExportedOverQuotaDeletesDelivered: over quota the browser refuses
// the update marking spans exported; the delivered spans are deleted
// instead (counted as evicted for quota), never left pending to be sent
// again.
func TestMarkExportedOverQuotaDeletesDelivered(t *testing.T) {
	ctx := t.Context()
	s, _ := openFresh(t)
	defer s.Close()
	batch := make([]span.Span, 6)
	for i := range batch {
		batch[i] = spanOf(1+i/3, i+1, false)
	}
	if err := s.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Pending(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	seqs := cache.Seqs(recs)
	idb.SetMarkFault(s, func() error { return quotaExceeded })
	if err := s.MarkExported(ctx, seqs); err != nil {
		t.Fatalf("MarkExported over quota = %v, want the delivered spans deleted instead", err)
	}
	idb.SetMarkFault(s, nil)
	st := mustStats(t, s)
	if st.Spans != 2 || st.Pending != 2 || st.Evicted.Quota != 4 || st.Evicted.Exported != 4 {
		t.Fatalf("Stats = %+v, want 2 pending left and 4 exported spans evicted for quota", st)
	}
	left, _ := s.Pending(ctx, 10)
	for _, r := range left {
		for _, seq := range seqs {
			if r.Seq == seq {
				t.Fatalf("delivered span %d is still pending", seq)
			}
		}
	}
}
