package viewer

// Command is what a key press asks of the viewer.
type Command int

// Commands. The keys are listed by [KeyHelp].
const (
	CmdNone Command = iota
	CmdUp
	CmdDown
	CmdPageUp
	CmdPageDown
	CmdHome
	CmdEnd
	CmdCollapse
	CmdExpand
	CmdOpen
	CmdSearch
	CmdNextMatch
	CmdPrevMatch
	CmdClose
	CmdHelp
	CmdCollapseAll
	CmdExpandAll
	CmdLive
	CmdZoomIn
	CmdZoomOut
	CmdPanLeft
	CmdPanRight
	CmdZoomReset
)

// KeyEvent is the part of a keydown event that decides its command.
type KeyEvent struct {
	// Key is the DOM KeyboardEvent.key ("ArrowUp", "/", "n", "N", …).
	Key                    string
	Ctrl, Alt, Meta, Shift bool
	// Typing is true when the focus is in a text field: only Enter and
	// Escape mean something there.
	Typing bool
	// OnControl is true when the focus is on a button or a link, which
	// Enter and Space activate.
	OnControl bool
}

// CommandFor maps a key press to its command, CmdNone for keys the viewer
// leaves alone: anything with Ctrl, Alt or Meta (browser and host
// shortcuts), typing in a text field other than Enter (next match,
// Shift+Enter previous) and Escape, and Enter or Space on a button or link.
func CommandFor(k KeyEvent) Command {
	if k.Ctrl || k.Alt || k.Meta {
		return CmdNone
	}
	if k.OnControl && (k.Key == "Enter" || k.Key == " ") {
		return CmdNone
	}
	if k.Typing {
		switch k.Key {
		case "Enter":
			if k.Shift {
				return CmdPrevMatch
			}
			return CmdNextMatch
		case "Escape":
			return CmdClose
		}
		return CmdNone
	}
	switch k.Key {
	case "ArrowUp", "k":
		return CmdUp
	case "ArrowDown", "j":
		return CmdDown
	case "PageUp":
		return CmdPageUp
	case "PageDown":
		return CmdPageDown
	case "Home":
		return CmdHome
	case "End":
		return CmdEnd
	case "ArrowLeft", "h":
		return CmdCollapse
	case "ArrowRight", "l":
		return CmdExpand
	case "Enter":
		return CmdOpen
	case "/":
		return CmdSearch
	case "n":
		return CmdNextMatch
	case "N":
		return CmdPrevMatch
	case "Escape":
		return CmdClose
	case "?":
		return CmdHelp
	case "-":
		return CmdCollapseAll
	case "+", "=":
		return CmdExpandAll
	case "p":
		return CmdLive
	case "w":
		return CmdZoomIn
	case "s":
		return CmdZoomOut
	case "a":
		return CmdPanLeft
	case "d":
		return CmdPanRight
	case "0":
		return CmdZoomReset
	}
	return CmdNone
}

// KeyHelp is one line of the help overlay.
type KeyHelp struct{ Keys, What string }

// KeyHelpLines lists the keys of [CommandFor] for the help overlay.
var KeyHelpLines = []KeyHelp{
	{"↑ ↓ (k j)", "previous / next span"},
	{"PgUp PgDn Home End", "move by a page, to the first or last span"},
	{"← (h)", "collapse the span, or go to its parent"},
	{"→ (l)", "expand the span, or go to its first child"},
	{"Enter", "open the span's details"},
	{"/", "search spans: words, or a query such as duration>100ms (docs/query.md)"},
	{"n N (Enter ⇧Enter in search)", "next / previous match"},
	{"- +", "collapse all / expand all"},
	{"p", "pause or resume live updates"},
	{"w s a d (0)", "zoom in, out, pan left, right (whole trace)"},
	{"Esc", "close the details, the search or this help"},
	{"?", "show or hide this help"},
}

// Cursor is the waterfall's selection and fold: what tree keys change.
type Cursor struct {
	// Selected is the selected row index, -1 for none.
	Selected  int
	Collapsed IDSet
}

// Step applies a movement or fold command to the cursor over rows, of
// which visible are shown (as [VisibleRows] returns them); page is how many
// rows a page key moves. Other commands leave the cursor as it is.
//
// Left collapses an expanded parent, else selects the parent; Right
// expands a collapsed parent, else selects the first child (the WAI-ARIA
// treegrid keys). With no selection, Down and Home select the first row,
// Up and End the last.
func Step(rows []Row, visible []int, c Cursor, cmd Command, page int) Cursor {
	if len(visible) == 0 {
		return Cursor{Selected: -1, Collapsed: c.Collapsed}
	}
	pos := -1
	if c.Selected >= 0 {
		for k, i := range visible {
			if i == c.Selected {
				pos = k
				break
			}
		}
	}
	move := func(delta int) Cursor {
		if pos < 0 {
			if delta > 0 {
				return Cursor{Selected: visible[0], Collapsed: c.Collapsed}
			}
			return Cursor{Selected: visible[len(visible)-1], Collapsed: c.Collapsed}
		}
		p := min(max(pos+delta, 0), len(visible)-1)
		return Cursor{Selected: visible[p], Collapsed: c.Collapsed}
	}
	page = max(page, 1)
	switch cmd {
	case CmdUp:
		return move(-1)
	case CmdDown:
		return move(1)
	case CmdPageUp:
		return move(-page)
	case CmdPageDown:
		return move(page)
	case CmdHome:
		return Cursor{Selected: visible[0], Collapsed: c.Collapsed}
	case CmdEnd:
		return Cursor{Selected: visible[len(visible)-1], Collapsed: c.Collapsed}
	}
	if pos < 0 {
		return c
	}
	r := &rows[c.Selected]
	id := r.Record.Span.SpanID
	folded := c.Collapsed.Has(id)
	switch cmd {
	case CmdCollapse:
		if r.Children > 0 && !folded {
			return Cursor{Selected: c.Selected, Collapsed: c.Collapsed.With(id)}
		}
		if r.Parent >= 0 {
			return Cursor{Selected: r.Parent, Collapsed: c.Collapsed}
		}
	case CmdExpand:
		if r.Children > 0 && folded {
			return Cursor{Selected: c.Selected, Collapsed: c.Collapsed.Without(id)}
		}
		if r.Children > 0 {
			return Cursor{Selected: c.Selected + 1, Collapsed: c.Collapsed}
		}
	}
	return c
}
