package cache

import "time"

// Default caps of a store, used for the zero fields of [Limits].
const (
	DefaultMaxSpans       = 20_000
	DefaultMaxBytes int64 = 16 << 20 // 16 MiB
	DefaultMaxAge         = 7 * 24 * time.Hour
)

// Limits bounds what a store keeps. A zero field takes its default
// ([DefaultMaxSpans], [DefaultMaxBytes], [DefaultMaxAge]); a negative one
// means no cap. When a cap is exceeded the store evicts spans by the policy
// of [Class]; see [Store.Put].
type Limits struct {
	// MaxSpans caps the number of stored spans.
	MaxSpans int
	// MaxBytes caps the sum of the stored sizes of the spans (see
	// [StoredRecord.Size]).
	MaxBytes int64
	// MaxAge caps how long ago a span may have been stored, by the store's
	// clock: older spans are evicted whatever their class.
	MaxAge time.Duration
}

// DefaultLimits returns the default caps: 20,000 spans, 16 MiB, 7 days.
func DefaultLimits() Limits {
	return Limits{MaxSpans: DefaultMaxSpans, MaxBytes: DefaultMaxBytes, MaxAge: DefaultMaxAge}
}

// Resolve returns l with its zero fields set to their defaults.
func (l Limits) Resolve() Limits {
	if l.MaxSpans == 0 {
		l.MaxSpans = DefaultMaxSpans
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxAge == 0 {
		l.MaxAge = DefaultMaxAge
	}
	return l
}

// Over returns the cap that u exceeds, count before bytes, and true; or
// false when u fits. Zero fields of l take their default.
func (l Limits) Over(u Usage) (Reason, bool) {
	l = l.Resolve()
	if l.MaxSpans > 0 && u.Spans > l.MaxSpans {
		return ReasonCount, true
	}
	if l.MaxBytes > 0 && u.Bytes > l.MaxBytes {
		return ReasonBytes, true
	}
	return 0, false
}

// Expired reports whether a span stored at stored is past MaxAge at now: it
// is when it was stored strictly before now-MaxAge. Nothing expires when
// MaxAge is negative.
func (l Limits) Expired(stored, now time.Time) bool {
	l = l.Resolve()
	return l.MaxAge > 0 && stored.Before(now.Add(-l.MaxAge))
}

// Usage is what a store holds, in the units of the caps.
type Usage struct {
	Spans int
	// Bytes is the sum of the records' [StoredRecord.Size].
	Bytes int64
}
