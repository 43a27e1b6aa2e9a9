package server

import (
	"log"
	"net/http"
	"net/netip"
	"time"
)

// Defaults of the OTLP endpoint's limits. Each is the value a zero
// [Config] field or an omitted [Option] stands for.
const (
	// DefaultMaxBodyBytes bounds a request body as it arrives on the wire
	// (1 MiB). The browser exporter's largest request, 512 spans as gzipped
	// protobuf, is 20–40 KB; its uncompressed JSON form stays well under it.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMaxDecodedBytes bounds a body after gunzipping (8 MiB), so a
	// gzip bomb costs at most this much memory.
	DefaultMaxDecodedBytes = 8 << 20
	// DefaultRateLimit is the sustained requests per second allowed per
	// client address. One browser exports one request at a time across
	// all its tabs (a Web Lock), a batch of 512 spans every 10 s or so:
	// 20/s leaves room for many browsers behind one NAT address.
	DefaultRateLimit = 20
	// DefaultRateBurst is the token bucket's size per client address: a
	// browser coming back online drains a full store (20,000 spans, 40
	// batches of 512) in one burst without a 429.
	DefaultRateBurst = 40
	// DefaultMaxInFlight bounds requests being read, decoded, written or
	// relayed at once; past it the endpoint answers 503 with Retry-After.
	// With the body caps it bounds the endpoint's memory.
	DefaultMaxInFlight = 64
	// DefaultUpstreamTimeout bounds one relayed request, from sending it
	// to reading the collector's answer.
	DefaultUpstreamTimeout = 10 * time.Second
	// DefaultSinkMaxFileBytes is the size past which the sink rotates its
	// file (64 MiB).
	DefaultSinkMaxFileBytes = 64 << 20
	// DefaultSinkKeepFiles is how many rotated files the sink keeps.
	DefaultSinkKeepFiles = 5
)

// retryAfterUnavailable is the Retry-After of the 503s the server makes
// up itself: collector down or slow, sink unable to write.
const retryAfterUnavailable = 5 * time.Second

// Option configures a [Sink] or a [Relay]. Options about the upstream
// collector apply to the relay only and rotation to the sink only; the
// other component ignores them.
type Option func(*options)

type options struct {
	maxBody, maxDecoded int64
	rate                float64 // requests per second; <= 0: no limit
	burst               int
	trusted             []netip.Prefix
	corsOrigins         []string
	maxInFlight         int // <= 0: no cap
	now                 func() time.Time
	errorLog            *log.Logger

	sinkMaxFile int64 // <= 0: never rotate
	sinkKeep    int   // < 0: keep all

	upstreamHeaders map[string]string
	upstreamTimeout time.Duration
	client          *http.Client
}

func newOptions(opts []Option) options {
	o := options{
		maxBody:         DefaultMaxBodyBytes,
		maxDecoded:      DefaultMaxDecodedBytes,
		rate:            DefaultRateLimit,
		burst:           DefaultRateBurst,
		maxInFlight:     DefaultMaxInFlight,
		now:             time.Now,
		errorLog:        log.Default(),
		sinkMaxFile:     DefaultSinkMaxFileBytes,
		sinkKeep:        DefaultSinkKeepFiles,
		upstreamTimeout: DefaultUpstreamTimeout,
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithMaxBodyBytes bounds a request body as received (compressed or not);
// a larger one is refused with 413 before it is read in full. n <= 0
// keeps the default, [DefaultMaxBodyBytes].
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBody = n
		}
	}
}

// WithMaxDecodedBytes bounds a gzipped body once decompressed; past it
// the request is refused with 413 (a gzip bomb stops there). n <= 0 keeps
// the default, [DefaultMaxDecodedBytes].
func WithMaxDecodedBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxDecoded = n
		}
	}
}

// WithRateLimit limits each client address to perSecond requests per
// second with bursts of burst requests (a token bucket); a request over
// the limit is answered 429 with Retry-After. perSecond <= 0 turns the
// limit off; burst <= 0 means [DefaultRateBurst]. Default:
// [DefaultRateLimit] per second, burst [DefaultRateBurst].
func WithRateLimit(perSecond float64, burst int) Option {
	return func(o *options) {
		o.rate = perSecond
		o.burst = burst
		if burst <= 0 {
			o.burst = DefaultRateBurst
		}
	}
}

// WithTrustedProxies makes the client address of a request that comes
// from one of these proxies the right-most X-Forwarded-For address that
// is not itself a trusted proxy. Default: none, the client address is the
// connection's peer and X-Forwarded-For is ignored (anyone can send it).
func WithTrustedProxies(proxies ...netip.Prefix) Option {
	return func(o *options) { o.trusted = append([]netip.Prefix(nil), proxies...) }
}

// WithCORSOrigins lets pages of these origins ("https://app.example.com",
// scheme, host and port only; "*" for any) post traces cross-origin.
// Default: none, same origin only: a preflight from another origin is
// refused with 403 and so is a POST that names another origin.
func WithCORSOrigins(origins ...string) Option {
	return func(o *options) { o.corsOrigins = append([]string(nil), origins...) }
}

// WithMaxInFlight bounds the requests handled at once; past it the
// endpoint answers 503 with Retry-After. n < 0 means no bound; 0 keeps
// the default, [DefaultMaxInFlight].
func WithMaxInFlight(n int) Option {
	return func(o *options) {
		if n != 0 {
			o.maxInFlight = n
		}
	}
}

// WithClock replaces time.Now for the rate limiter and the sink's rotated
// file names. For tests.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithRotation (sink only) rotates the sink's file once appending a line
// would take it past maxFileBytes: the file is renamed to
// <name>-<UTC timestamp><ext> and a new one started; only the keep newest
// rotated files are kept. maxFileBytes < 0 never rotates, 0 keeps the
// default ([DefaultSinkMaxFileBytes]); keep < 0 keeps every rotated file,
// 0 keeps the default ([DefaultSinkKeepFiles]).
func WithRotation(maxFileBytes int64, keep int) Option {
	return func(o *options) {
		if maxFileBytes != 0 {
			o.sinkMaxFile = maxFileBytes
		}
		if keep != 0 {
			o.sinkKeep = keep
		}
	}
}

// WithUpstreamHeaders (relay only) adds these headers to every request
// sent to the collector, typically its credentials. They come from the
// server's environment and never reach the browser: no response carries
// them. Content-Type, Content-Encoding, Content-Length, Host and
// Transfer-Encoding cannot be set this way.
func WithUpstreamHeaders(h map[string]string) Option {
	return func(o *options) {
		o.upstreamHeaders = make(map[string]string, len(h))
		for k, v := range h {
			o.upstreamHeaders[k] = v
		}
	}
}

// WithUpstreamTimeout (relay only) bounds one relayed request, from
// sending it to reading the collector's answer; past it the browser gets
// 503 with Retry-After. d <= 0 keeps the default,
// [DefaultUpstreamTimeout].
func WithUpstreamTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.upstreamTimeout = d
		}
	}
}

// WithHTTPClient (relay only) sends relayed requests with c instead of
// the relay's own client. The relay's timeout still applies through the
// request's context; redirects should be disabled (the relay's own client
// never follows them, so data and credentials go nowhere but the
// configured endpoint).
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.client = c }
}

// WithErrorLog logs the failures the endpoint does not tell clients about
// in detail: the collector's address and transport error, the sink's
// file path and write error. The client still gets a 5xx with a short
// message. Default: log.Default(); nil keeps the default.
func WithErrorLog(l *log.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.errorLog = l
		}
	}
}
