package goapp

import (
	"net/url"
	"testing"
	"time"
)

func TestNavTracker(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type step struct {
		begin    string // kind; "" = an OnNav
		t        int
		route    string
		ok       bool
		kind     string
		startMS  int
		previous string
	}
	tests := []struct {
		name   string
		origin int
		steps  []step
	}{
		{"initial from the navigation start, then a link", 0, []step{
			{t: 3000, route: "/", ok: true, kind: KindInitial, startMS: 0},
			{t: 3001, route: "/"}, // a second component's OnNav
			{begin: KindLink, t: 5000},
			{t: 5040, route: "/lab", ok: true, kind: KindLink, startMS: 5000, previous: "/"},
			{begin: KindHistory, t: 6000},
			{t: 6010, route: "/", ok: true, kind: KindHistory, startMS: 6000, previous: "/lab"},
		}},
		{"unseen start is code, from OnNav", 0, []step{
			{t: 100, route: "/", ok: true, kind: KindInitial, startMS: 0},
			{t: 200, route: "/x", ok: true, kind: KindCode, startMS: 200, previous: "/"},
		}},
		{"a stale start is ignored", 0, []step{
			{t: 100, route: "/", ok: true, kind: KindInitial, startMS: 0},
			{begin: KindLink, t: 200},
			{t: 200 + int(maxPending/time.Millisecond) + 1, route: "/y", ok: true, kind: KindCode, startMS: 200 + int(maxPending/time.Millisecond) + 1, previous: "/"},
		}},
		{"the same route again after a seen start is a navigation", 0, []step{
			{t: 100, route: "/", ok: true, kind: KindInitial, startMS: 0},
			{begin: KindLink, t: 300},
			{t: 320, route: "/", ok: true, kind: KindLink, startMS: 300, previous: "/"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &navTracker{origin: at(tt.origin)}
			for i, s := range tt.steps {
				if s.begin != "" {
					n.begin(at(s.t), s.begin)
					continue
				}
				r, ok := n.end(at(s.t), s.route)
				if ok != s.ok {
					t.Fatalf("step %d: ok %v", i, ok)
				}
				if !ok {
					continue
				}
				if r.Kind != s.kind || !r.Start.Equal(at(s.startMS)) || !r.End.Equal(at(s.t)) || r.Prev != s.previous || r.Route != s.route {
					t.Fatalf("step %d: %+v", i, r)
				}
			}
		})
	}
}

func TestRouteOf(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/": "/", "/lab?token=s#x": "/lab", "https://h/a/b?q": "/a/b"} {
		u, _ := url.Parse(in)
		if got := routeOf(u); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", in, got, want)
		}
	}
	if routeOf(nil) != "/" {
		t.Error("routeOf(nil)")
	}
}

func TestNavRecordSpan(t *testing.T) {
	sr := useRecorder(t)
	t0 := time.Unix(1_800_000_000, 0)
	navRecord{Start: t0, End: t0.Add(40 * time.Millisecond), Route: "/lab", Prev: "/", Kind: KindLink}.record(tracer())
	s := sr.Ended()[0]
	got := map[string]string{}
	for _, kv := range s.Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	if s.Name() != NavSpanName || got["app.route"] != "/lab" || got["url.path"] != "/lab" || got["app.route.previous"] != "/" || got["app.navigation.kind"] != "link" || s.Parent().IsValid() {
		t.Fatalf("span %q %v", s.Name(), got)
	}
}
