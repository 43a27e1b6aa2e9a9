package cache

import "time"

// Option configures a store: [NewMemory] and cache/idb's Open take them.
type Option func(*Config)

// Config is what the options of a store set. Store implementations read it
// with [NewConfig]; callers use the With… options.
type Config struct {
	// Limits are the caps, zero fields set to their defaults (see
	// [Limits.Resolve]).
	Limits Limits
	// Clock returns the current time, which stamps stored spans and ages
	// them.
	Clock func() time.Time
}

// NewConfig applies opts to the defaults: [DefaultLimits] and time.Now.
func NewConfig(opts ...Option) Config {
	c := Config{Limits: DefaultLimits(), Clock: time.Now}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	c.Limits = c.Limits.Resolve()
	return c
}

// WithLimits sets the caps of the store. Default [DefaultLimits]; a zero
// field takes its default and a negative one means no cap.
func WithLimits(l Limits) Option {
	return func(c *Config) { c.Limits = l }
}

// WithClock sets the clock that stamps stored spans and decides their age.
// Default time.Now; nil keeps the default.
func WithClock(now func() time.Time) Option {
	return func(c *Config) {
		if now != nil {
			c.Clock = now
		}
	}
}
