package cache_test

import (
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		exported, errorTrace bool
		want                 cache.Class
	}{
		{true, false, cache.ClassExported},
		{true, true, cache.ClassExportedError},
		{false, false, cache.ClassPending},
		{false, true, cache.ClassPendingError},
	}
	for _, tt := range tests {
		c := cache.ClassOf(tt.exported, tt.errorTrace)
		if c != tt.want || c.Exported() != tt.exported || c.ErrorTrace() != tt.errorTrace {
			t.Errorf("ClassOf(%v, %v) = %d (exported %v, error trace %v), want %d", tt.exported, tt.errorTrace, c, c.Exported(), c.ErrorTrace(), tt.want)
		}
	}
}

func TestLimitsOver(t *testing.T) {
	tests := []struct {
		name       string
		limits     cache.Limits
		usage      cache.Usage
		wantReason cache.Reason
		wantOver   bool
	}{
		{"fits", cache.Limits{MaxSpans: 10, MaxBytes: 100}, cache.Usage{Spans: 10, Bytes: 100}, 0, false},
		{"count", cache.Limits{MaxSpans: 10, MaxBytes: 100}, cache.Usage{Spans: 11, Bytes: 10}, cache.ReasonCount, true},
		{"bytes", cache.Limits{MaxSpans: 10, MaxBytes: 100}, cache.Usage{Spans: 1, Bytes: 101}, cache.ReasonBytes, true},
		{"count before bytes", cache.Limits{MaxSpans: 10, MaxBytes: 100}, cache.Usage{Spans: 11, Bytes: 101}, cache.ReasonCount, true},
		{"zero is the default", cache.Limits{}, cache.Usage{Spans: cache.DefaultMaxSpans, Bytes: cache.DefaultMaxBytes}, 0, false},
		{"zero is the default, over", cache.Limits{}, cache.Usage{Spans: cache.DefaultMaxSpans + 1}, cache.ReasonCount, true},
		{"negative is unlimited", cache.Limits{MaxSpans: -1, MaxBytes: -1}, cache.Usage{Spans: 1 << 40, Bytes: 1 << 50}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, over := tt.limits.Over(tt.usage)
			if r != tt.wantReason || over != tt.wantOver {
				t.Errorf("Over(%+v) = %v, %v; want %v, %v", tt.usage, r, over, tt.wantReason, tt.wantOver)
			}
		})
	}
}

