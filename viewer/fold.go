package viewer

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// IDSet is a set of span ids: the collapsed spans of a waterfall. Its
// methods that change it return a new set and leave the receiver as it
// was, so a set can be shared between renders.
type IDSet map[string]struct{}

// NewIDSet returns a set of ids.
func NewIDSet(ids ...string) IDSet {
	s := make(IDSet, len(ids))
	for _, id := range ids {
		s[id] = struct{}{}
	}
	return s
}

// Has reports whether id is in the set; a nil set is empty.
func (s IDSet) Has(id string) bool {
	_, ok := s[id]
	return ok
}

// With returns a copy of the set with id added.
func (s IDSet) With(id string) IDSet {
	c := maps.Clone(s)
	if c == nil {
		c = IDSet{}
	}
	c[id] = struct{}{}
	return c
}

// Without returns a copy of the set with id removed.
func (s IDSet) Without(id string) IDSet {
	c := maps.Clone(s)
	if c == nil {
		c = IDSet{}
	}
	delete(c, id)
	return c
}

// Toggle returns a copy of the set with id added when absent, removed
// when present.
func (s IDSet) Toggle(id string) IDSet {
	if s.Has(id) {
		return s.Without(id)
	}
	return s.With(id)
}

// Sorted returns the ids in ascending order.
func (s IDSet) Sorted() []string {
	return slices.Sorted(maps.Keys(s))
}

// Equal reports whether both sets hold the same ids.
func (s IDSet) Equal(o IDSet) bool {
	if len(s) != len(o) {
		return false
	}
	for id := range s {
		if !o.Has(id) {
			return false
		}
	}
	return true
}

// VisibleRows returns the indices of the rows left visible when the spans
// in collapsed are folded: a collapsed row is visible, its descendants are
// not. Ids of spans without children, or not in rows, fold nothing.
func VisibleRows(rows []Row, collapsed IDSet) []int {
	out := make([]int, 0, len(rows))
	for i := 0; i < len(rows); {
		out = append(out, i)
		if rows[i].Children > 0 && collapsed.Has(rows[i].Record.Span.SpanID) {
			i = max(rows[i].SubtreeEnd, i+1)
			continue
		}
		i++
	}
	return out
}

// CollapseAll returns the set that folds every span with children: only
// the top-level rows stay visible.
func CollapseAll(rows []Row) IDSet { return CollapseBelow(rows, 0) }

// CollapseBelow returns the set that folds every span with children at
// depth or deeper: the rows of depth 0 to depth stay visible.
func CollapseBelow(rows []Row, depth int) IDSet {
	s := IDSet{}
	for i := range rows {
		if rows[i].Children > 0 && rows[i].Depth >= depth {
			s[rows[i].Record.Span.SpanID] = struct{}{}
		}
	}
	return s
}

// ShownDepth returns the depth of the deepest visible row, -1 for none.
func ShownDepth(rows []Row, visible []int) int {
	d := -1
	for _, i := range visible {
		d = max(d, rows[i].Depth)
	}
	return d
}

// MaxDepth returns the depth of the deepest row, -1 for none.
func MaxDepth(rows []Row) int {
	d := -1
	for i := range rows {
		d = max(d, rows[i].Depth)
	}
	return d
}

// ExpandLevel returns the fold that shows one level more than the deepest
// visible row: every row down to that depth unfolded, deeper parents
// folded.
func ExpandLevel(rows []Row, collapsed IDSet) IDSet {
	d := ShownDepth(rows, VisibleRows(rows, collapsed))
	return CollapseBelow(rows, d+1)
}

// CollapseLevel returns the fold that shows one level less than the
// deepest visible row (at least the top level).
func CollapseLevel(rows []Row, collapsed IDSet) IDSet {
	d := ShownDepth(rows, VisibleRows(rows, collapsed))
	return CollapseBelow(rows, max(d-1, 0))
}

// Reveal returns collapsed without the ancestors of row i, so that row i
// is visible. It returns collapsed itself when nothing hides row i.
func Reveal(rows []Row, i int, collapsed IDSet) IDSet {
	if i < 0 || i >= len(rows) {
		return collapsed
	}
	out := collapsed
	for a := rows[i].Parent; a >= 0; a = rows[a].Parent {
		if id := rows[a].Record.Span.SpanID; out.Has(id) {
			out = out.Without(id)
		}
	}
	return out
}

// Prune returns the ids of collapsed that fold something in rows: spans
// present with children.
func Prune(rows []Row, collapsed IDSet) IDSet {
	out := IDSet{}
	for i := range rows {
		if id := rows[i].Record.Span.SpanID; rows[i].Children > 0 && collapsed.Has(id) {
			out[id] = struct{}{}
		}
	}
	return out
}

// Fold values in a URL's collapsed parameter besides a list of span ids.
const (
	foldAll   = "all"
	foldLevel = "level:"
	// maxFoldIDs bounds the span ids written in a URL; past it a fold
	// that no shorthand describes is not written.
	maxFoldIDs = 256
)

// EncodeFold writes the fold of rows for a URL: "" for none, "all" when
// every parent is folded, "level:N" when exactly the parents of depth N and
// deeper are, else the folded span ids, sorted, comma-separated. The ids
// are pruned to the spans of rows; past 256 ids the result is "" and ok is
// false: the fold does not fit in a URL.
func EncodeFold(rows []Row, collapsed IDSet) (param string, ok bool) {
	c := Prune(rows, collapsed)
	if len(c) == 0 {
		return "", true
	}
	if c.Equal(CollapseAll(rows)) {
		return foldAll, true
	}
	for d := 1; d <= MaxDepth(rows); d++ {
		if c.Equal(CollapseBelow(rows, d)) {
			return foldLevel + strconv.Itoa(d), true
		}
	}
	if len(c) > maxFoldIDs {
		return "", false
	}
	return strings.Join(c.Sorted(), ","), true
}

// DecodeFold reads a URL's collapsed parameter (see [EncodeFold]) against
// the rows it applies to. Ids that are not span ids are ignored.
func DecodeFold(rows []Row, param string) IDSet {
	switch {
	case param == "":
		return IDSet{}
	case param == foldAll:
		return CollapseAll(rows)
	case strings.HasPrefix(param, foldLevel):
		d, err := strconv.Atoi(strings.TrimPrefix(param, foldLevel))
		if err != nil || d < 0 {
			return IDSet{}
		}
		return CollapseBelow(rows, d)
	}
	s := IDSet{}
	for _, id := range strings.Split(param, ",") {
		if validHexID(id, 16) {
			s[id] = struct{}{}
		}
	}
	return s
}
