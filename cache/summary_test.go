package cache_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

func rec(seq uint64, trace, id, parent int, name string, start, end uint64, opts ...func(*cache.Record)) cache.Record {
	r := cache.Record{Seq: seq, Span: span.Span{
		TraceID:           fmt.Sprintf("%032x", trace),
		SpanID:            fmt.Sprintf("%016x", id),
		Name:              name,
		StartTimeUnixNano: start,
		EndTimeUnixNano:   end,
	}}
	if parent != 0 {
		r.Span.ParentSpanID = fmt.Sprintf("%016x", parent)
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func service(name string) func(*cache.Record) {
	return func(r *cache.Record) {
		r.Span.Resource = &span.Resource{ID: name, Attributes: []span.KeyValue{span.String("service.name", name)}}
	}
}

func failed(r *cache.Record)   { r.Span.Status.Code = span.StatusError }
func exported(r *cache.Record) { r.Exported = true }

func TestSummarize(t *testing.T) {
	tid := func(n int) string { return fmt.Sprintf("%032x", n) }
	tests := []struct {
		name    string
		records []cache.Record
		want    []cache.TraceSummary
	}{
		{name: "no records", records: nil, want: nil},
		{
			name:    "lone root",
			records: []cache.Record{rec(1, 1, 1, 0, "root", 10, 20, service("shop"))},
			want:    []cache.TraceSummary{{TraceID: tid(1), RootName: "root", Service: "shop", Start: 10, End: 20, Spans: 1, Pending: 1}},
		},
		{
			name: "root found among children, whatever the order",
			records: []cache.Record{
				rec(1, 1, 2, 1, "child", 5, 50),
				rec(2, 1, 1, 0, "root", 10, 20, service("shop")),
				rec(3, 1, 3, 1, "grandchild", 12, 15, failed, exported),
			},
			want: []cache.TraceSummary{{TraceID: tid(1), RootName: "root", Service: "shop", Start: 5, End: 50, Spans: 3, Errors: 1, Pending: 2, Exported: 1}},
		},
		{
			name: "root missing: earliest span stands in",
			records: []cache.Record{
				rec(1, 1, 2, 1, "later", 30, 40),
				rec(2, 1, 3, 1, "earliest", 20, 25),
			},
			want: []cache.TraceSummary{{TraceID: tid(1), RootName: "earliest", RootMissing: true, Start: 20, End: 40, Spans: 2, Pending: 2}},
		},
		{
			name: "equal starts without root: lowest Seq stands in",
			records: []cache.Record{
				rec(9, 1, 2, 1, "second", 20, 25),
				rec(4, 1, 3, 1, "first", 20, 25),
			},
			want: []cache.TraceSummary{{TraceID: tid(1), RootName: "first", RootMissing: true, Start: 20, End: 25, Spans: 2, Pending: 2}},
		},
		{
			name: "several parentless spans: the earliest is the root",
			records: []cache.Record{
				rec(1, 1, 1, 0, "late root", 30, 40),
				rec(2, 1, 2, 0, "early root", 10, 20),
			},
			want: []cache.TraceSummary{{TraceID: tid(1), RootName: "early root", Start: 10, End: 40, Spans: 2, Pending: 2}},
		},
		{
			name: "service from the root, else the first span with one",
			records: []cache.Record{
				rec(1, 1, 1, 0, "root", 10, 20, service("front")),
				rec(2, 1, 2, 1, "child", 5, 20, service("back")),
				rec(3, 2, 3, 0, "bare root", 10, 20),
				rec(4, 2, 4, 3, "child", 15, 20, service("back")),
				rec(5, 2, 5, 3, "child", 12, 20, func(r *cache.Record) {
					r.Span.Resource = &span.Resource{Attributes: []span.KeyValue{span.Int("service.name", 3)}}
				}),
			},
			want: []cache.TraceSummary{
				{TraceID: tid(2), RootName: "bare root", Service: "back", Start: 10, End: 20, Spans: 3, Pending: 3},
				{TraceID: tid(1), RootName: "root", Service: "front", Start: 5, End: 20, Spans: 2, Pending: 2},
			},
		},
		{
			name: "newest start first, ties by trace id",
			records: []cache.Record{
				rec(1, 3, 1, 0, "c", 100, 101),
				rec(2, 1, 2, 0, "a", 300, 301, failed),
				rec(3, 2, 3, 0, "b", 100, 500, exported),
			},
			want: []cache.TraceSummary{
				{TraceID: tid(1), RootName: "a", Start: 300, End: 301, Spans: 1, Errors: 1, Pending: 1},
				{TraceID: tid(2), RootName: "b", Start: 100, End: 500, Spans: 1, Exported: 1},
				{TraceID: tid(3), RootName: "c", Start: 100, End: 101, Spans: 1, Pending: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]cache.Record(nil), tt.records...)
			got := cache.Summarize(tt.records)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Summarize:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.records, in) {
				t.Error("Summarize modified its input")
			}
		})
	}
}

func TestSortByStart(t *testing.T) {
	recs := []cache.Record{
		rec(3, 1, 1, 0, "c", 20, 30),
		rec(2, 1, 2, 0, "b", 10, 30),
		rec(1, 1, 3, 0, "a", 20, 30),
	}
	cache.SortByStart(recs)
	var got []string
	for _, r := range recs {
		got = append(got, r.Span.Name)
	}
	if want := []string{"b", "a", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SortByStart = %v, want %v", got, want)
	}
}