func TestLimitsExpired(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		maxAge time.Duration
		stored time.Time
		want   bool
	}{
		{"younger", time.Hour, now.Add(-59 * time.Minute), false},
		{"exactly MaxAge old", time.Hour, now.Add(-time.Hour), false},
		{"older", time.Hour, now.Add(-time.Hour - time.Millisecond), true},
		{"default is 7 days", 0, now.Add(-7*24*time.Hour - time.Second), true},
		{"default, 6 days", 0, now.Add(-6 * 24 * time.Hour), false},
		{"negative never expires", -1, now.Add(-100 * 365 * 24 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (cache.Limits{MaxAge: tt.maxAge}).Expired(tt.stored, now); got != tt.want {
				t.Errorf("Expired = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvictionsAdd(t *testing.T) {
	var e cache.Evictions
	e.Add(cache.ReasonCount, cache.ClassExported)
	e.Add(cache.ReasonBytes, cache.ClassPending)
	e.Add(cache.ReasonAge, cache.ClassExportedError)
	e.Add(cache.ReasonQuota, cache.ClassPendingError)
	e.Add(cache.ReasonQuota, cache.ClassPending)
	want := cache.Evictions{Count: 1, Bytes: 1, Age: 1, Quota: 2, Exported: 2, Pending: 3, Errors: 2}
	if e != want || e.Total() != 5 {
		t.Errorf("Evictions = %+v (total %d), want %+v (total 5)", e, e.Total(), want)
	}
	e.Merge(want)
	if want2 := (cache.Evictions{Count: 2, Bytes: 2, Age: 2, Quota: 4, Exported: 4, Pending: 6, Errors: 4}); e != want2 {
		t.Errorf("after Merge: %+v, want %+v", e, want2)
	}
}

func TestTrim(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	trim := cache.NewTrim(cache.Limits{MaxSpans: 2, MaxBytes: 150, MaxAge: time.Hour}, now, cache.Usage{Spans: 2, Bytes: 200})
	if trim.Expired(now.Add(-time.Hour)) || !trim.Expired(now.Add(-2*time.Hour)) {
		t.Error("Expired disagrees with MaxAge")
	}
	trim.Add(2, 200)
	var reasons []cache.Reason
	for {
		r, over := trim.Over()
		if !over {
			break
		}
		reasons = append(reasons, r)
		trim.Evict(r, cache.ClassPending, 100)
	}
	// 4 spans, 400 bytes: two go for the count, then one for the bytes.
	if want := []cache.Reason{cache.ReasonCount, cache.ReasonCount, cache.ReasonBytes}; len(reasons) != 3 || reasons[0] != want[0] || reasons[1] != want[1] || reasons[2] != want[2] {
		t.Errorf("reasons = %v, want %v", reasons, want)
	}
	if u := trim.Usage(); u != (cache.Usage{Spans: 1, Bytes: 100}) {
		t.Errorf("Usage = %+v, want 1 span, 100 bytes", u)
	}
	if e := trim.Evicted(); e != (cache.Evictions{Count: 2, Bytes: 1, Pending: 3}) {
		t.Errorf("Evicted = %+v", e)
	}
}

func TestQuotaVictims(t *testing.T) {
	for _, tt := range []struct{ spans, want int }{{0, 0}, {-1, 0}, {1, 1}, {3, 1}, {4, 1}, {5, 2}, {8, 2}, {20000, 5000}} {
		if got := cache.QuotaVictims(tt.spans); got != tt.want {
			t.Errorf("QuotaVictims(%d) = %d, want %d", tt.spans, got, tt.want)
		}
	}
}

func TestNewConfig(t *testing.T) {
	c := cache.NewConfig()
	if c.Limits != cache.DefaultLimits() || c.Clock == nil {
		t.Errorf("NewConfig() = %+v, want the default limits and a clock", c)
	}
	if got := cache.DefaultLimits(); got != (cache.Limits{MaxSpans: 20_000, MaxBytes: 16 << 20, MaxAge: 7 * 24 * time.Hour}) {
		t.Errorf("DefaultLimits() = %+v", got)
	}
	fixed := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c = cache.NewConfig(cache.WithLimits(cache.Limits{MaxSpans: 5, MaxAge: -1}), cache.WithClock(func() time.Time { return fixed }), nil)
	if want := (cache.Limits{MaxSpans: 5, MaxBytes: cache.DefaultMaxBytes, MaxAge: -1}); c.Limits != want {
		t.Errorf("Limits = %+v, want %+v", c.Limits, want)
	}
	if !c.Clock().Equal(fixed) {
		t.Errorf("Clock() = %v, want %v", c.Clock(), fixed)
	}
	if c := cache.NewConfig(cache.WithClock(nil)); c.Clock == nil {
		t.Error("WithClock(nil) left no clock")
	}
}

func TestBatchTraces(t *testing.T) {
	mk := func(tr string, failed bool) span.Span {
		s := span.Span{TraceID: tr}
		if failed {
			s.Status.Code = span.StatusError
		}
		return s
	}
	got := cache.BatchTraces([]span.Span{mk("b", false), mk("a", false), mk("b", true), mk("b", false)})
	want := []cache.BatchTrace{{TraceID: "b", Spans: 3, Error: true}, {TraceID: "a", Spans: 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("BatchTraces = %+v, want %+v", got, want)
	}
}
