package viewer

import querylang "github.com/spanfall/spanfall/viewer/query"

// Matches returns, in row order, the indices of the rows whose span name,
// attribute values or event names contain query, ignoring case. An empty
// query matches nothing.
func Matches(rows []Row, query string) []int {
	if query == "" {
		return nil
	}
	var out []int
	for i := range rows {
		if spanMatches(&rows[i], query) {
			out = append(out, i)
		}
	}
	return out
}

func spanMatches(r *Row, q string) bool {
	s := &r.Record.Span
	if IndexFold(s.Name, q) >= 0 {
		return true
	}
	for _, kv := range s.Attributes {
		if IndexFold(kv.Value.AsString(), q) >= 0 {
			return true
		}
	}
	for _, e := range s.Events {
		if IndexFold(e.Name, q) >= 0 {
			return true
		}
	}
	return false
}

// NextMatch returns the first match after row cur (dir > 0) or the last
// one before it (dir < 0), wrapping around; cur need not be a match. It
// returns -1 when there is no match.
func NextMatch(matches []int, cur, dir int) int {
	if len(matches) == 0 {
		return -1
	}
	if dir >= 0 {
		for _, m := range matches {
			if m > cur {
				return m
			}
		}
		return matches[0]
	}
	for k := len(matches) - 1; k >= 0; k-- {
		if matches[k] < cur {
			return matches[k]
		}
	}
	return matches[len(matches)-1]
}

// MatchOrdinal returns the 1-based position of row i among matches, 0
// when it is not one.
func MatchOrdinal(matches []int, i int) int {
	for k, m := range matches {
		if m == i {
			return k + 1
		}
	}
	return 0
}

// Segment is a run of text, highlighted when Match.
type Segment struct {
	Text  string
	Match bool
}

// Highlight splits text into runs where every occurrence of query
// (ignoring case) is a Match segment. An empty query gives the whole text
// as one plain segment.
func Highlight(text, query string) []Segment {
	if query == "" || text == "" {
		return []Segment{{Text: text}}
	}
	var out []Segment
	for text != "" {
		i := IndexFold(text, query)
		if i < 0 {
			break
		}
		n := querylang.FoldPrefixLen(text[i:], query)
		if i > 0 {
			out = append(out, Segment{Text: text[:i]})
		}
		out = append(out, Segment{Text: text[i : i+n], Match: true})
		text = text[i+n:]
	}
	if text != "" {
		out = append(out, Segment{Text: text})
	}
	return out
}

// IndexFold returns the byte index of the first occurrence of sub in s
// under Unicode simple case folding, -1 when there is none; an empty sub
// is at 0. (The query language's text match: [query.IndexFold].)
func IndexFold(s, sub string) int { return querylang.IndexFold(s, sub) }
