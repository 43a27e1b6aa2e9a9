package query

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spanfall/spanfall/tracer/span"
)

// Match reports whether span s matches the query; an empty query matches
// every span.
func (q *Query) Match(s *span.Span) bool {
	if q.Empty() {
		return true
	}
	return q.root.match(s)
}

// MatchTrace reports whether any span of a trace matches: the trace-level
// search of the trace list. An empty query matches every trace, even one
// with no span.
func (q *Query) MatchTrace(spans []span.Span) bool {
	if q.Empty() {
		return true
	}
	for i := range spans {
		if q.root.match(&spans[i]) {
			return true
		}
	}
	return false
}

type node interface{ match(s *span.Span) bool }

type andNode struct{ l, r node }

func (n *andNode) match(s *span.Span) bool { return n.l.match(s) && n.r.match(s) }

type orNode struct{ l, r node }

func (n *orNode) match(s *span.Span) bool { return n.l.match(s) || n.r.match(s) }

type notNode struct{ n node }

func (n *notNode) match(s *span.Span) bool { return !n.n.match(s) }

// textNode is a bare word: a case-insensitive substring of the span's
// name, status message, an attribute value or an event name.
type textNode struct{ q string }

func (n *textNode) match(s *span.Span) bool {
	if IndexFold(s.Name, n.q) >= 0 || IndexFold(s.Status.Message, n.q) >= 0 {
		return true
	}
	for _, kv := range s.Attributes {
		if valueContains(kv.Value, n.q) {
			return true
		}
	}
	for _, e := range s.Events {
		if IndexFold(e.Name, n.q) >= 0 {
			return true
		}
	}
	return false
}

type field int

const (
	fieldAttr field = iota
	fieldName
	fieldKind
	fieldStatus
	fieldStatusMessage
	fieldDuration
	fieldTraceID
	fieldSpanID
	fieldParentID
	fieldResource
	fieldScopeName
	fieldScopeVersion
	fieldEventName
	fieldEventAttr
)

// cmpNode is field op value; op is one of = ~ < <= > >=, and neg negates
// it (for != and !~).
type cmpNode struct {
	field   field
	key     string // the attribute key of fieldAttr, fieldResource, fieldEventAttr
	op      string
	neg     bool
	value   string
	num     float64
	isNum   bool
	isBool  bool
	boolean bool
}

// setField resolves the field's name.
func (c *cmpNode) setField(t token) error {
	name := t.text
	lower := strings.ToLower(name)
	named := map[string]field{
		"name": fieldName, "kind": fieldKind, "status": fieldStatus,
		"status.message": fieldStatusMessage, "duration": fieldDuration,
		"trace_id": fieldTraceID, "traceid": fieldTraceID,
		"span_id": fieldSpanID, "spanid": fieldSpanID,
		"parent_id": fieldParentID, "parentid": fieldParentID,
		"scope": fieldScopeName, "scope.name": fieldScopeName, "scope.version": fieldScopeVersion,
		"event": fieldEventName, "event.name": fieldEventName,
	}
	if f, ok := named[lower]; ok {
		c.field = f
		return nil
	}
	prefixed := []struct {
		prefix string
		f      field
	}{{"resource.", fieldResource}, {"event.", fieldEventAttr}, {"attr.", fieldAttr}}
	for _, p := range prefixed {
		if len(name) > len(p.prefix) && strings.EqualFold(name[:len(p.prefix)], p.prefix) {
			c.field, c.key = p.f, name[len(p.prefix):]
			return nil
		}
		if strings.EqualFold(name, strings.TrimSuffix(p.prefix, ".")) || strings.EqualFold(name, p.prefix) {
			return &Error{Offset: t.pos, Msg: fmt.Sprintf("%q needs an attribute key, as in %sservice.name", name, p.prefix)}
		}
	}
	if lower == "service" {
		c.field, c.key = fieldResource, "service.name"
		return nil
	}
	c.field, c.key = fieldAttr, name
	return nil
}

func (c *cmpNode) match(s *span.Span) bool { return c.test(s) != c.neg }

// test evaluates the positive comparison.
func (c *cmpNode) test(s *span.Span) bool {
	switch c.field {
	case fieldName:
		return c.str(s.Name)
	case fieldStatusMessage:
		return c.str(s.Status.Message)
	case fieldTraceID:
		return c.str(s.TraceID)
	case fieldSpanID:
		return c.str(s.SpanID)
	case fieldParentID:
		return c.str(s.ParentSpanID)
	case fieldScopeName:
		return c.str(s.Scope.Name)
	case fieldScopeVersion:
		return c.str(s.Scope.Version)
	case fieldKind:
		return float64(s.Kind) == c.num
	case fieldStatus:
		return float64(s.Status.Code) == c.num
	case fieldDuration:
		return c.ordered(float64(s.Duration()))
	case fieldAttr:
		return c.attrs(s.Attributes)
	case fieldResource:
		return s.Resource != nil && c.attrs(s.Resource.Attributes)
	case fieldEventName:
		for _, e := range s.Events {
			if c.str(e.Name) {
				return true
			}
		}
	case fieldEventAttr:
		for _, e := range s.Events {
			if c.attrs(e.Attributes) {
				return true
			}
		}
	}
	return false
}

// attrs tests the attribute named c.key among kvs.
func (c *cmpNode) attrs(kvs []span.KeyValue) bool {
	for _, kv := range kvs {
		if kv.Key == c.key {
			return c.val(kv.Value)
		}
	}
	return false
}

// val tests one attribute value; an array matches when an element does.
func (c *cmpNode) val(v span.Value) bool {
	switch v.Type {
	case span.TypeArray:
		for _, e := range v.Array {
			if c.val(e) {
				return true
			}
		}
		return false
	case span.TypeInt:
		if c.isNum {
			return c.ordered(float64(v.Int))
		}
	case span.TypeDouble:
		if c.isNum {
			return c.ordered(v.Float)
		}
	case span.TypeBool:
		if c.op == "=" {
			return c.isBool && v.Bool == c.boolean
		}
	case span.TypeString:
		if c.op != "=" && c.op != "~" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
			return err == nil && c.ordered(f)
		}
	}
	return c.str(v.AsString())
}

// str tests a string: = is exact, ~ a case-insensitive substring; ordered
// operators compare it as a number.
func (c *cmpNode) str(s string) bool {
	switch c.op {
	case "=":
		return s == c.value
	case "~":
		return IndexFold(s, c.value) >= 0
	}
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && c.ordered(f)
}

// ordered compares a number with the query's.
func (c *cmpNode) ordered(x float64) bool {
	switch c.op {
	case "=":
		return x == c.num
	case "<":
		return x < c.num
	case "<=":
		return x <= c.num
	case ">":
		return x > c.num
	case ">=":
		return x >= c.num
	}
	return false
}

func valueContains(v span.Value, q string) bool {
	if v.Type == span.TypeArray {
		for _, e := range v.Array {
			if valueContains(e, q) {
				return true
			}
		}
		return false
	}
	return IndexFold(v.AsString(), q) >= 0
}
