package viewer_test

import (
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

func TestPlaceLabel(t *testing.T) {
	const label = 0.1 // needs 0.11 with the gap
	tests := []struct {
		name          string
		offset, width float64
		want          viewer.LabelSide
	}{
		{name: "short bar at the start: right", offset: 0, width: 0.1, want: viewer.LabelRight},
		{name: "room right", offset: 0.5, width: 0.38, want: viewer.LabelRight},
		{name: "bar to the end from 0.2: left", offset: 0.2, width: 0.8, want: viewer.LabelLeft},
		{name: "bar to the end from 0.05, wide: inside", offset: 0.05, width: 0.95, want: viewer.LabelInside},
		{name: "whole trace: inside", offset: 0, width: 1, want: viewer.LabelInside},
		{name: "narrow bar at the end: left", offset: 0.95, width: 0.05, want: viewer.LabelLeft},
		{name: "zero-width bar at the end: left", offset: 1, width: 0, want: viewer.LabelLeft},
		{name: "narrow bar, no room anywhere, more room right", offset: 0.02, width: 0.9, want: viewer.LabelInside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viewer.PlaceLabel(tt.offset, tt.width, label); got != tt.want {
				t.Errorf("PlaceLabel(%v, %v) = %v, want %v", tt.offset, tt.width, got, tt.want)
			}
		})
	}
	// A label wider than the track: the side with more room.
	if got := viewer.PlaceLabel(0.3, 0.05, 2); got != viewer.LabelRight {
		t.Errorf("huge label, more room right = %v", got)
	}
	if got := viewer.PlaceLabel(0.7, 0.05, 2); got != viewer.LabelLeft {
		t.Errorf("huge label, more room left = %v", got)
	}
}

func TestLabelWidth(t *testing.T) {
	if got := viewer.LabelWidth(4, 400); got != (4*6.5+8)/400 {
		t.Errorf("LabelWidth(4, 400) = %v", got)
	}
	if got := viewer.LabelWidth(4, 0); got != (4*6.5+8)/600 {
		t.Errorf("LabelWidth(4, 0) = %v, want the 600px default", got)
	}
}

func TestEventMarkers(t *testing.T) {
	s := span.Span{Events: []span.Event{
		{Name: "before", TimeUnixNano: 50},
		{Name: "start", TimeUnixNano: 100},
		{Name: "quarter", TimeUnixNano: 350},
		{Name: "after", TimeUnixNano: 5000},
	}}
	got := viewer.EventMarkers(&s, 100, 1100, -1)
	want := []viewer.Marker{{0, 0, "before"}, {0, 1, "start"}, {0.25, 2, "quarter"}, {1, 3, "after"}}
	if len(got) != len(want) {
		t.Fatalf("EventMarkers = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("marker %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := viewer.EventMarkers(&s, 100, 1100, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d markers", len(got))
	}
	if got := viewer.EventMarkers(&s, 100, 100, -1); got[2].Offset != 0 {
		t.Errorf("zero-length trace marker at %v, want 0", got[2].Offset)
	}
	if got := viewer.EventMarkers(&span.Span{}, 0, 10, -1); got != nil {
		t.Errorf("no events gave %v", got)
	}
}
