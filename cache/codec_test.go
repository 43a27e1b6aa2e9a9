package cache_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

func codecSpan() span.Span {
	return span.Span{
		TraceID:           "4bf92f3577b34da6a3ce929d0e0e4736",
		SpanID:            "00f067aa0ba902b7",
		Name:              "GET /",
		Kind:              span.KindClient,
		StartTimeUnixNano: 1_700_000_000_123_456_789,
		EndTimeUnixNano:   1_700_000_000_223_456_789,
		Attributes:        []span.KeyValue{span.Int("http.status_code", 200)},
		Resource:          &span.Resource{ID: "r1", Attributes: []span.KeyValue{span.String("service.name", "shop")}},
		Scope:             span.Scope{Name: "spanfall", Version: "1.0"},
	}
}

func TestStoredRecordJSON(t *testing.T) {
	rec, err := cache.EncodeRecord(cache.Record{Span: codecSpan()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","start":1700000000123456800,"exported":0,` +
		`"class":2,"stored":0,"size":465,"resource":"r1","scope":{"name":"spanfall","version":"1.0"},` +
		`"span":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /","kind":3,` +
		`"startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"1700000000223456789",` +
		`"attributes":[{"key":"http.status_code","value":{"intValue":"200"}}],"status":{}}}`
	if string(b) != want {
		t.Errorf("stored record JSON:\n got %s\nwant %s", b, want)
	}

	rec, err = cache.EncodeRecord(cache.Record{Seq: 42, Span: codecSpan(), Exported: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{`{"seq":42,`, `"exported":1,"class":0,`} {
		if !strings.Contains(string(b), part) {
			t.Errorf("stored record JSON %s lacks %s", b, part)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  cache.Record
	}{
		{name: "pending with resource", rec: cache.Record{Seq: 1, Span: codecSpan()}},
		{name: "exported", rec: cache.Record{Seq: 2, Span: codecSpan(), Exported: true}},
		{name: "no resource", rec: func() cache.Record {
			s := codecSpan()
			s.Resource = nil
			return cache.Record{Seq: 3, Span: s}
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored, err := cache.EncodeRecord(tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			// Through JSON, as the IndexedDB store does.
			b, err := json.Marshal(stored)
			if err != nil {
				t.Fatal(err)
			}
			var back cache.StoredRecord
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			resources := map[string]*span.Resource{}
			if r := tt.rec.Span.Resource; r != nil {
				rb, err := json.Marshal(cache.EncodeResource(r))
				if err != nil {
					t.Fatal(err)
				}
				var sr cache.StoredResource
				if err := json.Unmarshal(rb, &sr); err != nil {
					t.Fatal(err)
				}
				resources[sr.ID] = sr.Decode()
			}
			got, err := back.Decode(resources)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.rec) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, tt.rec)
			}
		})
	}
}

func TestDecodeMissingResource(t *testing.T) {
	stored, err := cache.EncodeRecord(cache.Record{Seq: 5, Span: codecSpan()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stored.Decode(nil); err == nil || !strings.Contains(err.Error(), `resource "r1"`) {
		t.Errorf("Decode without its resource = %v, want an error naming it", err)
	}
}

func TestEncodeBatch(t *testing.T) {
	a, b, c := codecSpan(), codecSpan(), codecSpan()
	b.SpanID = "00f067aa0ba902b8"
	c.SpanID = "00f067aa0ba902b9"
	c.Resource = &span.Resource{ID: "r2"}
	c.TraceID = "4bf92f3577b34da6a3ce929d0e0e4737"
	c.Status.Code = span.StatusError
	now := time.UnixMilli(1_800_000_000_123)
	batch, err := cache.EncodeBatch([]span.Span{a, b, c}, now)
	if err != nil {
		t.Fatal(err)
	}
	wantTraces := []cache.BatchTrace{{TraceID: a.TraceID, Spans: 2}, {TraceID: c.TraceID, Spans: 1, Error: true}}
	if !reflect.DeepEqual(batch.Traces, wantTraces) {
		t.Errorf("Traces = %+v, want %+v", batch.Traces, wantTraces)
	}
	if len(batch.Records) != 3 {
		t.Errorf("Records = %d, want 3", len(batch.Records))
	}
	var ids []string
	for _, r := range batch.Resources {
		ids = append(ids, r.ID)
	}
	if want := []string{"r1", "r2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Resources = %v, want each distinct one once: %v", ids, want)
	}
	var bytes int64
	for i, r := range batch.Records {
		if r.Seq != 0 || r.Exported != 0 || r.Stored != now.UnixMilli() {
			t.Errorf("record %s: Seq %d Exported %d Stored %d, want 0 0 %d", r.SpanID, r.Seq, r.Exported, r.Stored, now.UnixMilli())
		}
		wantClass := []cache.Class{cache.ClassPending, cache.ClassPending, cache.ClassPendingError}[i]
		if r.Class != wantClass {
			t.Errorf("record %s: Class %d, want %d", r.SpanID, r.Class, wantClass)
		}
		bytes += r.Size
	}
	if batch.Bytes != bytes {
		t.Errorf("Bytes = %d, want the sum of the sizes %d", batch.Bytes, bytes)
	}
}

// TestEncodedSize checks the size is the length of the record's JSON
// without seq and size, whatever the values of the one-digit fields.
func TestEncodedSize(t *testing.T) {
	tests := []struct {
		name string
		rec  cache.Record
	}{
		{"pending", cache.Record{Span: codecSpan()}},
		{"exported with a Seq", cache.Record{Seq: 123456, Span: codecSpan(), Exported: true}},
		{"no resource, error", func() cache.Record {
			s := codecSpan()
			s.Resource = nil
			s.Status = span.Status{Code: span.StatusError, Message: "boom \"quoted\""}
			return cache.Record{Span: s}
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := cache.EncodeRecord(tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			rec.Stored = 1_800_000_000_123
			size, err := rec.EncodedSize()
			if err != nil {
				t.Fatal(err)
			}
			bare := rec
			bare.Seq, bare.Size = 0, 0
			b, err := json.Marshal(bare)
			if err != nil {
				t.Fatal(err)
			}
			if size != int64(len(b)) {
				t.Errorf("EncodedSize = %d, want len(%s) = %d", size, b, len(b))
			}
			for _, c := range []cache.Class{cache.ClassExported, cache.ClassPendingError} {
				other := rec
				other.Class, other.Exported = c, 1-other.Exported
				if got, _ := other.EncodedSize(); got != size {
					t.Errorf("EncodedSize with class %d = %d, want unchanged %d", c, got, size)
				}
			}
		})
	}
}

func TestEncodeBatchInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*span.Span)
	}{
		{"short trace id", func(s *span.Span) { s.TraceID = "abc" }},
		{"upper-case span id", func(s *span.Span) { s.SpanID = "00F067AA0BA902B7" }},
		{"zero parent", func(s *span.Span) { s.ParentSpanID = "0000000000000000" }},
		{"NaN attribute", func(s *span.Span) { s.Attributes = []span.KeyValue{span.Float("x", math.NaN())} }},
		{"infinite in an array", func(s *span.Span) {
			s.Attributes = []span.KeyValue{{Key: "a", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeDouble, Float: math.Inf(-1)}}}}}
		}},
		{"NaN link attribute", func(s *span.Span) {
			s.Links = []span.Link{{TraceID: s.TraceID, SpanID: s.SpanID, Attributes: []span.KeyValue{span.Float("x", math.NaN())}}}
		}},
		{"NaN resource attribute", func(s *span.Span) { s.Resource.Attributes = []span.KeyValue{span.Float("x", math.NaN())} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := codecSpan()
			tt.change(&bad)
			batch, err := cache.EncodeBatch([]span.Span{codecSpan(), bad}, time.Now())
			if !errors.Is(err, cache.ErrInvalidSpan) {
				t.Errorf("EncodeBatch = %v, want ErrInvalidSpan", err)
			}
			if len(batch.Records) != 0 {
				t.Errorf("EncodeBatch returned %d records with its error", len(batch.Records))
			}
		})
	}
}

func TestResourceID(t *testing.T) {
	attrs := func() []span.KeyValue { return []span.KeyValue{span.String("service.name", "shop")} }
	anon := cache.ResourceID(&span.Resource{Attributes: attrs()})
	tests := []struct {
		name string
		res  *span.Resource
		want string
	}{
		{"nil", nil, ""},
		{"own id", &span.Resource{ID: "r1", Attributes: attrs()}, "r1"},
		{"digest of equal attributes", &span.Resource{Attributes: attrs()}, anon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cache.ResourceID(tt.res); got != tt.want {
				t.Errorf("ResourceID = %q, want %q", got, tt.want)
			}
		})
	}
	other := cache.ResourceID(&span.Resource{Attributes: []span.KeyValue{span.String("service.name", "other")}})
	if !strings.HasPrefix(anon, "sha256:") || anon == other {
		t.Errorf("digests %q and %q: want distinct sha256: ids", anon, other)
	}
}
