package cache

import "github.com/spanfall/spanfall/tracer/span"

// The clone functions deep-copy spans for Memory and normalise them the
// way a JSON round trip through the codec does (empty attribute, event and
// link lists become nil; a value keeps only the field of its type; an array
// value always has a non-nil slice), so Memory returns exactly what the
// IndexedDB store returns for the same input.

// cloneSpan returns a deep copy of s without its Resource.
func cloneSpan(s span.Span) span.Span {
	s.Resource = nil
	s.Attributes = cloneKVs(s.Attributes)
	if len(s.Events) == 0 {
		s.Events = nil
	} else {
		evs := make([]span.Event, len(s.Events))
		for i, e := range s.Events {
			e.Attributes = cloneKVs(e.Attributes)
			evs[i] = e
		}
		s.Events = evs
	}
	if len(s.Links) == 0 {
		s.Links = nil
	} else {
		ls := make([]span.Link, len(s.Links))
		for i, l := range s.Links {
			l.Attributes = cloneKVs(l.Attributes)
			ls[i] = l
		}
		s.Links = ls
	}
	return s
}

// cloneResource returns a deep copy of r, which must not be nil, with id as
// its ID. A nil attribute list stays nil and an empty one empty, as the
// resource's attributes are encoded without omitempty.
func cloneResource(r *span.Resource, id string) *span.Resource {
	out := &span.Resource{ID: id}
	if r.Attributes != nil {
		out.Attributes = make([]span.KeyValue, len(r.Attributes))
		for i, kv := range r.Attributes {
			out.Attributes[i] = span.KeyValue{Key: kv.Key, Value: cloneValue(kv.Value)}
		}
	}
	return out
}

func cloneKVs(kvs []span.KeyValue) []span.KeyValue {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]span.KeyValue, len(kvs))
	for i, kv := range kvs {
		out[i] = span.KeyValue{Key: kv.Key, Value: cloneValue(kv.Value)}
	}
	return out
}

func cloneValue(v span.Value) span.Value {
	switch v.Type {
	case span.TypeString:
		return span.Value{Type: v.Type, Str: v.Str}
	case span.TypeBool:
		return span.Value{Type: v.Type, Bool: v.Bool}
	case span.TypeInt:
		return span.Value{Type: v.Type, Int: v.Int}
	case span.TypeDouble:
		return span.Value{Type: v.Type, Float: v.Float}
	case span.TypeArray:
		arr := make([]span.Value, len(v.Array))
		for i, e := range v.Array {
			arr[i] = cloneValue(e)
		}
		return span.Value{Type: v.Type, Array: arr}
	}
	return span.Value{}
}
