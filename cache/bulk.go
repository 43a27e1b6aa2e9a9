package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spanfall/spanfall/tracer/span"
)

// DecodeRecords decodes a JSON array of stored records, as a bulk read of
// a store returns them, into records with their Scope restored, and
// returns the [ResourceID] of each ("" for none): the caller loads those
// resources and hands them to [AttachResources].
//
// The result is the same as decoding the array into []StoredRecord with
// encoding/json and each with [StoredRecord.Decode], only several times
// faster in wasm: one pass over the text, no reflection, and no second
// parse of each span. Text it does not expect (a null, a key in another
// case, a value of another type) is decoded by encoding/json instead,
// whose error, if any, is returned.
func DecodeRecords(text []byte) ([]Record, []string, error) {
	d := decoder{b: text}
	recs, ids := d.records()
	if d.err == nil {
		d.ws()
		if d.i != len(d.b) {
			d.fail()
		}
	}
	if d.err == nil {
		return recs, ids, nil
	}
	return decodeRecordsSlow(text)
}

// decodeRecordsSlow is DecodeRecords with encoding/json.
func decodeRecordsSlow(text []byte) ([]Record, []string, error) {
	var stored []StoredRecord
	if err := json.Unmarshal(text, &stored); err != nil {
		return nil, nil, fmt.Errorf("cache: decode records: %w", err)
	}
	recs := make([]Record, len(stored))
	ids := make([]string, len(stored))
	for i, st := range stored {
		ids[i] = st.Resource
		st.Resource = ""
		r, err := st.Decode(nil)
		if err != nil {
			return nil, nil, err
		}
		recs[i] = r
	}
	return recs, ids, nil
}

// AttachResources sets the Resource of each record to resources[ids[i]];
// records of one resource share the pointer. An id missing from
// resources is an error, as in [StoredRecord.Decode].
func AttachResources(recs []Record, ids []string, resources map[string]*span.Resource) error {
	for i := range recs {
		if ids[i] == "" {
			continue
		}
		res, ok := resources[ids[i]]
		if !ok {
			return fmt.Errorf("cache: decode record %d: resource %q is not stored", recs[i].Seq, ids[i])
		}
		recs[i].Span.Resource = res
	}
	return nil
}

// ResourceIDs returns the distinct non-empty ids, in order of first
// appearance.
func ResourceIDs(ids []string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// errUnexpected stops the fast decoder; DecodeRecords then falls back.
var errUnexpected = errors.New("unexpected JSON")

// decoder reads the JSON of stored records written by encoding/json or
// JSON.stringify. Any surprise sets err.
type decoder struct {
	b   []byte
	i   int
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errUnexpected
	}
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *decoder) expect(c byte) {
	if d.err != nil {
		return
	}
	if d.peek() != c {
		d.fail()
		return
	}
	d.i++
}

// object calls field with each key of an object until an error.
func (d *decoder) object(field func(key []byte)) {
	d.expect('{')
	if d.err != nil {
		return
	}
	if d.peek() == '}' {
		d.i++
		return
	}
	for d.err == nil {
		key := d.rawString()
		d.expect(':')
		if d.err != nil {
			return
		}
		field(key)
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.fail()
		}
	}
}

// array calls elem for each element of an array until an error.
func (d *decoder) array(elem func()) {
	d.expect('[')
	if d.err != nil {
		return
	}
	if d.peek() == ']' {
		d.i++
		return
	}
	for d.err == nil {
		elem()
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return
		default:
			d.fail()
		}
	}
}

// rawString returns the bytes of a string without escapes (a key); a
// string with escapes or control characters fails.
func (d *decoder) rawString() []byte {
	d.expect('"')
	if d.err != nil {
		return nil
	}
	start := d.i
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			return d.b[start : d.i-1]
		case c == '\\' || c < 0x20:
			d.fail()
			return nil
		default:
			d.i++
		}
	}
	d.fail()
	return nil
}

// str decodes a string value, escapes included.
func (d *decoder) str() string {
	if d.err != nil {
		return ""
	}
	if d.peek() != '"' {
		d.fail()
		return ""
	}
	start := d.i
	d.i++
	plain := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if plain {
				s := d.b[start+1 : d.i-1]
				if utf8.Valid(s) {
					return string(s)
				}
			}
			// Escapes or invalid UTF-8: as encoding/json decodes them.
			var s string
			if err := json.Unmarshal(d.b[start:d.i], &s); err != nil {
				d.fail()
			}
			return s
		case c == '\\':
			plain = false
			d.i += 2
		case c < 0x20:
			d.fail()
			return ""
		default:
			d.i++
		}
	}
	d.fail()
	return ""
}

