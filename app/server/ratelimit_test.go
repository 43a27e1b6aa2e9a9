package server_test

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanfall/spanfall/app/server"
)

// fakeClock is a settable clock for the rate limiter and rotation.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// postFrom serves one valid request from remoteAddr (with an optional
// X-Forwarded-For) on h, without a network.
func postFrom(t *testing.T, h http.Handler, remoteAddr, xff string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/traces", bytes.NewReader(testJSON(t)))
	r.RemoteAddr = remoteAddr
	r.Header.Set("Content-Type", "application/json")
	if xff != "" {
		r.Header.Set("X-Forwarded-For", xff)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRateLimitBurst(t *testing.T) {
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	s, err := server.New(server.Config{SinkPath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const alice, bob = "192.0.2.1:40000", "192.0.2.2:40000"

	accepted := 0
	expect := func(who string, want int) *httptest.ResponseRecorder {
		t.Helper()
		w := postFrom(t, s, who, "")
		if w.Code != want {
			t.Fatalf("%s: status = %d, want %d; body %q", who, w.Code, want, w.Body)
		}
		if want == http.StatusOK {
			accepted++
		}
		return w
	}
	// The documented burst passes at once...
	for range server.DefaultRateBurst {
		expect(alice, http.StatusOK)
	}
	// ...the next is refused with a clear 429.
	w := expect(alice, http.StatusTooManyRequests)
	if got := w.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1 (a token every 50 ms, rounded up)", got)
	}
	if st := readStatus(t, "application/json", w.Body.Bytes()); st.Code != 8 || !strings.Contains(st.Message, "rate limit: 20 requests/s per client, bursts of 40") {
		t.Errorf("Status = %+v, want code 8 (RESOURCE_EXHAUSTED) naming the limit", st)
	}
	// Another client has its own bucket.
	expect(bob, http.StatusOK)
	// One token every 1/20 s.
	clock.Advance(50 * time.Millisecond)
	expect(alice, http.StatusOK)
	expect(alice, http.StatusTooManyRequests)
	// A full refill after burst/rate = 2 s.
	clock.Advance(2 * time.Second)
	for range server.DefaultRateBurst {
		expect(alice, http.StatusOK)
	}
	expect(alice, http.StatusTooManyRequests)

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if lines := fileLines(t, path); len(lines) != accepted {
		t.Errorf("file has %d lines, want the %d accepted requests", len(lines), accepted)
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	tests := []struct {
		name    string
		rate    float64
		advance time.Duration
		want    string
	}{
		{name: "one every 10 s", rate: 0.1, want: "10"},
		{name: "one every 10 s, 4.5 s later", rate: 0.1, advance: 4500 * time.Millisecond, want: "6"},
		{name: "fast", rate: 1000, want: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			sink, err := server.NewSink(filepath.Join(t.TempDir(), "t.jsonl"), server.WithRateLimit(tt.rate, 1), server.WithClock(clock.Now))
			if err != nil {
				t.Fatal(err)
			}
			defer sink.Close()
			if w := postFrom(t, sink, "192.0.2.1:1", ""); w.Code != http.StatusOK {
				t.Fatalf("first request: %d", w.Code)
			}
			clock.Advance(tt.advance)
			w := postFrom(t, sink, "192.0.2.1:1", "")
			if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != tt.want {
				t.Errorf("got %d Retry-After %q, want 429 and %s", w.Code, w.Header().Get("Retry-After"), tt.want)
			}
		})
	}
}

func TestRateLimitOff(t *testing.T) {
	sink, err := server.NewSink(filepath.Join(t.TempDir(), "t.jsonl"), server.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	for i := range 3 * server.DefaultRateBurst {
		if w := postFrom(t, sink, "192.0.2.1:1", ""); w.Code != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200 with no limit", i, w.Code)
		}
	}
}

// TestRateLimitClientAddress checks which requests share a bucket: the
// second request of each pair is refused exactly when both map to the
// same client (burst 1, no refill).
func TestRateLimitClientAddress(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	type req struct{ remote, xff string }
	tests := []struct {
		name       string
		trusted    []netip.Prefix
		first, sec req
		same       bool
	}{
		{name: "same peer, other port", first: req{"192.0.2.1:1", ""}, sec: req{"192.0.2.1:2", ""}, same: true},
		{name: "other peers", first: req{"192.0.2.1:1", ""}, sec: req{"192.0.2.2:1", ""}, same: false},
		{name: "X-Forwarded-For ignored by default", first: req{"192.0.2.1:1", "198.51.100.1"}, sec: req{"192.0.2.1:1", "198.51.100.2"}, same: true},
		{name: "X-Forwarded-For from an untrusted peer ignored", trusted: proxies, first: req{"192.0.2.1:1", "198.51.100.1"}, sec: req{"192.0.2.1:1", "198.51.100.2"}, same: true},
		{name: "trusted proxy: clients told apart", trusted: proxies, first: req{"10.0.0.1:1", "198.51.100.1"}, sec: req{"10.0.0.1:1", "198.51.100.2"}, same: false},
		{name: "trusted proxy: one client through two proxies", trusted: proxies, first: req{"10.0.0.1:1", "198.51.100.1, 10.0.0.2"}, sec: req{"10.0.0.3:1", "198.51.100.1"}, same: true},
		{name: "trusted proxy: spoofed left-most hops ignored", trusted: proxies, first: req{"10.0.0.1:1", "6.6.6.6, 198.51.100.1"}, sec: req{"10.0.0.1:1", "7.7.7.7, 198.51.100.1"}, same: true},
		{name: "trusted proxy: garbage hop falls back to the proxy", trusted: proxies, first: req{"10.0.0.1:1", "nonsense"}, sec: req{"10.0.0.1:1", "junk"}, same: true},
		{name: "IPv6 same /64", first: req{"[2001:db8:1:2::1]:1", ""}, sec: req{"[2001:db8:1:2:ffff::9]:1", ""}, same: true},
		{name: "IPv6 other /64", first: req{"[2001:db8:1:2::1]:1", ""}, sec: req{"[2001:db8:1:3::1]:1", ""}, same: false},
		{name: "IPv4-mapped IPv6 is IPv4", first: req{"[::ffff:192.0.2.1]:1", ""}, sec: req{"192.0.2.1:1", ""}, same: true},
		{name: "trusted IPv6 proxy", trusted: proxies, first: req{"[2001:db8:ffff::1]:1", "192.0.2.1"}, sec: req{"[2001:db8:ffff::2]:1", "192.0.2.2"}, same: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			sink, err := server.NewSink(filepath.Join(t.TempDir(), "t.jsonl"),
				server.WithRateLimit(1e-9, 1), server.WithClock(clock.Now), server.WithTrustedProxies(tt.trusted...))
			if err != nil {
				t.Fatal(err)
			}
			defer sink.Close()
			if w := postFrom(t, sink, tt.first.remote, tt.first.xff); w.Code != http.StatusOK {
				t.Fatalf("first request: %d", w.Code)
			}
			w := postFrom(t, sink, tt.sec.remote, tt.sec.xff)
			if got := w.Code == http.StatusTooManyRequests; got != tt.same {
				t.Errorf("second request: status %d; same client = %v, want %v", w.Code, got, tt.same)
			}
		})
	}
}

// TestMaxInFlight fills the in-flight cap with a request the collector
// holds: the next one is answered 503 with Retry-After at once, and the
// held one still succeeds.
func TestMaxInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	collector := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusOK)
	})
	relay, _ := startRelay(t, collector, server.WithMaxInFlight(1), server.WithErrorLog(log.New(io.Discard, "", 0)))

	done := make(chan int)
	go func() {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, relay.URL, bytes.NewReader(testJSON(t)))
		if err != nil {
			done <- 0
			return
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-entered
	resp, body := post(t, relay.URL, "application/json", "", testJSON(t))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("second request: %d Retry-After %q, want 503 and 1; body %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if st := readStatus(t, "application/json", body); !strings.Contains(st.Message, "server busy") {
		t.Errorf("message %q, want server busy", st.Message)
	}
	close(release)
	if code := <-done; code != http.StatusOK {
		t.Errorf("held request: status %d, want 200", code)
	}
}
