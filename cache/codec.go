package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spanfall/spanfall/internal/jsonenc"
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
// which OTLP JSON carries outside the span, and what the eviction policy
// needs (Class, Stored, Size).
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
	// Class is the record's eviction [Class], indexed for the eviction
	// walk; a store updates it when the span is exported or its trace
	// becomes an error trace.
	Class Class `json:"class"`
	// Stored is when the span was stored, in Unix milliseconds by the
	// store's clock; MaxAge is counted from it.
	Stored int64 `json:"stored"`
	// Size is the record's stored size, what MaxBytes caps: the length of
	// its JSON without the seq and size fields (see [StoredRecord.EncodedSize]).
	// It does not change when Exported or Class do, their values being one
	// digit.
	Size int64 `json:"size,omitempty"`
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
	// Traces are the traces of the records, with their span counts, in
	// order of first appearance.
	Traces []BatchTrace `json:"-"`
	// Bytes is the sum of the records' Size.
	Bytes int64 `json:"-"`
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
	var buf [512]byte
	b, err := span.AppendKeyValuesJSON(buf[:0], r.Attributes)
	if err != nil {
		// Only non-finite doubles fail, and checkSpan rejects those first;
		// fall back to a digest of their display form.
		b = fmt.Appendf(nil, "%v", r.Attributes)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// EncodeBatch checks spans and returns their stored form, every record
// pending export, without a Seq, stamped stored and sized. A record's Class
// is ClassPendingError when its trace has an error span in the batch, else
// ClassPending; a store raises it when it already knows the trace as an
// error trace. The error wraps [ErrInvalidSpan] when a span cannot be
// stored. The records' Span share a few buffers (see spanJSON): a batch is
// meant to be written and dropped, not kept record by record.
func EncodeBatch(spans []span.Span, stored time.Time) (Batch, error) {
	b := Batch{Records: make([]StoredRecord, 0, len(spans)), Traces: BatchTraces(spans)}
	errorTrace := make(map[string]bool)
	for _, t := range b.Traces {
		errorTrace[t.TraceID] = t.Error
	}
	seen := make(map[string]bool)
	var js spanJSON
	for i := range spans {
		s := &spans[i]
		if err := checkSpan(s); err != nil {
			return Batch{}, err
		}
		rec, err := encodeRecord(Record{Span: *s}, &js, len(spans)-i)
		if err != nil {
			return Batch{}, err
		}
		rec.Class = ClassOf(false, errorTrace[s.TraceID])
		rec.Stored = stored.UnixMilli()
		if rec.Size, err = rec.EncodedSize(); err != nil {
			return Batch{}, err
		}
		b.Bytes += rec.Size
		b.Records = append(b.Records, rec)
		if rec.Resource != "" && !seen[rec.Resource] {
			seen[rec.Resource] = true
			b.Resources = append(b.Resources, EncodeResource(s.Resource))
		}
	}
	return b, nil
}

// EncodeRecord returns the stored form of r, sized, with a zero Stored and
// the Class of its export state and its own status. The span's Resource is
// only referred to by its [ResourceID]; store it with [EncodeResource].
func EncodeRecord(r Record) (StoredRecord, error) {
	rec, err := encodeRecord(r, new(spanJSON), 1)
	if err != nil {
		return StoredRecord{}, err
	}
	rec.Size, err = rec.EncodedSize()
	return rec, err
}

// EncodedSize returns the length of the JSON of s without its seq and size
// fields, s.Span being compact JSON as json.Marshal and JSON.stringify
// write it: the measure of [StoredRecord.Size].
func (s StoredRecord) EncodedSize() (int64, error) {
	body := len(s.Span)
	if body == 0 {
		body = len("null")
	}
	// The span is already JSON: only the fields before it are written, as
	// json.Marshal writes them, into a buffer that stays on the stack.
	var buf [256]byte
	head, err := appendRecordHead(buf[:0], &s)
	if err != nil {
		return 0, fmt.Errorf("cache: size record of span %s: %w", s.SpanID, err)
	}
	return int64(len(head) + body + len("}")), nil
}

// appendRecordHead appends the JSON of s as json.Marshal writes it with a
// zero Seq and Size, up to the value of "span": {"traceId":…,"spanId":…,
// "start":…,"exported":…,"class":…,"stored":…,"resource":…,"scope":{…},
// "span":. It fails only for a NaN or infinite Start.
func appendRecordHead(b []byte, s *StoredRecord) ([]byte, error) {
	b = append(b, `{"traceId":`...)
	b = jsonenc.AppendString(b, s.TraceID)
	b = append(b, `,"spanId":`...)
	b = jsonenc.AppendString(b, s.SpanID)
	b = append(b, `,"start":`...)
	b, err := jsonenc.AppendFloat(b, s.Start)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"exported":`...)
	b = strconv.AppendInt(b, int64(s.Exported), 10)
	b = append(b, `,"class":`...)
	b = strconv.AppendInt(b, int64(s.Class), 10)
	b = append(b, `,"stored":`...)
	b = strconv.AppendInt(b, s.Stored, 10)
	b = append(b, `,"resource":`...)
	b = jsonenc.AppendString(b, s.Resource)
	b = append(b, `,"scope":`...)
	b = span.AppendScopeJSON(b, s.Scope)
	return append(b, `,"span":`...), nil
}

// spanJSON hands out the span JSON of the records of one batch. Each span
// is encoded into scratch, then copied into chunk, which is sized from the
// spans encoded so far for the ones still to come: a batch of alike spans
// costs a couple of allocations rather than the dozen a span that growing
// a buffer of its own takes. A chunk holds at most chunkMax bytes (or one
// span) so that a first big span does not size it for the whole batch.
type spanJSON struct {
	scratch, chunk []byte
	spans, bytes   int // encoded so far
}

const chunkMax = 1 << 20

// encode returns the JSON of s, capped so that appending to it cannot
// reach the next span's; left counts the spans still to encode, s too.
func (e *spanJSON) encode(s *span.Span, left int) (json.RawMessage, error) {
	if e.scratch == nil {
		e.scratch = make([]byte, 0, 1024)
	}
	var err error
	if e.scratch, err = span.AppendJSON(e.scratch[:0], s); err != nil {
		return nil, err
	}
	n := len(e.scratch)
	e.spans++
	e.bytes += n
	if cap(e.chunk)-len(e.chunk) < n {
		e.chunk = make([]byte, 0, max(min(e.bytes/e.spans*left*9/8, chunkMax), n))
	}
	at := len(e.chunk)
	e.chunk = append(e.chunk, e.scratch...)
	return e.chunk[at:len(e.chunk):len(e.chunk)], nil
}

func encodeRecord(r Record, e *spanJSON, left int) (StoredRecord, error) {
	js, err := e.encode(&r.Span, left)
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
		Class:    ClassOf(r.Exported, r.Span.Status.Code == span.StatusError),
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