// number returns the text of a JSON number, checked against the JSON
// grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() string {
	if d.err != nil {
		return ""
	}
	d.ws()
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	at := func(c byte) bool {
		if d.i < len(d.b) && d.b[d.i] == c {
			d.i++
			return true
		}
		return false
	}
	at('-')
	switch {
	case at('0'):
	case digits() == 0:
		d.fail()
		return ""
	}
	if at('.') && digits() == 0 {
		d.fail()
		return ""
	}
	if at('e') || at('E') {
		if !at('+') {
			at('-')
		}
		if digits() == 0 {
			d.fail()
			return ""
		}
	}
	return string(d.b[start:d.i])
}

func (d *decoder) float() float64 {
	f, err := strconv.ParseFloat(d.number(), 64)
	if err != nil {
		d.fail()
	}
	return f
}

func (d *decoder) int(bits int) int64 {
	n, err := strconv.ParseInt(d.number(), 10, bits)
	if err != nil {
		d.fail()
	}
	return n
}

func (d *decoder) uint(bits int) uint64 {
	n, err := strconv.ParseUint(d.number(), 10, bits)
	if err != nil {
		d.fail()
	}
	return n
}

// quotedUint decodes a uint64 written as a string (a ",string" field).
func (d *decoder) quotedUint() uint64 {
	raw := d.rawString()
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		d.fail()
	}
	return n
}

func (d *decoder) boolean() bool {
	d.ws()
	switch {
	case strings.HasPrefix(string(d.b[d.i:min(d.i+4, len(d.b))]), "true"):
		d.i += 4
		return true
	case strings.HasPrefix(string(d.b[d.i:min(d.i+5, len(d.b))]), "false"):
		d.i += 5
		return false
	}
	d.fail()
	return false
}

// skip passes over any value.
func (d *decoder) skip() {
	switch d.peek() {
	case '{':
		d.object(func([]byte) { d.skip() })
	case '[':
		d.array(d.skip)
	case '"':
		d.str()
	case 't', 'f':
		d.boolean()
	case 'n':
		d.fail() // a null may mean something: let encoding/json judge
	default:
		d.number()
	}
}

// unknown skips the value of a key the decoder does not know, unless the
// key is a known one in another case, which encoding/json would match.
func (d *decoder) unknown(key []byte, known ...string) {
	for _, k := range known {
		if strings.EqualFold(string(key), k) {
			d.fail()
			return
		}
	}
	d.skip()
}

var recordKeys = []string{"seq", "traceId", "spanId", "start", "exported", "class", "stored", "size", "resource", "scope", "span"}

func (d *decoder) records() ([]Record, []string) {
	var recs []Record
	var ids []string
	d.array(func() {
		var r Record
		var id string
		var scope span.Scope
		hasSpan := false
		d.object(func(key []byte) {
			switch string(key) {
			case "seq":
				r.Seq = d.uint(64)
			case "exported":
				r.Exported = d.int(strconv.IntSize) != 0
			case "resource":
				id = d.str()
			case "scope":
				d.scope(&scope) // a repeated key merges, as in encoding/json
			case "span":
				hasSpan = true
				d.span(&r.Span)
			case "traceId", "spanId":
				d.str()
			case "start":
				d.float()
			case "class", "stored", "size":
				d.int(64)
			default:
				d.unknown(key, recordKeys...)
			}
		})
		if !hasSpan {
			d.fail() // encoding/json fails on the missing span
		}
		r.Span.Scope = scope
		recs = append(recs, r)
		ids = append(ids, id)
	})
	if d.err == nil && recs == nil {
		recs, ids = []Record{}, []string{}
	}
	return recs, ids
}

func (d *decoder) scope(s *span.Scope) {
	d.object(func(key []byte) {
		switch string(key) {
		case "name":
			s.Name = d.str()
		case "version":
			s.Version = d.str()
		default:
			d.unknown(key, "name", "version")
		}
	})
}

var spanKeys = []string{"traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
	"startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount", "events",
	"droppedEventsCount", "links", "droppedLinksCount", "status"}

