package sampling

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spanfall/spanfall/tracer/span"
)

// clock is a fake clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Unix(1_800_000_000, 0)} }
func tid(n int) string               { return fmt.Sprintf("%032x", n+1) }
func sid(n int) string               { return fmt.Sprintf("%016x", n+1) }
func ms(n int) uint64                { return uint64(n) * uint64(time.Millisecond) }
func names(spans []span.Span) (o []string) {
	for _, s := range spans {
		o = append(o, s.Name)
	}
	return o
}

// mk returns a span of trace tr named name; parent -1 means a root.
func mk(tr, id, parent int, name string, durMS int, failed bool) span.Span {
	s := span.Span{TraceID: tid(tr), SpanID: sid(id), Name: name, StartTimeUnixNano: ms(1000), EndTimeUnixNano: ms(1000 + durMS)}
	if parent >= 0 {
		s.ParentSpanID = sid(parent)
	}
	if failed {
		s.Status = span.Status{Code: span.StatusError, Message: "boom"}
	}
	return s
}

type in struct {
	s       span.Span
	sampled bool
}

func TestTailDecisions(t *testing.T) {
	remoteRoot := mk(1, 1, 99, "remote-child-root", 5, false)
	remoteRoot.Flags = 0x301
	tests := []struct {
		name string
		cfg  TailConfig
		in   []in
		want []string
		kept map[string]uint64
		drop map[string]uint64
	}{
		{
			name: "head-sampled spans pass at once",
			cfg:  TailConfig{KeepErrors: true, SlowRoot: time.Second},
			in:   []in{{mk(1, 2, 1, "child", 1, false), true}, {mk(1, 1, -1, "root", 1, false), true}},
			want: []string{"child", "root"},
			kept: map[string]uint64{ReasonHead: 2},
		},
		{
			name: "error anywhere keeps the whole trace",
			cfg:  TailConfig{KeepErrors: true, SlowRoot: time.Second},
			in: []in{
				{mk(1, 3, 2, "grandchild", 1, true), false},
				{mk(1, 2, 1, "child", 2, false), false},
				{mk(1, 1, -1, "root", 3, false), false},
			},
			want: []string{"grandchild", "child", "root"},
			kept: map[string]uint64{ReasonError: 3},
		},
		{
			name: "error rule off drops an erroring fast trace",
			cfg:  TailConfig{SlowRoot: time.Second},
			in:   []in{{mk(1, 2, 1, "child", 1, true), false}, {mk(1, 1, -1, "root", 3, false), false}},
			drop: map[string]uint64{ReasonFast: 2},
		},
		{
			name: "slow root keeps the trace",
			cfg:  TailConfig{KeepErrors: true, SlowRoot: 500 * time.Millisecond},
			in:   []in{{mk(1, 2, 1, "child", 1, false), false}, {mk(1, 1, -1, "root", 500, false), false}},
			want: []string{"child", "root"},
			kept: map[string]uint64{ReasonSlow: 2},
		},
		{
			name: "a slow child does not make a fast root slow",
			cfg:  TailConfig{SlowRoot: 500 * time.Millisecond},
			in:   []in{{mk(1, 2, 1, "child", 900, false), false}, {mk(1, 1, -1, "root", 499, false), false}},
			drop: map[string]uint64{ReasonFast: 2},
		},
		{
			name: "fast clean trace dropped whole",
			cfg:  TailConfig{KeepErrors: true, SlowRoot: time.Second},
			in:   []in{{mk(1, 2, 1, "child", 1, false), false}, {mk(1, 1, -1, "root", 10, false), false}},
			drop: map[string]uint64{ReasonFast: 2},
		},
		{
			name: "a span whose parent is remote is the local root",
			cfg:  TailConfig{KeepErrors: true},
			in:   []in{{mk(1, 2, 1, "child", 1, true), false}, {remoteRoot, false}},
			want: []string{"child", "remote-child-root"},
			kept: map[string]uint64{ReasonError: 2},
		},
		{
			name: "traces are decided independently",
			cfg:  TailConfig{KeepErrors: true},
			in: []in{
				{mk(1, 2, 1, "a.child", 1, false), false},
				{mk(2, 4, 3, "b.child", 1, true), false},
				{mk(1, 1, -1, "a.root", 1, false), false},
				{mk(2, 3, -1, "b.root", 1, false), false},
			},
			want: []string{"b.child", "b.root"},
			kept: map[string]uint64{ReasonError: 2},
			drop: map[string]uint64{ReasonFast: 2},
		},
		{
			name: "late spans follow the decision",
			cfg:  TailConfig{KeepErrors: true},
			in: []in{
				{mk(1, 1, -1, "kept.root", 1, true), false},
				{mk(1, 2, 1, "kept.late", 1, false), false},
				{mk(2, 3, -1, "dropped.root", 1, false), false},
				{mk(2, 4, 3, "dropped.late", 1, true), false},
			},
			want: []string{"kept.root", "kept.late"},
			kept: map[string]uint64{ReasonError: 2},
			drop: map[string]uint64{ReasonFast: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			tt.cfg.Now = c.now
			tail := NewTail(tt.cfg)
			var got []span.Span
			for _, v := range tt.in {
				tail.Process(v.s, v.sampled, func(s span.Span) { got = append(got, s) })
			}
			if !slices.Equal(names(got), tt.want) {
				t.Fatalf("emitted %q, want %q", names(got), tt.want)
			}
			st := tail.Stats()
			if !mapsEqual(st.Kept, tt.kept) || !mapsEqual(st.Dropped, tt.drop) {
				t.Errorf("kept %v dropped %v, want %v %v", st.Kept, st.Dropped, tt.kept, tt.drop)
			}
			if st.Waiting != 0 || st.Buffered != 0 {
				t.Errorf("still waiting: %d traces, %d spans", st.Waiting, st.Buffered)
			}
		})
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestTailLateCounted(t *testing.T) {
	tail := NewTail(TailConfig{KeepErrors: true})
	emit := func(span.Span) {}
	tail.Process(mk(1, 1, -1, "root", 1, false), false, emit)
	tail.Process(mk(1, 2, 1, "late", 1, false), false, emit)
	tail.Process(mk(1, 3, 1, "late2", 1, true), false, emit) // an error after the decision does not revive it
	st := tail.Stats()
	if st.Late != 2 || st.Dropped[ReasonFast] != 3 || st.TracesDropped != 1 || st.TracesKept != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTailTimeout(t *testing.T) {
	c := newClock()
	tail := NewTail(TailConfig{KeepErrors: true, Timeout: 10 * time.Second, Now: c.now})
	var got []span.Span
	emit := func(s span.Span) { got = append(got, s) }
	tail.Process(mk(1, 2, 1, "orphan.error", 1, true), false, emit) // root never ends
	tail.Process(mk(2, 4, 3, "orphan.clean", 1, false), false, emit)
	c.add(9 * time.Second)
	tail.Sweep(emit)
	if len(got) != 0 || tail.Stats().Waiting != 2 {
		t.Fatalf("decided before the timeout: %q, %+v", names(got), tail.Stats())
	}
	c.add(time.Second)
	tail.Sweep(nil) // the emit function of the last Process call
	if !slices.Equal(names(got), []string{"orphan.error"}) {
		t.Fatalf("emitted %q, want the erroring orphan", names(got))
	}
	st := tail.Stats()
	if st.TimedOut != 2 || st.Kept[ReasonError] != 1 || st.Dropped[ReasonFast] != 1 || st.Waiting != 0 {
		t.Fatalf("stats %+v", st)
	}
	// The roots end after all: they follow the timeout's decision.
	tail.Process(mk(1, 1, -1, "root1", 1, false), false, emit)
	tail.Process(mk(2, 3, -1, "root2", 1, false), false, emit)
	if !slices.Equal(names(got), []string{"orphan.error", "root1"}) || tail.Stats().Late != 2 {
		t.Fatalf("emitted %q, stats %+v", names(got), tail.Stats())
	}
}

// Process sweeps too: a new span arriving after the timeout decides the
// old trace without a Sweep call.
func TestTailProcessSweeps(t *testing.T) {
	c := newClock()
	tail := NewTail(TailConfig{KeepErrors: true, Timeout: time.Second, Now: c.now})
	var got []span.Span
	emit := func(s span.Span) { got = append(got, s) }
	tail.Process(mk(1, 2, 1, "old", 1, true), false, emit)
	c.add(2 * time.Second)
	tail.Process(mk(2, 3, -1, "new.sampled", 1, false), true, emit)
	if !slices.Equal(names(got), []string{"old", "new.sampled"}) || tail.Stats().TimedOut != 1 {
		t.Fatalf("emitted %q, stats %+v", names(got), tail.Stats())
	}
}

func TestTailBounds(t *testing.T) {
	tests := []struct {
		name      string
		cfg       TailConfig
		children  [][2]int // {trace, count} of non-root spans, in order
		overflow  uint64
		waiting   []int // traces still waiting
		droppedOF uint64
	}{
		{"max traces evicts the oldest trace", TailConfig{MaxTraces: 2}, [][2]int{{1, 1}, {2, 1}, {3, 1}}, 1, []int{2, 3}, 1},
		{"max spans evicts the oldest traces", TailConfig{MaxSpans: 5}, [][2]int{{1, 2}, {2, 2}, {3, 2}}, 1, []int{2, 3}, 2},
		{"a trace bigger than the buffer evicts itself", TailConfig{MaxSpans: 3}, [][2]int{{1, 4}}, 1, nil, 4},
		{"within bounds nothing is evicted", TailConfig{MaxTraces: 3, MaxSpans: 6}, [][2]int{{1, 2}, {2, 2}, {3, 2}}, 0, []int{1, 2, 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.KeepErrors = true
			tail := NewTail(tt.cfg)
			var got []span.Span
			emit := func(s span.Span) { got = append(got, s) }
			id := 100
			for _, c := range tt.children {
				for range c[1] {
					id++
					tail.Process(mk(c[0], id, 1, "child", 1, true), false, emit)
				}
			}
			st := tail.Stats()
			if st.Overflow != tt.overflow || st.Dropped[ReasonOverflow] != tt.droppedOF || st.Waiting != len(tt.waiting) {
				t.Fatalf("stats %+v", st)
			}
			// The waiting traces are still kept whole when their root ends
			// with an error; evicted ones stay dropped.
			for tr := 1; tr <= 3; tr++ {
				tail.Process(mk(tr, tr, -1, fmt.Sprintf("root%d", tr), 1, false), false, emit)
			}
			roots := []string{}
			for _, n := range names(got) {
				if n != "child" {
					roots = append(roots, n)
				}
			}
			var want []string
			for _, tr := range tt.waiting {
				want = append(want, fmt.Sprintf("root%d", tr))
			}
			if !slices.Equal(roots, want) && !(len(roots) == 0 && len(want) == 0) {
				t.Fatalf("kept roots %q, want %q", roots, want)
			}
			if st := tail.Stats(); st.Buffered != 0 || st.Waiting != 0 {
				t.Fatalf("left buffered: %+v", st)
			}
		})
	}
}

// The decision memory is an LRU: with room for one decision, the older
// trace is forgotten and its late span waits anew.
func TestTailDecisionMemoryBounded(t *testing.T) {
	tail := NewTail(TailConfig{KeepErrors: true, MaxDecisions: 1})
	emit := func(span.Span) {}
	tail.Process(mk(1, 1, -1, "root1", 1, true), false, emit)
	tail.Process(mk(2, 2, -1, "root2", 1, false), false, emit)
	tail.Process(mk(1, 3, 1, "late1", 1, false), false, emit) // forgotten: waits
	tail.Process(mk(2, 4, 2, "late2", 1, false), false, emit) // remembered: dropped
	st := tail.Stats()
	if st.Waiting != 1 || st.Late != 1 || st.Dropped[ReasonFast] != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTailConcurrentSafe(t *testing.T) {
	tail := NewTail(TailConfig{KeepErrors: true, MaxSpans: 50})
	var mu sync.Mutex
	kept := 0
	emit := func(span.Span) { mu.Lock(); kept++; mu.Unlock() }
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tr := g*1000 + i
				tail.Process(mk(tr, 2, 1, "child", 1, i%2 == 0), i%5 == 0, emit)
				tail.Process(mk(tr, 1, -1, "root", 1, false), i%5 == 0, emit)
				_ = tail.Stats()
			}
		}()
	}
	wg.Wait()
	st := tail.Stats()
	var total uint64
	for _, v := range st.Kept {
		total += v
	}
	if total != uint64(kept) {
		t.Fatalf("kept counter %d, emitted %d", total, kept)
	}
	for _, v := range st.Dropped {
		total += v
	}
	if total != 8*200*2 || st.Buffered != 0 {
		t.Fatalf("counted %d spans, want %d; stats %+v", total, 8*200*2, st)
	}
}
