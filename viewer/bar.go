package viewer

import (
	"github.com/spanfall/spanfall/tracer/span"
)

// LabelSide says where a bar's duration label goes.
type LabelSide uint8

// Label sides. Right and Left are outside the bar, Inside is within its
// right end.
const (
	LabelRight LabelSide = iota
	LabelInside
	LabelLeft
)

// String names the side, as used in CSS classes.
func (s LabelSide) String() string {
	switch s {
	case LabelInside:
		return "inside"
	case LabelLeft:
		return "left"
	}
	return "right"
}

// labelGap is the room kept between a bar and a label outside it, as a
// fraction of the label's width.
const labelGap = 0.1

// PlaceLabel chooses where the duration label of a bar goes so it can be
// read: right of the bar when it fits before the track's end, else left
// of the bar when it fits after the track's start, else inside the bar
// when the bar is wide enough (event markers may sit there), else on the
// side with more room. offset and width place the bar and labelWidth is
// the label's width, all as fractions of the track.
func PlaceLabel(offset, width, labelWidth float64) LabelSide {
	need := labelWidth * (1 + labelGap)
	room := 1 - (offset + width)
	switch {
	case room >= need:
		return LabelRight
	case offset >= need:
		return LabelLeft
	case width >= need:
		return LabelInside
	case offset > room:
		return LabelLeft
	}
	return LabelRight
}

// LabelWidth estimates the width of a label of n characters as a fraction
// of a track trackPx pixels wide (about 6.5px a character in the 11px
// tabular font of the labels, plus padding). An unknown track width (0)
// counts as 600px.
func LabelWidth(n int, trackPx float64) float64 {
	if trackPx <= 0 {
		trackPx = 600
	}
	return (float64(n)*6.5 + 8) / trackPx
}

// Marker is a span event drawn on the waterfall: its place on the track
// (0 is the trace start, 1 its end) and its index in the span's events.
type Marker struct {
	Offset float64
	Index  int
	Name   string
}

// EventMarkers places up to limit events of s on the track of a trace
// spanning [start, end] in Unix ns; events outside the trace are clamped
// to its edges. limit < 0 means no limit.
func EventMarkers(s *span.Span, start, end uint64, limit int) []Marker {
	n := len(s.Events)
	if limit >= 0 {
		n = min(n, limit)
	}
	if n == 0 {
		return nil
	}
	out := make([]Marker, 0, n)
	total := float64(end - start)
	for i, e := range s.Events[:n] {
		off := 0.0
		switch {
		case e.TimeUnixNano <= start || total <= 0:
		case e.TimeUnixNano >= end:
			off = 1
		default:
			off = float64(e.TimeUnixNano-start) / total
		}
		out = append(out, Marker{Offset: off, Index: i, Name: e.Name})
	}
	return out
}

// BarLabel returns the label drawn by a row's bar: its duration, or
// "unfinished" for a span with no end.
func BarLabel(r *Row) string {
	if r.Unfinished {
		return "unfinished"
	}
	return FormatDuration(r.Record.Span.Duration())
}
