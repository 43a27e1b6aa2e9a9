package viewer

import (
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Status is the export pipeline's state that the status line shows next
// to the store's counts: what the store cannot know. The app gives the
// viewer a function returning it with [UseStatus] (or [ProvideStatus]);
// without one the status line shows the store's counts only.
type Status struct {
	// Online is the browser's network state (navigator.onLine).
	Online bool
	// LastFlush is when the flusher last tried to export; zero if never.
	LastFlush time.Time
	// Rejected counts the spans the collector refused for good.
	Rejected int64
	// LastError is the last flush's error, "" after a success.
	LastError string
}

// StatusAction is the go-app action a viewer posts when it mounts (a
// Page) or opens (a Panel) and finds no status function in the state.
const StatusAction = "spanfall.viewer.status"

// statusState is the go-app state key holding the status function.
const statusState = "spanfall.viewer.status"

// statusRef carries the status function in go-app state (see storeRef).
type statusRef struct{ Get func() Status }

// UseStatus registers, with go-app's app.Handle, the handler that gives
// every viewer of the app the pipeline status function get, called on the
// UI goroutine at each live refresh: it must be quick (read a few fields,
// e.g. from tracer.Flusher.Status). Call it once on the browser, before
// app.RunWhenOnBrowser.
func UseStatus(get func() Status) {
	app.Handle(StatusAction, func(ctx app.Context, _ app.Action) { ProvideStatus(ctx, get) })
}

// ProvideStatus gives get to every viewer of the app from a component's
// context.
func ProvideStatus(ctx app.Context, get func() Status) {
	ctx.SetState(statusState, statusRef{Get: get})
}

// observeStatus makes v follow the status function in the state, asking
// for it when it is not there yet. Called once per view.
func (v *view) observeStatus(ctx app.Context) {
	if v.statusObserved {
		return
	}
	v.statusObserved = true
	ctx.ObserveState(statusState, &v.statusRef).OnChange(func() { v.readStatus() })
	if v.statusRef.Get == nil {
		ctx.NewAction(StatusAction)
	}
	v.readStatus()
}

// readStatus reads the pipeline status and reports whether what the
// status line shows of it changed.
func (v *view) readStatus() bool {
	if v.statusRef.Get == nil {
		return false
	}
	s := v.statusRef.Get()
	changed := !v.hasStatus || PipelineLine(s, time.Local) != PipelineLine(v.status, time.Local) || s.LastError != v.status.LastError
	v.status, v.hasStatus = s, true
	return changed
}

// PipelineLine is the pipeline part of the status line: "online" or
// "offline", the time of the last flush in loc (or "never flushed") and
// the rejected spans.
func PipelineLine(s Status, loc *time.Location) string {
	var b strings.Builder
	if s.Online {
		b.WriteString("online")
	} else {
		b.WriteString("offline")
	}
	if s.LastFlush.IsZero() {
		b.WriteString(" · never flushed")
	} else {
		b.WriteString(" · last flush " + s.LastFlush.In(loc).Format(time.TimeOnly))
	}
	fmt.Fprintf(&b, " · %d rejected", s.Rejected)
	return b.String()
}
