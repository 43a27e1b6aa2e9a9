package cachetest

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Clock is a settable clock for [cache.WithClock], safe for concurrent
// use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// epoch is the start of the test clocks.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// evictionCase is one scenario of the eviction policy: run acts on a store
// with limits and a clock at epoch, then the store must hold exactly the
// spans named in kept (in Seq order) and have counted evicted.
type evictionCase struct {
	name    string
	limits  cache.Limits
	run     func(t *testing.T, s cache.Store, clk *Clock)
	kept    []string
	evicted cache.Evictions
}

func runEviction(t *testing.T, newStore NewStore) {
	tests := []evictionCase{
		{
			name:   "CountCapKeepsNewest",
			limits: cache.Limits{MaxSpans: 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				for b := range 3 {
					put(t, s, numbered(b*10, 10)...)
				}
			},
			kept:    names(numberedRecords(20, 10)),
			evicted: cache.Evictions{Count: 20, Pending: 20},
		},
		{
			name:   "NegativeLimitsAreUnlimited",
			limits: cache.Limits{MaxSpans: -1, MaxBytes: -1, MaxAge: -1},
			run: func(t *testing.T, s cache.Store, clk *Clock) {
				put(t, s, numbered(0, 15)...)
				clk.Advance(10 * 365 * 24 * time.Hour)
				put(t, s, numbered(15, 15)...)
			},
			kept: names(numberedRecords(0, 30)),
		},
		{
			name:   "ExportedBeforePending",
			limits: cache.Limits{MaxSpans: 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, numbered(0, 10)...)
				// The newer half is exported: it goes before the older,
				// pending half.
				mark(t, s, seqsOf(t, s, "s5", "s6", "s7", "s8", "s9")...)
				put(t, s, numbered(10, 5)...)
			},
			kept:    []string{"s0", "s1", "s2", "s3", "s4", "s10", "s11", "s12", "s13", "s14"},
			evicted: cache.Evictions{Count: 5, Exported: 5},
		},
		{
			name:   "ErrorSpanArrivesAfterItsTrace",
			limits: cache.Limits{MaxSpans: 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				// Trace 1's first spans are stored first and look fine...
				put(t, s, withTrace(1, "a1", "a2", "a3")...)
				put(t, s, numbered(0, 5)...)
				// ...until its error span arrives: they all go last now.
				put(t, s, errored(withTrace(1, "a4")...)...)
				put(t, s, numbered(5, 15)...)
			},
			kept:    []string{"a1", "a2", "a3", "a4", "s14", "s15", "s16", "s17", "s18", "s19"},
			evicted: cache.Evictions{Count: 14, Pending: 14},
		},
		{
			name:   "ErrorSpanArrivesFirst",
			limits: cache.Limits{MaxSpans: 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, append(errored(withTrace(2, "e1")...), numbered(0, 4)...)...)
				// Later spans of the error trace join its class.
				put(t, s, append(withTrace(2, "e2", "e3"), numbered(4, 5)...)...)
				put(t, s, numbered(9, 4)...)
			},
			kept:    []string{"e1", "e2", "e3", "s6", "s7", "s8", "s9", "s10", "s11", "s12"},
			evicted: cache.Evictions{Count: 6, Pending: 6},
		},
		{
			name:   "ClassOrder",
			limits: cache.Limits{MaxSpans: 4},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, errored(withTrace(1, "x")...)...)
				put(t, s, withTrace(2, "p")...)
				put(t, s, errored(withTrace(3, "y")...)...)
				mark(t, s, seqsOf(t, s, "x", "p")...)
				put(t, s, withTrace(4, "q1")...)
				// Over the cap: the exported plain p goes first, then the
				// exported error span x, before any pending span.
				put(t, s, withTrace(5, "q2")...)
				put(t, s, withTrace(6, "q3")...)
				// Then pending plain spans, before the pending error y.
				put(t, s, withTrace(7, "q4")...)
				put(t, s, withTrace(8, "q5")...)
			},
			kept:    []string{"y", "q3", "q4", "q5"},
			evicted: cache.Evictions{Count: 4, Exported: 2, Pending: 2, Errors: 1},
		},
		{
			name:   "ErrorTracesLastEvenWhenOlder",
			limits: cache.Limits{MaxSpans: 3},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, errored(withTrace(1, "e1")...)...)
				put(t, s, errored(withTrace(2, "e2")...)...)
				put(t, s, errored(withTrace(3, "e3")...)...)
				put(t, s, errored(withTrace(4, "e4")...)...)
				put(t, s, withTrace(5, "plain")...)
			},
			kept:    []string{"e2", "e3", "e4"},
			evicted: cache.Evictions{Count: 2, Pending: 2, Errors: 1},
		},
		{
			name:   "ErrorTraceForgottenWithItsSpans",
			limits: cache.Limits{MaxSpans: 1},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, errored(withTrace(5, "e")...)...)
				mark(t, s, seqsOf(t, s, "e")...)
				put(t, s, withTrace(6, "p")...)
				// e, the last span of error trace 5, is gone: a new span
				// of the trace is a plain one, evicted before q.
				put(t, s, withTrace(5, "f")...)
				put(t, s, withTrace(7, "q")...)
			},
			kept:    []string{"q"},
			evicted: cache.Evictions{Count: 3, Exported: 1, Pending: 2, Errors: 1},
		},
		{
			name:   "PutLargerThanCap",
			limits: cache.Limits{MaxSpans: 5},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, numbered(0, 3)...)
				put(t, s, numbered(3, 12)...)
			},
			kept:    []string{"s10", "s11", "s12", "s13", "s14"},
			evicted: cache.Evictions{Count: 10, Pending: 10},
		},
		{
			name:   "PutLargerThanCapKeepsItsErrors",
			limits: cache.Limits{MaxSpans: 5},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				batch := numbered(0, 12)
				batch[1] = errored(withTrace(99, "e")...)[0]
				put(t, s, batch...)
			},
			kept:    []string{"e", "s8", "s9", "s10", "s11"},
			evicted: cache.Evictions{Count: 7, Pending: 7},
		},
		{
			name:   "BytesCap",
			limits: cache.Limits{MaxBytes: 3*sizeOf(numbered(0, 1)[0]) + 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				// Every numbered span below 10 has the same size.
				put(t, s, numbered(0, 2)...)
				put(t, s, numbered(2, 3)...)
			},
			kept:    []string{"s2", "s3", "s4"},
			evicted: cache.Evictions{Bytes: 2, Pending: 2},
		},
		{
			name:   "CountBeforeBytes",
			limits: cache.Limits{MaxSpans: 4, MaxBytes: 3*sizeOf(numbered(0, 1)[0]) + 10},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				put(t, s, numbered(0, 6)...)
			},
			kept:    []string{"s3", "s4", "s5"},
			evicted: cache.Evictions{Count: 2, Bytes: 1, Pending: 3},
		},
		{
			name:   "AgeCapWhateverTheClass",
			limits: cache.Limits{MaxAge: time.Hour},
			run: func(t *testing.T, s cache.Store, clk *Clock) {
				put(t, s, withTrace(1, "old1")...)
				put(t, s, errored(withTrace(2, "old2")...)...)
				put(t, s, withTrace(3, "old3")...)
				mark(t, s, seqsOf(t, s, "old3")...)
				clk.Advance(30 * time.Minute)
				put(t, s, withTrace(4, "mid")...)
				clk.Advance(31 * time.Minute)
				// old* are 61 minutes old now; mid is 31.
				put(t, s, withTrace(5, "new")...)
				clk.Advance(29 * time.Minute)
				// mid is exactly one hour old: not past MaxAge.
				put(t, s, withTrace(6, "newer")...)
			},
			kept:    []string{"mid", "new", "newer"},
			evicted: cache.Evictions{Age: 3, Exported: 1, Pending: 2, Errors: 1},
		},
		{
			name:   "AgeAndCount",
			limits: cache.Limits{MaxSpans: 3, MaxAge: time.Hour},
			run: func(t *testing.T, s cache.Store, clk *Clock) {
				put(t, s, numbered(0, 3)...)
				clk.Advance(2 * time.Hour)
				put(t, s, numbered(3, 4)...)
			},
			kept:    []string{"s4", "s5", "s6"},
			evicted: cache.Evictions{Age: 3, Count: 1, Pending: 4},
		},
		{
			name:   "Acceptance",
			limits: cache.Limits{MaxSpans: 1000},
			run: func(t *testing.T, s cache.Store, _ *Clock) {
				for _, b := range acceptanceBatches() {
					put(t, s, b...)
				}
			},
			kept:    acceptanceKept(),
			evicted: cache.Evictions{Count: 2000, Pending: 2000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := NewClock(epoch)
			s := open(t, newStore, cache.WithLimits(tt.limits), cache.WithClock(clk.Now))
			tt.run(t, s, clk)
			if t.Failed() {
				return
			}
			recs := all(t, s)
			if got := names(recs); !reflect.DeepEqual(got, tt.kept) {
				t.Errorf("kept %d spans %v,\nwant %d: %v", len(got), abbreviate(got), len(tt.kept), abbreviate(tt.kept))
			}
			st := stats(t, s)
			if st.Evicted != tt.evicted {
				t.Errorf("Evicted = %+v, want %+v", st.Evicted, tt.evicted)
			}
			checkStats(t, st, recs)
			checkTraces(t, s, recs)
		})
	}
	t.Run("TracesAfterEviction", func(t *testing.T) { testTracesAfterEviction(t, newStore) })
	t.Run("BytesMatchRecords", func(t *testing.T) { testBytesMatchRecords(t, newStore) })
	t.Run("ConcurrentSafePutsAtCap", func(t *testing.T) { testConcurrentPutsAtCap(t, newStore) })
}

