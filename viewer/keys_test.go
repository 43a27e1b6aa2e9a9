package viewer_test

import (
	"testing"

	"github.com/spanfall/spanfall/viewer"
)

func TestCommandFor(t *testing.T) {
	tests := []struct {
		name string
		k    viewer.KeyEvent
		want viewer.Command
	}{
		{name: "up", k: viewer.KeyEvent{Key: "ArrowUp"}, want: viewer.CmdUp},
		{name: "down", k: viewer.KeyEvent{Key: "ArrowDown"}, want: viewer.CmdDown},
		{name: "left collapses", k: viewer.KeyEvent{Key: "ArrowLeft"}, want: viewer.CmdCollapse},
		{name: "right expands", k: viewer.KeyEvent{Key: "ArrowRight"}, want: viewer.CmdExpand},
		{name: "enter opens", k: viewer.KeyEvent{Key: "Enter"}, want: viewer.CmdOpen},
		{name: "slash searches", k: viewer.KeyEvent{Key: "/"}, want: viewer.CmdSearch},
		{name: "n next", k: viewer.KeyEvent{Key: "n"}, want: viewer.CmdNextMatch},
		{name: "N previous", k: viewer.KeyEvent{Key: "N", Shift: true}, want: viewer.CmdPrevMatch},
		{name: "escape closes", k: viewer.KeyEvent{Key: "Escape"}, want: viewer.CmdClose},
		{name: "question mark helps", k: viewer.KeyEvent{Key: "?", Shift: true}, want: viewer.CmdHelp},
		{name: "ctrl leaves browser shortcuts alone", k: viewer.KeyEvent{Key: "ArrowDown", Ctrl: true}, want: viewer.CmdNone},
		{name: "meta too", k: viewer.KeyEvent{Key: "/", Meta: true}, want: viewer.CmdNone},
		{name: "alt too", k: viewer.KeyEvent{Key: "n", Alt: true}, want: viewer.CmdNone},
		{name: "typing n is text", k: viewer.KeyEvent{Key: "n", Typing: true}, want: viewer.CmdNone},
		{name: "typing slash is text", k: viewer.KeyEvent{Key: "/", Typing: true}, want: viewer.CmdNone},
		{name: "typing arrows move the caret", k: viewer.KeyEvent{Key: "ArrowLeft", Typing: true}, want: viewer.CmdNone},
		{name: "enter in search is next match", k: viewer.KeyEvent{Key: "Enter", Typing: true}, want: viewer.CmdNextMatch},
		{name: "shift enter in search is previous", k: viewer.KeyEvent{Key: "Enter", Shift: true, Typing: true}, want: viewer.CmdPrevMatch},
		{name: "escape in search", k: viewer.KeyEvent{Key: "Escape", Typing: true}, want: viewer.CmdClose},
		{name: "unbound", k: viewer.KeyEvent{Key: "q"}, want: viewer.CmdNone},
		{name: "enter on a button clicks it", k: viewer.KeyEvent{Key: "Enter", OnControl: true}, want: viewer.CmdNone},
		{name: "space on a button clicks it", k: viewer.KeyEvent{Key: " ", OnControl: true}, want: viewer.CmdNone},
		{name: "arrows on a button still move", k: viewer.KeyEvent{Key: "ArrowDown", OnControl: true}, want: viewer.CmdDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viewer.CommandFor(tt.k); got != tt.want {
				t.Errorf("CommandFor(%+v) = %d, want %d", tt.k, got, tt.want)
			}
		})
	}
}

