package transfer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/spanfall/spanfall/tracer/span"
)

// ChromeEvent is one event of the Chrome trace event format (the JSON
// object format's traceEvents). Ts and Dur are microseconds since the
// earliest exported span start.
type ChromeEvent struct {
	Name string            `json:"name"`
	Cat  string            `json:"cat,omitempty"`
	Ph   string            `json:"ph"`
	Ts   float64           `json:"ts"`
	Dur  *float64          `json:"dur,omitempty"`
	Pid  int               `json:"pid"`
	Tid  int               `json:"tid"`
	ID   string            `json:"id,omitempty"`
	Args map[string]string `json:"args,omitempty"`
}

// ChromeFile is the JSON object form of a Chrome trace.
type ChromeFile struct {
	TraceEvents     []ChromeEvent     `json:"traceEvents"`
	DisplayTimeUnit string            `json:"displayTimeUnit"`
	OtherData       map[string]string `json:"otherData,omitempty"`
}

// ChromeTrace encodes spans as Chrome trace event JSON (the object form),
// which Perfetto and DevTools load.
//
// Mapping: each distinct service (resource service.name, else the
// resource) is a process, pid 1, 2, … in order of first start, named by a
// process_name metadata event. Within a process, root spans (and spans
// whose parent is not exported) are laid on threads ("lanes"), tid 1, 2, …:
// a root takes the first lane whose last root ended by its start. A span
// that lies within its parent's time, on the parent's lane, and does not
// overlap its previous complete sibling there is a complete event ("X") on
// that lane, so the events of a lane always nest. Any other span (it
// overlaps a sibling, outlives its parent, or its parent is async) is an
// async pair, "b" then "e", with cat "span" and id its span id, on the
// parent's lane. Timestamps are microseconds since the earliest start
// (otherData.startUnixNano keeps the origin); args hold the ids, kind,
// status and attributes. Unfinished spans are left out.
func ChromeTrace(spans []span.Span) ([]byte, error) {
	f := buildChrome(spans)
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("transfer: encode chrome trace: %w", err)
	}
	return b, nil
}

func buildChrome(spans []span.Span) ChromeFile {
	f := ChromeFile{TraceEvents: []ChromeEvent{}, DisplayTimeUnit: "ms"}
	var idx []int
	for i := range spans {
		if spans[i].EndTimeUnixNano >= spans[i].StartTimeUnixNano && spans[i].EndTimeUnixNano > 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return f
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		sa, sb := spans[a].StartTimeUnixNano, spans[b].StartTimeUnixNano
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		// Longer first, so that a parent precedes a child starting with it.
		ea, eb := spans[a].EndTimeUnixNano, spans[b].EndTimeUnixNano
		switch {
		case ea > eb:
			return -1
		case ea < eb:
			return 1
		}
		return 0
	})
	t0 := spans[idx[0]].StartTimeUnixNano
	f.OtherData = map[string]string{"startUnixNano": strconv.FormatUint(t0, 10), "exporter": "spanfall"}
	us := func(ns uint64) float64 { return float64(ns-t0) / 1e3 }

	key := func(s *span.Span) string { return s.TraceID + "/" + s.SpanID }
	byKey := make(map[string]int, len(idx))
	for _, i := range idx {
		byKey[key(&spans[i])] = i
	}
	pids := map[string]int{}
	type lane struct{ end uint64 }
	lanes := map[int][]lane{}
	// Per exported span: its pid and tid, whether it is complete, and
	// the end of its last complete child.
	type place struct {
		pid, tid int
		x        bool
		childEnd uint64
	}
	placed := make(map[int]*place, len(idx))
	for _, i := range idx {
		s := &spans[i]
		svc := service(s)
		pid, ok := pids[svc]
		if !ok {
			pid = len(pids) + 1
			pids[svc] = pid
			f.TraceEvents = append(f.TraceEvents, ChromeEvent{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]string{"name": svc}})
		}
		var pl *place
		if p, ok := byKey[s.TraceID+"/"+s.ParentSpanID]; ok && s.ParentSpanID != "" && placed[p] != nil && placed[p].pid == pid {
			pp, par := placed[p], &spans[p]
			pl = &place{pid: pid, tid: pp.tid}
			pl.x = pp.x && s.StartTimeUnixNano >= par.StartTimeUnixNano && s.EndTimeUnixNano <= par.EndTimeUnixNano &&
				s.StartTimeUnixNano >= pp.childEnd
			if pl.x {
				pp.childEnd = s.EndTimeUnixNano
			}
		} else {
			// A root: the first lane free at its start.
			ls := lanes[pid]
			tid := -1
			for k := range ls {
				if ls[k].end <= s.StartTimeUnixNano {
					tid = k
					break
				}
			}
			if tid < 0 {
				tid = len(ls)
				lanes[pid] = append(ls, lane{})
				f.TraceEvents = append(f.TraceEvents, ChromeEvent{Name: "thread_name", Ph: "M", Pid: pid, Tid: tid + 1, Args: map[string]string{"name": "lane " + strconv.Itoa(tid+1)}})
			}
			lanes[pid][tid].end = s.EndTimeUnixNano
			pl = &place{pid: pid, tid: tid + 1, x: true}
		}
		placed[i] = pl
		args := chromeArgs(s)
		if pl.x {
			d := float64(s.EndTimeUnixNano-s.StartTimeUnixNano) / 1e3
			f.TraceEvents = append(f.TraceEvents, ChromeEvent{Name: s.Name, Cat: s.Kind.String(), Ph: "X", Ts: us(s.StartTimeUnixNano), Dur: &d, Pid: pid, Tid: pl.tid, Args: args})
			continue
		}
		f.TraceEvents = append(f.TraceEvents,
			ChromeEvent{Name: s.Name, Cat: "span", Ph: "b", Ts: us(s.StartTimeUnixNano), Pid: pid, Tid: pl.tid, ID: "0x" + s.SpanID, Args: args},
			ChromeEvent{Name: s.Name, Cat: "span", Ph: "e", Ts: us(s.EndTimeUnixNano), Pid: pid, Tid: pl.tid, ID: "0x" + s.SpanID})
	}
	return f
}

// service names the process of a span.
func service(s *span.Span) string {
	if s.Resource == nil {
		return "unknown"
	}
	for _, kv := range s.Resource.Attributes {
		if kv.Key == "service.name" {
			return kv.Value.AsString()
		}
	}
	if s.Resource.ID != "" {
		return s.Resource.ID
	}
	return "unknown"
}

func chromeArgs(s *span.Span) map[string]string {
	a := map[string]string{"traceId": s.TraceID, "spanId": s.SpanID, "kind": s.Kind.String()}
	if s.ParentSpanID != "" {
		a["parentSpanId"] = s.ParentSpanID
	}
	switch s.Status.Code {
	case span.StatusError:
		a["status"] = "error"
	case span.StatusOK:
		a["status"] = "ok"
	}
	if s.Status.Message != "" {
		a["status.message"] = s.Status.Message
	}
	for _, kv := range s.Attributes {
		a[kv.Key] = kv.Value.AsString()
	}
	return a
}
