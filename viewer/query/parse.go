package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spanfall/spanfall/tracer/span"
)

// maxDepth bounds the nesting of parentheses and negations, so that no
// input can exhaust the stack.
const maxDepth = 100

// Query is a parsed query. The zero Query (and the result of parsing a
// blank string) is empty: it matches every span.
type Query struct {
	src   string
	root  node
	terms []string
}

// Parse reads a query. A malformed query gives an [*Error] whose Offset
// points at the offending character.
func Parse(src string) (*Query, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q := &Query{src: src}
	if p.peek().kind == tokEOF {
		return q, nil
	}
	q.root, err = p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, &Error{Offset: t.pos, Msg: `")" without a matching "("`}
		}
		return nil, &Error{Offset: t.pos, Msg: fmt.Sprintf("unexpected %s", describe(t))}
	}
	q.terms = p.terms
	return q, nil
}

// String returns the query as typed.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	return q.src
}

// Empty reports whether the query has no term: it matches everything.
func (q *Query) Empty() bool { return q == nil || q.root == nil }

// Terms returns the bare words and quoted strings of the query (the text
// searches), in order: what a view highlights in span names.
func (q *Query) Terms() []string {
	if q == nil {
		return nil
	}
	return q.terms
}

type parser struct {
	toks  []token
	at    int
	terms []string
}

func (p *parser) peek() token { return p.toks[p.at] }

func (p *parser) next() token {
	t := p.toks[p.at]
	if t.kind != tokEOF {
		p.at++
	}
	return t
}

// isKeyword reports whether t is the bare word kw, in any case.
func isKeyword(t token, kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// fieldNext reports whether the token after the current one is an
// operator: the current word is then a field, whatever it spells.
func (p *parser) fieldNext() bool {
	return p.at+1 < len(p.toks) && p.toks[p.at+1].kind == tokOp
}

func (p *parser) or(depth int) (node, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokOr && !(isKeyword(t, "or") && !p.fieldNext()) {
			return l, nil
		}
		p.next()
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = &orNode{l, r}
	}
}

func (p *parser) and(depth int) (node, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tokAnd || (isKeyword(t, "and") && !p.fieldNext()):
			p.next()
		case t.kind == tokEOF || t.kind == tokRParen || t.kind == tokOr || (isKeyword(t, "or") && !p.fieldNext()):
			return l, nil
		}
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = &andNode{l, r}
	}
}