func TestStep(t *testing.T) {
	rows := foldTree(t) // r a a1 a1x a2 b s
	idx := viewer.IndexByID(rows)
	type state struct {
		sel       string // "" for none
		collapsed string // space-separated sorted ids
	}
	tests := []struct {
		name string
		from state
		cmd  viewer.Command
		want state
	}{
		{name: "down from none selects the first", from: state{"", ""}, cmd: viewer.CmdDown, want: state{"r", ""}},
		{name: "up from none selects the last", from: state{"", ""}, cmd: viewer.CmdUp, want: state{"s", ""}},
		{name: "down", from: state{"a", ""}, cmd: viewer.CmdDown, want: state{"a1", ""}},
		{name: "down skips folded rows", from: state{"a", "a"}, cmd: viewer.CmdDown, want: state{"b", "a"}},
		{name: "down stops at the end", from: state{"s", ""}, cmd: viewer.CmdDown, want: state{"s", ""}},
		{name: "up stops at the top", from: state{"r", ""}, cmd: viewer.CmdUp, want: state{"r", ""}},
		{name: "page down by 3", from: state{"r", ""}, cmd: viewer.CmdPageDown, want: state{"a1x", ""}},
		{name: "page up clamps", from: state{"a1", ""}, cmd: viewer.CmdPageUp, want: state{"r", ""}},
		{name: "home", from: state{"b", ""}, cmd: viewer.CmdHome, want: state{"r", ""}},
		{name: "end", from: state{"a", ""}, cmd: viewer.CmdEnd, want: state{"s", ""}},
		{name: "left collapses an expanded parent", from: state{"a", ""}, cmd: viewer.CmdCollapse, want: state{"a", "a"}},
		{name: "left on a collapsed parent goes to its parent", from: state{"a", "a"}, cmd: viewer.CmdCollapse, want: state{"r", "a"}},
		{name: "left on a leaf goes to its parent", from: state{"a1x", ""}, cmd: viewer.CmdCollapse, want: state{"a1", ""}},
		{name: "left on a leaf root stays", from: state{"s", ""}, cmd: viewer.CmdCollapse, want: state{"s", ""}},
		{name: "right expands a collapsed parent", from: state{"a", "a a1"}, cmd: viewer.CmdExpand, want: state{"a", "a1"}},
		{name: "a hidden selection does not fold", from: state{"a", "a r"}, cmd: viewer.CmdExpand, want: state{"a", "a r"}},
		{name: "right on an expanded parent goes to its first child", from: state{"a", ""}, cmd: viewer.CmdExpand, want: state{"a1", ""}},
		{name: "right on a leaf stays", from: state{"b", ""}, cmd: viewer.CmdExpand, want: state{"b", ""}},
		{name: "left with no selection does nothing", from: state{"", "a"}, cmd: viewer.CmdCollapse, want: state{"", "a"}},
		{name: "other commands leave the cursor", from: state{"a", ""}, cmd: viewer.CmdSearch, want: state{"a", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := viewer.Cursor{Selected: -1, Collapsed: viewer.IDSet{}}
			if tt.from.sel != "" {
				c.Selected = idx[tt.from.sel]
			}
			for _, id := range splitFields(tt.from.collapsed) {
				c.Collapsed = c.Collapsed.With(id)
			}
			before := joinFields(c.Collapsed.Sorted())
			got := viewer.Step(rows, viewer.VisibleRows(rows, c.Collapsed), c, tt.cmd, 3)
			gs := state{"", joinFields(got.Collapsed.Sorted())}
			if got.Selected >= 0 {
				gs.sel = rows[got.Selected].SpanID()
			}
			if gs != tt.want {
				t.Errorf("Step(%+v, %d) = %+v, want %+v", tt.from, tt.cmd, gs, tt.want)
			}
			if after := joinFields(c.Collapsed.Sorted()); after != before {
				t.Errorf("Step changed its input fold: %q -> %q", before, after)
			}
		})
	}
	if got := viewer.Step(rows, nil, viewer.Cursor{Selected: 2}, viewer.CmdDown, 1); got.Selected != -1 {
		t.Errorf("Step with nothing visible selected %d", got.Selected)
	}
}

func splitFields(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

func joinFields(f []string) string {
	s := ""
	for i, x := range f {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