// span decodes into s, replacing it: a repeated "span" key replaces the
// span, as the stored form's json.RawMessage does.
func (d *decoder) span(s *span.Span) {
	*s = span.Span{}
	d.object(func(key []byte) {
		switch string(key) {
		case "traceId":
			s.TraceID = d.str()
		case "spanId":
			s.SpanID = d.str()
		case "traceState":
			s.TraceState = d.str()
		case "parentSpanId":
			s.ParentSpanID = d.str()
		case "flags":
			s.Flags = uint32(d.uint(32))
		case "name":
			s.Name = d.str()
		case "kind":
			s.Kind = span.Kind(d.int(strconv.IntSize))
		case "startTimeUnixNano":
			s.StartTimeUnixNano = d.quotedUint()
		case "endTimeUnixNano":
			s.EndTimeUnixNano = d.quotedUint()
		case "attributes":
			s.Attributes = d.keyValues()
		case "droppedAttributesCount":
			s.DroppedAttributesCount = uint32(d.uint(32))
		case "events":
			s.Events = d.events()
		case "droppedEventsCount":
			s.DroppedEventsCount = uint32(d.uint(32))
		case "links":
			s.Links = d.links()
		case "droppedLinksCount":
			s.DroppedLinksCount = uint32(d.uint(32))
		case "status":
			d.object(func(key []byte) {
				switch string(key) {
				case "code":
					s.Status.Code = span.StatusCode(d.int(strconv.IntSize))
				case "message":
					s.Status.Message = d.str()
				default:
					d.unknown(key, "code", "message")
				}
			})
		default:
			d.unknown(key, spanKeys...)
		}
	})
}

func (d *decoder) events() []span.Event {
	out := []span.Event{}
	d.array(func() {
		var e span.Event
		d.object(func(key []byte) {
			switch string(key) {
			case "timeUnixNano":
				e.TimeUnixNano = d.quotedUint()
			case "name":
				e.Name = d.str()
			case "attributes":
				e.Attributes = d.keyValues()
			default:
				d.unknown(key, "timeUnixNano", "name", "attributes")
			}
		})
		out = append(out, e)
	})
	return out
}

func (d *decoder) links() []span.Link {
	out := []span.Link{}
	d.array(func() {
		var l span.Link
		d.object(func(key []byte) {
			switch string(key) {
			case "traceId":
				l.TraceID = d.str()
			case "spanId":
				l.SpanID = d.str()
			case "traceState":
				l.TraceState = d.str()
			case "attributes":
				l.Attributes = d.keyValues()
			default:
				d.unknown(key, "traceId", "spanId", "traceState", "attributes")
			}
		})
		out = append(out, l)
	})
	return out
}

func (d *decoder) keyValues() []span.KeyValue {
	out := []span.KeyValue{}
	d.array(func() {
		var kv span.KeyValue
		d.object(func(key []byte) {
			switch string(key) {
			case "key":
				kv.Key = d.str()
			case "value":
				kv.Value = d.value()
			default:
				d.unknown(key, "key", "value")
			}
		})
		out = append(out, kv)
	})
	return out
}

// value decodes an AnyValue holding exactly one known field; anything
// else (several fields, nulls) goes to encoding/json, which has an order
// of precedence for them.
func (d *decoder) value() span.Value {
	var v span.Value
	fields := 0
	d.object(func(key []byte) {
		fields++
		if fields > 1 {
			d.fail()
			return
		}
		switch string(key) {
		case "stringValue":
			v.Type, v.Str = span.TypeString, d.str()
		case "boolValue":
			v.Type, v.Bool = span.TypeBool, d.boolean()
		case "intValue":
			v.Type = span.TypeInt
			if d.peek() == '"' {
				raw := d.rawString()
				n, err := strconv.ParseInt(string(raw), 10, 64)
				if err != nil {
					d.fail()
				}
				v.Int = n
			} else {
				v.Int = d.int(64)
			}
		case "doubleValue":
			v.Type, v.Float = span.TypeDouble, d.float()
		case "arrayValue":
			v.Type = span.TypeArray
			d.object(func(key []byte) {
				if string(key) != "values" {
					d.fail()
					return
				}
				v.Array = []span.Value{}
				d.array(func() { v.Array = append(v.Array, d.value()) })
			})
		default:
			d.fail()
		}
	})
	return v
}
