package viewer

import (
	"fmt"
	"slices"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestHeadRecords(t *testing.T) {
	rec := func(id, parent string) cache.Record {
		return cache.Record{Span: span.Span{SpanID: id, ParentSpanID: parent, Name: id}}
	}
	tests := []struct {
		name string
		recs []cache.Record
		want []string
	}{
		{"empty", nil, nil},
		{"whole tree", []cache.Record{rec("r", ""), rec("a", "r"), rec("b", "a")}, []string{"r", "a", "b"}},
		{"child before its parent", []cache.Record{rec("r", ""), rec("b", "a"), rec("a", "r")}, []string{"r", "b", "a"}},
		{"parent not in the head", []cache.Record{rec("r", ""), rec("a", "r"), rec("x", "later"), rec("y", "x")}, []string{"r", "a"}},
		{"no root in the head", []cache.Record{rec("a", "r"), rec("b", "a")}, nil},
		{"two roots", []cache.Record{rec("r1", ""), rec("r2", ""), rec("c", "r2")}, []string{"r1", "r2", "c"}},
		{"parent cycle", []cache.Record{rec("r", ""), rec("a", "b"), rec("b", "a")}, []string{"r"}},
		{"own parent", []cache.Record{rec("a", "a")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range HeadRecords(tt.recs) {
				got = append(got, r.Span.SpanID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("HeadRecords = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHeadThenWholeTrace: the head is drawn at once, the URL's fold and
// detail pane wait for the whole trace, which then replaces the head
// without moving the rows in view.
func TestHeadThenWholeTrace(t *testing.T) {
	var all []cache.Record
	for i := range 30 {
		parent := ""
		if i > 0 {
			parent = fmt.Sprintf("%016x", (i-1)/3+1)
		}
		all = append(all, cache.Record{Seq: uint64(i + 1), Span: span.Span{
			TraceID: fmt.Sprintf("%032x", 1), SpanID: fmt.Sprintf("%016x", i+1), ParentSpanID: parent,
			Name: fmt.Sprint("s", i), StartTimeUnixNano: uint64(100 + i), EndTimeUnixNano: 1000,
		}})
	}
	whole, _, _ := Layout(all)
	fold, ok := EncodeFold(whole, IDSet{}.Toggle(all[3].Span.SpanID).Toggle(all[8].Span.SpanID))
	if !ok || fold == "" {
		t.Fatalf("EncodeFold = %q, %v", fold, ok)
	}
	v := newView(nil, false, "t")
	v.applyViewState(ViewState{Trace: all[0].Span.TraceID, Span: all[29].Span.SpanID, Fold: fold})

	// The head: the first 8 spans, and one whose parent comes later.
	head := append(slices.Clone(all[:8]), all[27]) // all[27]'s parent is all[8]
	v.setHead(head)
	if !v.partial || len(v.rows) != 8 {
		t.Fatalf("after setHead: partial %v, %d rows; want partial, 8 rows", v.partial, len(v.rows))
	}
	if v.pendingFold != fold || !v.paneOpen || v.selected != all[29].Span.SpanID {
		t.Errorf("after setHead: fold %q pane %v selected %q; want the URL's kept for the whole trace", v.pendingFold, v.paneOpen, v.selected)
	}
	if s := v.viewState(); s.Fold != fold || s.Span != all[29].Span.SpanID {
		t.Errorf("URL state during the head = %+v, want the URL's", s)
	}

	v.vp.Height = 5 * rowHeight
	v.vp.ScrollTop = 2 * rowHeight // the user scrolled the head
	v.reslice()
	top := v.rows[v.visible[2]].Record.Span.SpanID
	v.mergeTrace(all)
	if v.partial || len(v.rows) != 30 {
		t.Fatalf("after the whole trace: partial %v, %d rows", v.partial, len(v.rows))
	}
	if !v.collapsed.Has(all[3].Span.SpanID) || !v.collapsed.Has(all[8].Span.SpanID) {
		t.Errorf("the URL's fold is not applied to the whole trace: %v", v.collapsed)
	}
	if i := v.selectedRow(); i < 0 || !v.paneOpen || v.position(i) < 0 {
		t.Errorf("selected row %d (visible at %d), pane %v: want the URL's span shown with its pane", i, v.position(i), v.paneOpen)
	}
	if got := v.rows[v.visible[int(v.vp.ScrollTop/rowHeight)]].Record.Span.SpanID; got != top {
		t.Errorf("top row after the whole trace = %s, want %s (it stays in view)", got, top)
	}
}
