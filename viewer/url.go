package viewer

import (
	"net/url"
	"strings"
)

// ViewState is what a /viewer URL says about the view, so that a reload
// or a shared link shows the same thing: the open trace, the selected span
// (its detail pane open) and the folded spans, as
// /viewer?trace=<32 hex>&span=<16 hex>&collapsed=<fold>.
type ViewState struct {
	Trace string
	Span  string
	// Fold is the collapsed parameter, read with [DecodeFold] once the
	// trace's rows are known.
	Fold string
	// Window is the zoom window ([EncodeWindow]), "" for the whole trace.
	Window string
}

// ParseViewState reads a URL query. Malformed ids are dropped: they come
// from whoever wrote the link.
func ParseViewState(q url.Values) ViewState {
	v := ViewState{
		Trace: strings.ToLower(q.Get("trace")),
		Span:  strings.ToLower(q.Get("span")),
		Fold:  q.Get("collapsed"),
	}
	if w := DecodeWindow(q.Get("window")); !w.IsFull() {
		v.Window = EncodeWindow(w)
	}
	if !validHexID(v.Trace, 32) {
		v = ViewState{}
	}
	if !validHexID(v.Span, 16) {
		v.Span = ""
	}
	if len(v.Fold) > 16*maxFoldIDs+maxFoldIDs {
		v.Fold = ""
	}
	return v
}

// Path returns the view's URL path and query under base (e.g. "/viewer"):
// parameters in a fixed order, empty ones left out.
func (v ViewState) Path(base string) string {
	if v.Trace == "" {
		return base
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("?trace=")
	b.WriteString(url.QueryEscape(v.Trace))
	if v.Span != "" {
		b.WriteString("&span=")
		b.WriteString(url.QueryEscape(v.Span))
	}
	if v.Fold != "" {
		b.WriteString("&collapsed=")
		// Commas and colons are safe in a query: keep the link readable.
		b.WriteString(strings.NewReplacer("%2C", ",", "%3A", ":").Replace(url.QueryEscape(v.Fold)))
	}
	if v.Window != "" {
		b.WriteString("&window=")
		b.WriteString(strings.ReplaceAll(url.QueryEscape(v.Window), "%2C", ","))
	}
	return b.String()
}

// validHexID reports whether id is n lower-case hex characters: the OTLP
// JSON form of a trace (n=32) or span (n=16) id.
func validHexID(id string, n int) bool {
	if len(id) != n {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// attrID returns id for an HTML attribute: itself when it is plain hex
// (what every stored id is), else a placeholder. go-app writes attribute
// values of prerendered pages unescaped, so text from a span never goes
// into one.
func attrID(id string) string {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return "invalid"
		}
	}
	return id
}