func (p *parser) unary(depth int) (node, error) {
	t := p.peek()
	if depth >= maxDepth {
		return nil, &Error{Offset: t.pos, Msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	switch {
	case t.kind == tokNot || (isKeyword(t, "not") && !p.fieldNext()):
		p.next()
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &notNode{n}, nil
	case t.kind == tokLParen:
		p.next()
		if p.peek().kind == tokRParen {
			return nil, &Error{Offset: p.peek().pos, Msg: "empty parentheses"}
		}
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tokRParen {
			return nil, &Error{Offset: c.pos, Msg: fmt.Sprintf(`expected ")" to close the "(" at %d, found %s`, t.pos, describe(c))}
		}
		p.next()
		return n, nil
	case t.kind == tokWord && p.fieldNext():
		return p.comparison()
	case t.kind == tokString && p.fieldNext():
		return nil, &Error{Offset: t.pos, Msg: "a field name is not quoted"}
	case t.kind == tokWord || t.kind == tokString:
		p.next()
		if t.kind == tokWord && (isKeyword(t, "and") || isKeyword(t, "or")) {
			return nil, &Error{Offset: t.pos, Msg: fmt.Sprintf("%q needs a term before it (quote it to search for the word)", t.text)}
		}
		if t.text == "" {
			return nil, &Error{Offset: t.pos, Msg: "empty search string"}
		}
		p.terms = append(p.terms, t.text)
		return &textNode{t.text}, nil
	case t.kind == tokOp:
		return nil, &Error{Offset: t.pos, Msg: fmt.Sprintf("expected a field before %q", t.text)}
	}
	return nil, &Error{Offset: t.pos, Msg: fmt.Sprintf("expected a term, found %s", describe(t))}
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the query"
	case tokString:
		return "a quoted string"
	case tokLParen:
		return `"("`
	case tokRParen:
		return `")"`
	}
	return strconv.Quote(t.text)
}

// comparison reads field op value.
func (p *parser) comparison() (node, error) {
	ft := p.next()
	ot := p.next()
	vt := p.next()
	if vt.kind != tokWord && vt.kind != tokString {
		return nil, &Error{Offset: vt.pos, Msg: fmt.Sprintf("expected a value after %q, found %s", ot.text, describe(vt))}
	}
	c := &cmpNode{value: vt.text}
	c.op, c.neg = ot.text, false
	switch ot.text {
	case "!=":
		c.op, c.neg = "=", true
	case "!~":
		c.op, c.neg = "~", true
	}
	ordered := c.op == "<" || c.op == "<=" || c.op == ">" || c.op == ">="
	if err := c.setField(ft); err != nil {
		return nil, err
	}
	bad := func(msg string) error { return &Error{Offset: vt.pos, Msg: msg} }
	switch c.field {
	case fieldDuration:
		if c.op == "~" {
			return nil, &Error{Offset: ot.pos, Msg: "duration compares with = != < <= > >=, not ~"}
		}
		d, err := parseDuration(vt.text)
		if err != nil {
			return nil, bad(err.Error())
		}
		c.num = float64(d)
	case fieldKind:
		if c.op != "=" {
			return nil, &Error{Offset: ot.pos, Msg: "kind compares with = or != only"}
		}
		k, ok := parseKind(vt.text)
		if !ok {
			return nil, bad(fmt.Sprintf("unknown kind %q: use internal, server, client, producer, consumer or unspecified", vt.text))
		}
		c.num = float64(k)
	case fieldStatus:
		if c.op != "=" {
			return nil, &Error{Offset: ot.pos, Msg: "status compares with = or != only"}
		}
		s, ok := parseStatus(vt.text)
		if !ok {
			return nil, bad(fmt.Sprintf("unknown status %q: use unset, ok or error", vt.text))
		}
		c.num = float64(s)
	default:
		if ordered || c.op == "=" {
			if f, err := strconv.ParseFloat(vt.text, 64); err == nil && !math.IsNaN(f) && vt.kind == tokWord {
				c.num, c.isNum = f, true
			} else if ordered {
				return nil, bad(fmt.Sprintf("%q compares numbers: %q is not one", ot.text, vt.text))
			}
		}
		if c.op == "=" && vt.kind == tokWord {
			if b, err := strconv.ParseBool(vt.text); err == nil && (vt.text == "true" || vt.text == "false") {
				c.isBool, c.boolean = true, b
			}
		}
	}
	return c, nil
}

// parseDuration reads a Go duration ("100ms", "1.5s", "2m") or a bare
// number of milliseconds.
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > float64(math.MaxInt64/int64(time.Millisecond)) {
			return 0, fmt.Errorf("duration %q is out of range", s)
		}
		return time.Duration(f * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write for example 250ms, 1.5s, 2m (a bare number is milliseconds)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return d, nil
}

func parseKind(s string) (span.Kind, bool) {
	s = strings.ToLower(strings.TrimPrefix(strings.ToUpper(s), "SPAN_KIND_"))
	for k := span.KindUnspecified; k <= span.KindConsumer; k++ {
		if k.String() == s || strconv.Itoa(int(k)) == s {
			return k, true
		}
	}
	return 0, false
}

func parseStatus(s string) (span.StatusCode, bool) {
	switch strings.ToLower(strings.TrimPrefix(strings.ToUpper(s), "STATUS_CODE_")) {
	case "unset", "0":
		return span.StatusUnset, true
	case "ok", "1":
		return span.StatusOK, true
	case "error", "2":
		return span.StatusError, true
	}
	return 0, false
}
