package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/spanfall/spanfall/tracer/span"
)

// ErrInvalidSpan is wrapped by the error of a Put whose batch holds a span
// that cannot be stored: an invalid trace, span or parent id (see
// [span.Span.Validate]) or a NaN or infinite double, which JSON cannot
// encode. Retrying such a Put cannot succeed.
var ErrInvalidSpan = errors.New("cache: invalid span")

// StoredRecord is the stored form of a [Record], one object of the
// IndexedDB "spans" store. Span is the OTLP JSON of the span, so a plain JS
// reader (a service worker flushing spans) sees the OTLP shape; the other
// fields are what the store indexes and the span's Resource and Scope,
// which OTLP JSON carries outside the span.
type StoredRecord struct {
	// Seq is the record's key. It is omitted when zero so that an
	// auto-incrementing store assigns it.
	Seq     uint64 `json:"seq,omitempty"`
	TraceID string `json:"traceId"`
	SpanID  string `json:"spanId"`
	// Start is Span.StartTimeUnixNano as a JSON number, for ordering in an
	// index; it may be rounded, the span keeps the exact value.
	Start float64 `json:"start"`
	// Exported is 1 once the span is exported, else 0: IndexedDB cannot
	// index booleans.
	Exported int `json:"exported"`
	// Resource is the [ResourceID] of the span's resource, "" for none.
	Resource string          `json:"resource"`
	Scope    span.Scope      `json:"scope"`
	Span     json.RawMessage `json:"span"`
}

// StoredResource is the stored form of a [span.Resource], one object of
// the IndexedDB "resources" store, keyed by ID.
type StoredResource struct {
	ID         string          `json:"id"`
	Attributes []span.KeyValue `json:"attributes"`
}

// Batch is the stored form of the spans of one Put: a record per span and
// each distinct resource once.
type Batch struct {
	Records   []StoredRecord   `json:"records"`
	Resources []StoredResource `json:"resources"`
}

// ResourceID returns the id under which r is stored: r.ID, or when that is
// empty a digest of r's attributes, or "" when r is nil. A record restored
// from a store carries this id in its Resource.ID.
func ResourceID(r *span.Resource) string {
	if r == nil {
		return ""
	}
	if r.ID != "" {
		return r.ID
	}
	b, err := json.Marshal(r.Attributes)
	if err != nil {
		// Only non-finite doubles fail, and checkSpan rejects those first;
		// fall back to a digest of their display form.
		b = fmt.Appendf(nil, "%v", r.Attributes)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// EncodeBatch checks spans and returns their stored form, every record
// pending export and without a Seq. The error wraps [ErrInvalidSpan] when a
// span cannot be stored.
func EncodeBatch(spans []span.Span) (Batch, error) {
	b := Batch{Records: make([]StoredRecord, 0, len(spans))}
	seen := make(map[string]bool)
	for i := range spans {
		s := &spans[i]
		if err := checkSpan(s); err != nil {
			return Batch{}, err
		}
		rec, err := EncodeRecord(Record{Span: *s})
		if err != nil {
			return Batch{}, err
		}
		b.Records = append(b.Records, rec)
		if rec.Resource != "" && !seen[rec.Resource] {
			seen[rec.Resource] = true
			b.Resources = append(b.Resources, EncodeResource(s.Resource))
		}
	}
	return b, nil
}

// EncodeRecord returns the stored form of r. The span's Resource is only
// referred to by its [ResourceID]; store it with [EncodeResource].
func EncodeRecord(r Record) (StoredRecord, error) {
	js, err := json.Marshal(&r.Span)
	if err != nil {
		return StoredRecord{}, fmt.Errorf("cache: encode span %q: %w", r.Span.Name, err)
	}
	exported := 0
	if r.Exported {
		exported = 1
	}
	return StoredRecord{
		Seq:      r.Seq,
		TraceID:  r.Span.TraceID,
		SpanID:   r.Span.SpanID,
		Start:    float64(r.Span.StartTimeUnixNano),
		Exported: exported,
		Resource: ResourceID(r.Span.Resource),
		Scope:    r.Span.Scope,
		Span:     js,
	}, nil
}

// Decode returns the record s stores, with its Scope restored and its
// Resource taken from resources by id; records of one resource share the
// pointer. A resource id missing from resources is an error.
func (s StoredRecord) Decode(resources map[string]*span.Resource) (Record, error) {
	r := Record{Seq: s.Seq, Exported: s.Exported != 0}
	if err := json.Unmarshal(s.Span, &r.Span); err != nil {
		return Record{}, fmt.Errorf("cache: decode record %d: %w", s.Seq, err)
	}
	r.Span.Scope = s.Scope
	if s.Resource != "" {
		res, ok := resources[s.Resource]
		if !ok {
			return Record{}, fmt.Errorf("cache: decode record %d: resource %q is not stored", s.Seq, s.Resource)
		}
		r.Span.Resource = res
	}
	return r, nil
}

// EncodeResource returns the stored form of r, keyed by [ResourceID].
func EncodeResource(r *span.Resource) StoredResource {
	if r == nil {
		return StoredResource{}
	}
	return StoredResource{ID: ResourceID(r), Attributes: r.Attributes}
}

// Decode returns the resource s stores.
func (s StoredResource) Decode() *span.Resource {
	return &span.Resource{ID: s.ID, Attributes: s.Attributes}
}

// checkSpan reports, wrapping ErrInvalidSpan, why s cannot be stored.
func checkSpan(s *span.Span) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSpan, err)
	}
	bad := func(where string, kvs []span.KeyValue) error {
		for _, kv := range kvs {
			if !finite(kv.Value) {
				return fmt.Errorf("%w: span %q: %s attribute %q: a NaN or infinite double cannot be stored", ErrInvalidSpan, s.Name, where, kv.Key)
			}
		}
		return nil
	}
	if err := bad("span", s.Attributes); err != nil {
		return err
	}
	for _, e := range s.Events {
		if err := bad(fmt.Sprintf("event %q", e.Name), e.Attributes); err != nil {
			return err
		}
	}
	for _, l := range s.Links {
		if err := bad("link", l.Attributes); err != nil {
			return err
		}
	}
	if s.Resource != nil {
		return bad("resource", s.Resource.Attributes)
	}
	return nil
}

func finite(v span.Value) bool {
	switch v.Type {
	case span.TypeDouble:
		return !math.IsNaN(v.Float) && !math.IsInf(v.Float, 0)
	case span.TypeArray:
		for _, e := range v.Array {
			if !finite(e) {
				return false
			}
		}
	}
	return true
}
