package browser_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
)

func TestNeedsSync(t *testing.T) {
	failed := errors.New("fetch failed")
	backoff := fmt.Errorf("%w: next attempt in 4s", tracer.ErrBackoff)
	tests := []struct {
		name            string
		res             tracer.FlushResult
		err             error
		online, visible bool
		want            bool
	}{
		{name: "all sent", res: tracer.FlushResult{Exported: 3}, online: true, visible: true},
		{name: "offline with spans pending", res: tracer.FlushResult{Pending: 3}, err: failed, visible: true, want: true},
		{name: "offline and hidden", res: tracer.FlushResult{Pending: 3}, err: failed, want: true},
		{name: "offline, nothing pending", res: tracer.FlushResult{}, err: failed, visible: true},
		{name: "offline before any failure", res: tracer.FlushResult{Pending: 1}, visible: true, want: true},
		{name: "collector down, page visible: it retries by itself", res: tracer.FlushResult{Pending: 7}, err: failed, online: true, visible: true},
		{name: "collector down, page hidden", res: tracer.FlushResult{Pending: 7}, err: failed, online: true, want: true},
		{name: "backoff in force, page hidden", res: tracer.FlushResult{Pending: 7}, err: backoff, online: true, want: true},
		{name: "hidden, online, no error", res: tracer.FlushResult{Pending: 2, Exported: 512}, online: true},
		{name: "another tab is flushing", res: tracer.FlushResult{Skipped: true}},
		{name: "pending unknown (stats failed)", res: tracer.FlushResult{Pending: -1}, err: failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := browser.NeedsSync(tt.res, tt.err, tt.online, tt.visible); got != tt.want {
				t.Errorf("NeedsSync(%+v, %v, online=%v, visible=%v) = %v, want %v", tt.res, tt.err, tt.online, tt.visible, got, tt.want)
			}
		})
	}
}
