package filestore_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/cachetest"
	"github.com/spanfall/spanfall/cache/filestore"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T, opts ...cache.Option) cache.Store {
		s, err := filestore.Open(t.Context(), filepath.Join(t.TempDir(), "outbox.jsonl"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func mkSpans(n int, prefix string) []span.Span {
	out := make([]span.Span, n)
	for i := range out {
		out[i] = span.Span{
			TraceID: "0123456789abcdef0123456789abcdef", SpanID: spanID(prefix, i), Name: prefix,
			StartTimeUnixNano: uint64(1000 + i), EndTimeUnixNano: uint64(2000 + i),
			Resource: &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "wasi")}},
		}
	}
	return out
}

func spanID(prefix string, i int) string {
	const hex = "0123456789abcdef"
	b := []byte("a000000000000000")
	b[1] = prefix[0]%10 + '0'
	for k := 15; i > 0 && k > 1; k-- {
		b[k] = hex[i%16]
		i /= 16
	}
	return string(b)
}

// fileSpans decodes the outbox with the collector's pdata and returns the
// span ids it holds, line by line.
func fileSpans(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d does not decode with pdata: %v", len(out)+1, err)
		}
		var ids []string
		rss := req.Traces().ResourceSpans()
		for i := range rss.Len() {
			sss := rss.At(i).ScopeSpans()
			for j := range sss.Len() {
				ss := sss.At(j).Spans()
				for k := range ss.Len() {
					ids = append(ids, ss.At(k).SpanID().String())
				}
			}
		}
		out = append(out, ids)
	}
	return out
}

func count(lines [][]string) (n int) {
	for _, l := range lines {
		n += len(l)
	}
	return n
}

func TestOutboxFileFollowsTheStore(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, err := filestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, mkSpans(3, "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, mkSpans(2, "b")); err != nil {
		t.Fatal(err)
	}
	if got := fileSpans(t, path); len(got) != 2 || len(got[0]) != 3 || len(got[1]) != 2 {
		t.Fatalf("file lines %v, want one line per Put", got)
	}
	recs, _ := s.Pending(ctx, 3)
	seqs := []uint64{recs[0].Seq, recs[1].Seq, recs[2].Seq}
	if err := s.MarkExported(ctx, seqs); err != nil {
		t.Fatal(err)
	}
	if got := fileSpans(t, path); count(got) != 2 {
		t.Fatalf("after exporting 3 of 5 the file holds %d spans, want 2", count(got))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopen: the pending spans come back, with their resource.
	s, err = filestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, _ = s.Pending(ctx, 10)
	if len(recs) != 2 || recs[0].Span.Name != "b" {
		t.Fatalf("reopened pending %d spans (%v)", len(recs), recs)
	}
	if v, ok := resAttr(recs[0].Span, "service.name"); !ok || v != "wasi" {
		t.Fatalf("resource lost on reopen: %v", recs[0].Span.Resource)
	}
}

func resAttr(s span.Span, k string) (string, bool) {
	if s.Resource == nil {
		return "", false
	}
	for _, kv := range s.Resource.Attributes {
		if kv.Key == k {
			return kv.Value.AsString(), true
		}
	}
	return "", false
}

func TestOutboxEvictsByTheCachePolicy(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, err := filestore.Open(ctx, path, cache.WithLimits(cache.Limits{MaxSpans: 10}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if err := s.Put(ctx, mkSpans(6, "c")); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := s.Stats(ctx)
	if st.Spans != 10 || st.Evicted.Total() != 8 || st.Evicted.Count != 8 {
		t.Fatalf("stats %+v, want 10 kept and 8 evicted by count", st)
	}
	if got := count(fileSpans(t, path)); got != 10 {
		t.Fatalf("file holds %d spans, want the 10 the store kept", got)
	}
}

func TestOutboxAgeCap(t *testing.T) {
	ctx := t.Context()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, err := filestore.Open(ctx, path, cache.WithLimits(cache.Limits{MaxAge: time.Hour}), cache.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(ctx, mkSpans(4, "d")); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	if err := s.Put(ctx, mkSpans(1, "e")); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	if st.Spans != 1 || st.Evicted.Age != 4 {
		t.Fatalf("stats %+v, want the 4 old spans evicted by age", st)
	}
	if got := count(fileSpans(t, path)); got != 1 {
		t.Fatalf("file holds %d spans, want 1", got)
	}
}

func TestOpenDropsATornLastLine(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, err := filestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, mkSpans(2, "f")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"resourceSpans":[{"scopeSpa`)
	f.Close()
	s, err = filestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Torn() == 0 {
		t.Fatal("torn line not reported")
	}
	if got := count(fileSpans(t, path)); got != 2 {
		t.Fatalf("file holds %d spans after recovery, want 2", got)
	}
}

func TestOpenRefusesABadLineAndChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	content := "{\"resourceSpans\":[]}\nnot json\n"
	os.WriteFile(path, []byte(content), 0o644)
	_, err := filestore.Open(t.Context(), path)
	var le *filestore.LineError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("err = %v, want a LineError for line 2", err)
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Fatal("a refused file was modified")
	}
}

// collector is an Exporter that accepts requests until failAt.
type collector struct {
	got    [][]span.Span
	failAt int // request index that fails; -1 never
}

func (c *collector) Export(_ context.Context, spans []span.Span) (tracer.ExportResult, error) {
	if len(c.got) == c.failAt {
		c.failAt = -1
		return tracer.ExportResult{}, errors.New("503 from collector")
	}
	c.got = append(c.got, spans)
	return tracer.ExportResult{}, nil
}

func TestShipRemovesOnlyAcknowledgedLines(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, _ := filestore.Open(ctx, path)
	for i := range 5 {
		s.Put(ctx, mkSpans(3, string(rune('g'+i))))
	}
	s.Close()

	c := &collector{failAt: 1}
	res, err := filestore.Ship(ctx, path, c, 6)
	if err == nil || !strings.Contains(err.Error(), "lines 3-4") {
		t.Fatalf("err = %v, want the failed request's lines named", err)
	}
	if res.Requests != 2 || res.Spans != 6 || res.Left != 3 {
		t.Fatalf("result %+v", res)
	}
	if got := fileSpans(t, path); len(got) != 3 || count(got) != 9 {
		t.Fatalf("file after a failed ship: %v, want the 3 unacknowledged lines", got)
	}
	res, err = filestore.Ship(ctx, path, c, 6)
	if err != nil || res.Spans != 9 || res.Requests != 2 {
		t.Fatalf("second ship = %+v, %v", res, err)
	}
	if got := fileSpans(t, path); len(got) != 0 {
		t.Fatalf("file after shipping everything: %v", got)
	}
	seen := map[string]int{}
	for _, b := range c.got {
		for _, s := range b {
			seen[s.SpanID]++
		}
	}
	if len(seen) != 15 {
		t.Fatalf("collector got %d distinct spans, want 15", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("span %s shipped %d times", id, n)
		}
	}
}
