package viewer_test

import (
	"net/url"
	"testing"

	"github.com/spanfall/spanfall/viewer"
)

func TestViewStateRoundTrip(t *testing.T) {
	const tid = "4bf92f3577b34da6a3ce929d0e0e4736"
	const sid = "00f067aa0ba902b7"
	tests := []struct {
		name  string
		query string
		want  viewer.ViewState
		path  string
	}{
		{name: "nothing", query: "", want: viewer.ViewState{}, path: "/viewer"},
		{name: "trace", query: "trace=" + tid, want: viewer.ViewState{Trace: tid}, path: "/viewer?trace=" + tid},
		{name: "everything", query: "collapsed=00f067aa0ba902b7,0000000000000001&span=" + sid + "&trace=" + tid,
			want: viewer.ViewState{Trace: tid, Span: sid, Fold: "00f067aa0ba902b7,0000000000000001"},
			path: "/viewer?trace=" + tid + "&span=" + sid + "&collapsed=00f067aa0ba902b7,0000000000000001"},
		{name: "level fold stays readable", query: "trace=" + tid + "&collapsed=level:2",
			want: viewer.ViewState{Trace: tid, Fold: "level:2"}, path: "/viewer?trace=" + tid + "&collapsed=level:2"},
		{name: "upper-case ids are lowered", query: "trace=4BF92F3577B34DA6A3CE929D0E0E4736&span=00F067AA0BA902B7",
			want: viewer.ViewState{Trace: tid, Span: sid}, path: "/viewer?trace=" + tid + "&span=" + sid},
		{name: "bad trace drops everything", query: "trace=nope&span=" + sid + "&collapsed=all", want: viewer.ViewState{}, path: "/viewer"},
		{name: "bad span is dropped", query: "trace=" + tid + "&span=<script>", want: viewer.ViewState{Trace: tid}, path: "/viewer?trace=" + tid},
		{name: "odd fold text is escaped", query: "trace=" + tid + "&collapsed=a%26b%3Dc",
			want: viewer.ViewState{Trace: tid, Fold: "a&b=c"}, path: "/viewer?trace=" + tid + "&collapsed=a%26b%3Dc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got := viewer.ParseViewState(q)
			if got != tt.want {
				t.Errorf("ParseViewState = %+v, want %+v", got, tt.want)
			}
			if p := got.Path("/viewer"); p != tt.path {
				t.Errorf("Path = %q, want %q", p, tt.path)
			}
			u, err := url.Parse(got.Path("/viewer"))
			if err != nil {
				t.Fatal(err)
			}
			if again := viewer.ParseViewState(u.Query()); again != got {
				t.Errorf("round trip = %+v, want %+v", again, got)
			}
		})
	}
}
