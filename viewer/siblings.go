package viewer

import (
	"slices"

	"github.com/spanfall/spanfall/tracer/span"
)

// MinRun is the shortest run of same-named siblings that the waterfall
// folds into one summary row.
const MinRun = 10

// Run is a run of consecutive siblings (in start order) with the same
// span name, folded into one summary row unless expanded: 240 ×
// "GET /api/item" under one parent read as one line.
type Run struct {
	// First is the row index of the run's first sibling: the row that
	// stands for the run when it is folded. Its span id keys the run.
	First int
	// Rows are the row indices of the siblings, in order.
	Rows []int
	// End is the row index one past the last sibling's subtree.
	End  int
	Name string
	// P50 and Max are the median and longest sibling durations, in ns.
	P50, Max uint64
	// Errors counts the siblings whose own status is an error;
	// ErrorsBelow those with an error span below them.
	Errors, ErrorsBelow int
}

// Count is the number of siblings in the run.
func (r *Run) Count() int { return len(r.Rows) }

// SiblingRuns finds, under every parent and among the top-level rows, the
// runs of at least min consecutive siblings with the same name. Runs are
// returned in row order and never nest into each other's siblings (a run
// can hold, deeper in a sibling's subtree, runs of its own).
func SiblingRuns(rows []Row, min int) []Run {
	min = max(min, 2)
	var runs []Run
	// siblings of each parent, in row order: parent -1 for the top level.
	var flush func(kids []int)
	flush = func(kids []int) {
		for a := 0; a < len(kids); {
			b := a + 1
			name := rows[kids[a]].Record.Span.Name
			for b < len(kids) && rows[kids[b]].Record.Span.Name == name {
				b++
			}
			if b-a >= min {
				runs = append(runs, newRun(rows, kids[a:b:b]))
			}
			a = b
		}
	}
	var top []int
	for i := range rows {
		if rows[i].Parent < 0 {
			top = append(top, i)
		}
		if rows[i].Children >= min {
			var kids []int
			for k := i + 1; k < rows[i].SubtreeEnd; k = max(rows[k].SubtreeEnd, k+1) {
				kids = append(kids, k)
			}
			flush(kids)
		}
	}
	flush(top)
	slices.SortFunc(runs, func(a, b Run) int { return a.First - b.First })
	return runs
}

func newRun(rows []Row, kids []int) Run {
	r := Run{First: kids[0], Rows: kids, Name: rows[kids[0]].Record.Span.Name}
	r.End = rows[kids[len(kids)-1]].SubtreeEnd
	durs := make([]uint64, len(kids))
	for k, i := range kids {
		s := &rows[i].Record.Span
		durs[k] = s.Duration()
		if s.Status.Code == span.StatusError {
			r.Errors++
		}
		if rows[i].ErrorBelow {
			r.ErrorsBelow++
		}
	}
	slices.Sort(durs)
	r.P50, r.Max = Percentile(durs, 50), durs[len(durs)-1]
	return r
}

// Percentile returns the p-th percentile (nearest rank) of sorted values,
// 0 for none.
func Percentile(sorted []uint64, p int) uint64 {
	if len(sorted) == 0 {
		return 0
	}
	k := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[min(max(k-1, 0), len(sorted)-1)]
}

// FoldRuns removes from visible (as [VisibleRows] returns it) the rows of
// every run not in expanded (keyed by the span id of its first sibling)
// except the first sibling, which then stands for the run. It returns the
// rows kept and, by the row index of each folded run's first sibling, the
// run it stands for.
func FoldRuns(rows []Row, visible []int, runs []Run, expanded IDSet) ([]int, map[int]*Run) {
	folded := map[int]*Run{}
	for k := range runs {
		r := &runs[k]
		if !expanded.Has(rows[r.First].Record.Span.SpanID) {
			folded[r.First] = r
		}
	}
	if len(folded) == 0 {
		return visible, folded
	}
	out := make([]int, 0, len(visible))
	for k := 0; k < len(visible); k++ {
		i := visible[k]
		out = append(out, i)
		if r, ok := folded[i]; ok {
			for k+1 < len(visible) && visible[k+1] < r.End {
				k++
			}
		}
	}
	return out, folded
}