// checkTraces checks that Traces summarises recs, every record stored, as
// Summarize does: the summaries a store keeps follow its evictions.
func checkTraces(t *testing.T, s cache.Store, recs []cache.Record) {
	t.Helper()
	if got, want := traces(t, s), cache.Summarize(recs); !reflect.DeepEqual(got, want) {
		t.Errorf("Traces after evictions:\n got %+v\nwant %+v", got, want)
	}
}

// testTracesAfterEviction evicts a trace's root, its error span and its
// service, then stores as many spans of it again: the trace list must
// not keep what was evicted, nor miss what came after.
func testTracesAfterEviction(t *testing.T, newStore NewStore) {
	clk := NewClock(epoch)
	s := open(t, newStore, cache.WithLimits(cache.Limits{MaxSpans: 4}), cache.WithClock(clk.Now))
	// Every trace is an error trace, so that the eviction order is the
	// exported span, then Seq order.
	errSpan := func(s span.Span) span.Span {
		s.Status.Code = span.StatusError
		return s
	}
	root := plain(1, 10, 0, "root", 100, 50)
	early := errSpan(plain(1, 11, 10, "early", 50, 500))
	early.Resource = workerResource()
	put(t, s, root, early)
	mark(t, s, cache.Seqs(pending(t, s, 1))...)
	put(t, s, errSpan(plain(2, 20, 0, "other", 10, 1)))
	checkTraces(t, s, all(t, s))
	// Two more spans of trace 1 evict its first two.
	put(t, s, plain(1, 12, 10, "late", 300, 5), plain(1, 13, 10, "later", 400, 5), errSpan(plain(3, 30, 0, "third", 5, 1)))
	recs := all(t, s)
	if len(recs) != 4 {
		t.Fatalf("%d records stored, want 4", len(recs))
	}
	checkTraces(t, s, recs)
	for _, r := range recs {
		if r.Span.Name == "root" || r.Span.Name == "early" {
			t.Fatalf("%s not evicted: the test needs it evicted", r.Span.Name)
		}
	}
	mark(t, s, cache.Seqs(recs[:1])...)
	checkTraces(t, s, all(t, s))
}

