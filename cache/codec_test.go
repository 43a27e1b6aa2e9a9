package cache_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
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

// refEncodedSize is EncodedSize as json.Marshal measures it: the record
// without seq, size and span, plus the span's length.
func refEncodedSize(s cache.StoredRecord) (int64, error) {
	body := len(s.Span)
	if body == 0 {
		body = len("null")
	}
	s.Seq, s.Size, s.Span = 0, 0, nil
	b, err := json.Marshal(s)
	if err != nil {
		return 0, err
	}
	return int64(len(b) - len("null") + body), nil
}

// oddPieces are the strings encoding/json escapes or replaces.
var oddPieces = []string{"", "a", "<", ">", "&", "\"", "\\", "\n", "\b", "\x00", "\x7f", "é", "日本", "\u2028", "\u2029", "\xff", "\xe2\x80"}

func oddString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(5) {
		b.WriteString(oddPieces[r.IntN(len(oddPieces))])
	}
	return b.String()
}

func TestEncodedSizeMatchesEncodingJSON(t *testing.T) {
	odd := "<&>\u2028\xff\x00\"\\日本"
	tests := []struct {
		name string
		rec  cache.StoredRecord
	}{
		{"zero", cache.StoredRecord{}},
		{"odd strings", cache.StoredRecord{TraceID: odd, SpanID: odd, Resource: odd, Scope: span.Scope{Name: odd, Version: odd}, Span: json.RawMessage(`{}`)}},
		{"scope without version", cache.StoredRecord{Scope: span.Scope{Name: "s"}, Span: json.RawMessage(`{"name":"x"}`)}},
		{"seq and size left out", cache.StoredRecord{Seq: math.MaxUint64, Size: -5, Span: json.RawMessage(`[1]`)}},
		{"empty span", cache.StoredRecord{Span: json.RawMessage{}}},
		{"negative numbers", cache.StoredRecord{Exported: -1, Class: -3, Stored: math.MinInt64}},
		{"large numbers", cache.StoredRecord{Exported: math.MaxInt, Class: math.MaxInt, Stored: math.MaxInt64}},
		{"unix nanos start", cache.StoredRecord{Start: 1_700_000_000_123_456_789}},
		{"largest start", cache.StoredRecord{Start: math.MaxUint64}},
		{"exponent start", cache.StoredRecord{Start: 1e21}},
		{"tiny start", cache.StoredRecord{Start: 2e-9}},
		{"negative zero start", cache.StoredRecord{Start: math.Copysign(0, -1)}},
		{"NaN start", cache.StoredRecord{SpanID: "s1", Start: math.NaN()}},
		{"infinite start", cache.StoredRecord{Start: math.Inf(-1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantErr := refEncodedSize(tt.rec)
			got, err := tt.rec.EncodedSize()
			if (err != nil) != (wantErr != nil) || got != want {
				t.Errorf("EncodedSize = %d, %v; encoding/json measures %d, %v", got, err, want, wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "cache: size record of span ") {
				t.Errorf("error %q names no step", err)
			}
		})
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		rec := cache.StoredRecord{
			Seq: r.Uint64(), TraceID: oddString(r), SpanID: oddString(r),
			Start: float64(r.Uint64() >> r.IntN(64)), Exported: r.IntN(2), Class: cache.Class(r.IntN(4)), Stored: r.Int64(),
			Size: r.Int64N(1000), Resource: oddString(r), Scope: span.Scope{Name: oddString(r), Version: oddString(r)},
			Span: json.RawMessage(strings.Repeat("1", r.IntN(3))),
		}
		want, _ := refEncodedSize(rec)
		if got, err := rec.EncodedSize(); err != nil || got != want {
			t.Fatalf("EncodedSize(%+v) = %d, %v, want %d", rec, got, err, want)
		}
	}
}

// TestEncodeBatchSpanJSON checks that each record holds json.Marshal of
// its span, in a slice of its own capacity, and the size json.Marshal
// measures, for spans of very different sizes in one batch (the span JSON
// is shared out of chunks sized from the spans before).
func TestEncodeBatchSpanJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var spans []span.Span
	for i := range 300 {
		s := codecSpan()
		s.SpanID = fmt.Sprintf("%016x", i+1)
		s.Name = oddString(r)
		s.Status.Message = oddString(r)
		n := r.IntN(8)
		if i%50 == 1 {
			n = 20_000 // a span of about a megabyte: the chunk cannot hold it
		}
		for j := range n {
			s.Attributes = append(s.Attributes, span.String(oddString(r), oddString(r)), span.Float("f", r.NormFloat64()*math.Pow(10, float64(j%40-20))))
		}
		if i%3 == 0 {
			s.Events = []span.Event{{TimeUnixNano: r.Uint64(), Name: oddString(r), Attributes: []span.KeyValue{span.Int("i", r.Int64())}}}
		}
		spans = append(spans, s)
	}
	batch, err := cache.EncodeBatch(spans, time.UnixMilli(1_800_000_000_123))
	if err != nil {
		t.Fatal(err)
	}
	for i := range spans {
		rec := batch.Records[i]
		want, err := json.Marshal(&spans[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Span, want) {
			t.Fatalf("record %d span:\n got %s\nwant %s", i, rec.Span, want)
		}
		if cap(rec.Span) != len(rec.Span) {
			t.Errorf("record %d span has capacity %d beyond its length %d: appending to it would overwrite the next", i, cap(rec.Span), len(rec.Span))
		}
		if size, _ := refEncodedSize(rec); rec.Size != size {
			t.Errorf("record %d Size = %d, encoding/json measures %d", i, rec.Size, size)
		}
	}
}

func TestResourceIDDigest(t *testing.T) {
	digest := func(attrs []span.KeyValue) string {
		b, err := json.Marshal(attrs)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		return "sha256:" + hex.EncodeToString(sum[:8])
	}
	if got, want := cache.ResourceID(&span.Resource{Attributes: []span.KeyValue{span.String("service.name", "shop")}}), "sha256:6a91477b7070d375"; got != want {
		t.Errorf("ResourceID = %q, want %q: stored resource ids must not change", got, want)
	}
	long := make([]span.KeyValue, 100) // beyond the stack buffer
	for i := range long {
		long[i] = span.Int(fmt.Sprint("k", i), int64(i))
	}
	for _, attrs := range [][]span.KeyValue{
		nil, {}, long,
		{span.String("<odd>", "\u2028\xff&"), span.Float("f", 1e-7), span.Bool("b", true), {Key: "arr", Value: span.Value{Type: span.TypeArray}}, {Key: "empty"}},
	} {
		if got, want := cache.ResourceID(&span.Resource{Attributes: attrs}), digest(attrs); got != want {
			t.Errorf("ResourceID of %v = %q, want the digest of json.Marshal %q", attrs, got, want)
		}
	}
}

// TestEncodedSizeAllocs checks that sizing a record allocates nothing: it
// runs for every span stored.
func TestEncodedSizeAllocs(t *testing.T) {
	rec, err := cache.EncodeRecord(cache.Record{Span: codecSpan()})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := rec.EncodedSize(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("EncodedSize allocates %v times", n)
	}
}