// testBytesMatchRecords checks Stats.Bytes is the sum of the stored sizes
// of the records, through puts, exports and evictions.
func testBytesMatchRecords(t *testing.T, newStore NewStore) {
	clk := NewClock(epoch)
	s := open(t, newStore, cache.WithLimits(cache.Limits{MaxSpans: 6}), cache.WithClock(clk.Now))
	child := plain(7, 71, 70, "child", 500, 10)
	child.Resource = workerResource()
	put(t, s, rich(), child)
	put(t, s, numbered(0, 3)...)
	mark(t, s, seqsOf(t, s, "s0", "GET /cart")...)
	check := func(when string) {
		recs := all(t, s)
		var want int64
		for _, r := range recs {
			want += sizeOf(r.Span)
		}
		if st := stats(t, s); st.Bytes != want {
			t.Errorf("%s: Stats.Bytes = %d, want the sum of the records' sizes %d", when, st.Bytes, want)
		}
	}
	check("after puts and exports")
	put(t, s, numbered(3, 4)...)
	check("after evictions")
}

// testConcurrentPutsAtCap puts from several goroutines into a store at its
// cap while another one marks spans exported: the store ends at the cap
// and every span is either stored or counted evicted.
func testConcurrentPutsAtCap(t *testing.T, newStore NewStore) {
	const writers, puts, perPut, limit = 4, 10, 5, 30
	s := open(t, newStore, cache.WithLimits(cache.Limits{MaxSpans: limit}))
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for p := range puts {
				if err := s.Put(ctx, numbered((w*puts+p)*perPut, perPut)); err != nil {
					t.Errorf("writer %d Put %d: %v", w, p, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range puts {
			recs, err := s.Pending(ctx, 3)
			if err != nil {
				t.Errorf("Pending: %v", err)
				return
			}
			seqs := cache.Seqs(recs)
			if err := s.MarkExported(ctx, seqs); err != nil {
				t.Errorf("MarkExported: %v", err)
				return
			}
		}
	})
	wg.Wait()
	if t.Failed() {
		return
	}
	st := stats(t, s)
	if st.Spans != limit || st.Spans+st.Evicted.Total() != writers*puts*perPut {
		t.Errorf("Stats = %+v, want %d spans and %d evicted", st, limit, writers*puts*perPut-limit)
	}
	if st.Evicted.Count != st.Evicted.Total() || st.Evicted.Exported+st.Evicted.Pending != st.Evicted.Total() {
		t.Errorf("Evicted = %+v, want all counted under Count and split by export state", st.Evicted)
	}
	checkStats(t, st, all(t, s))
}

// checkStats checks st counts recs, the records of the store.
func checkStats(t *testing.T, st cache.Stats, recs []cache.Record) {
	t.Helper()
	want := cache.Stats{Spans: len(recs), Evicted: st.Evicted}
	traces := make(map[string]bool)
	for _, r := range recs {
		traces[r.Span.TraceID] = true
		if r.Exported {
			want.Exported++
		} else {
			want.Pending++
		}
		want.Bytes += sizeOf(r.Span)
	}
	want.Traces = len(traces)
	if st != want {
		t.Errorf("Stats = %+v,\nwant %+v for the stored records", st, want)
	}
}

// numbered returns n spans named s<from>…, each the root of its own trace
// numbered 1000+i.
func numbered(from, n int) []span.Span {
	out := make([]span.Span, n)
	for i := range out {
		id := from + i
		out[i] = plain(1000+id, 1000+id, 0, fmt.Sprintf("s%d", id), uint64(id), 1)
	}
	return out
}

// numberedRecords returns records of numbered(from, n), for names.
func numberedRecords(from, n int) []cache.Record {
	out := make([]cache.Record, n)
	for i, s := range numbered(from, n) {
		out[i] = cache.Record{Span: s}
	}
	return out
}

// withTrace returns spans of trace tr with these names, the first one the
// root; a span's id derives from its name, unique within a case.
func withTrace(tr int, names ...string) []span.Span {
	out := make([]span.Span, len(names))
	for i, name := range names {
		h := fnv.New32a()
		h.Write([]byte(name))
		out[i] = plain(tr, 1<<40+int(h.Sum32()), 0, name, uint64(i), 1)
		if i > 0 {
			out[i].ParentSpanID = out[0].SpanID
		}
	}
	return out
}

// errored sets status error on spans and returns them.
func errored(spans ...span.Span) []span.Span {
	for i := range spans {
		spans[i].Status = span.Status{Code: span.StatusError, Message: "failed"}
	}
	return spans
}

// acceptanceBatches returns the acceptance scenario of the issue: 3,000
// pending spans in batches of 100, 50 of them error spans each in its own
// single-span trace, the rest in traces of 10 spans.
func acceptanceBatches() [][]span.Span {
	var all []span.Span
	for i := range 3000 {
		if i%60 == 30 {
			s := plain(100_000+i, 100_000+i, 0, fmt.Sprintf("err%d", i), uint64(i), 1)
			all = append(all, errored(s)...)
			continue
		}
		tr := 10_000 + i/10
		all = append(all, plain(tr, 100_000+i, 0, fmt.Sprintf("s%d", i), uint64(i), 1))
	}
	var out [][]span.Span
	for b := range 30 {
		out = append(out, all[b*100:(b+1)*100])
	}
	return out
}

// acceptanceKept returns what the acceptance scenario keeps: the 50 error
// spans and the newest 950 others.
func acceptanceKept() []string {
	var out []string
	plain := 0
	for i := 2999; i >= 0; i-- {
		switch {
		case i%60 == 30:
			out = append(out, fmt.Sprintf("err%d", i))
		case plain < 950:
			plain++
			out = append(out, fmt.Sprintf("s%d", i))
		}
	}
	slices.Reverse(out)
	return out
}

// sizeOf returns the stored size of s by the clock at epoch, which stamps
// every span of the cases (the age cases move the clock, but keep digit
// counts, and do not check sizes).
func sizeOf(s span.Span) int64 {
	b, err := cache.EncodeBatch([]span.Span{s}, epoch)
	if err != nil {
		panic(err)
	}
	return b.Records[0].Size
}

// all returns every record of s, in Seq order.
func all(t *testing.T, s cache.Store) []cache.Record {
	t.Helper()
	var out []cache.Record
	for _, sum := range traces(t, s) {
		recs, err := s.Trace(t.Context(), sum.TraceID)
		if err != nil {
			t.Fatalf("Trace: %v", err)
		}
		out = append(out, recs...)
	}
	slices.SortFunc(out, func(a, b cache.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// seqsOf returns the Seqs of the stored spans with these names.
func seqsOf(t *testing.T, s cache.Store, names ...string) []uint64 {
	t.Helper()
	var out []uint64
	for _, r := range all(t, s) {
		if slices.Contains(names, r.Span.Name) {
			out = append(out, r.Seq)
		}
	}
	if len(out) != len(names) {
		t.Fatalf("found %d of the spans %v", len(out), names)
	}
	return out
}

// abbreviate shortens long name lists for failure messages.
func abbreviate(names []string) []string {
	if len(names) <= 20 {
		return names
	}
	return append(append(slices.Clip(names[:10]), "…"), names[len(names)-10:]...)
}
