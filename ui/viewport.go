package ui

import "strings"

// span is the lines [first, end) of a view's body; an empty span (end <=
// first) marks nothing.
type span struct{ first, end int }

// empty reports whether the span marks no line.
func (s span) empty() bool { return s.end <= s.first }

// shift is the span moved down by n lines.
func (s span) shift(n int) span {
	if s.empty() {
		return s
	}
	return span{s.first + n, s.end + n}
}

// body is a view rendered to lines for a viewport: its lines, the ones
// that have the focus (kept on screen), and a summary pinned under the
// lines (a refusal's "Not sent" and its problems), kept on screen below
// whatever part of the lines is shown.
type body struct {
	lines []string
	focus span
	// context is shown with the focus when both fit (the question above
	// a choice's cursor); the focus alone is kept when they do not.
	context span
	pinned  []string
}

// add appends text (one or more lines) to the body and returns the span
// of its lines.
func (b *body) add(text string) span {
	first := len(b.lines)
	b.lines = append(b.lines, strings.Split(text, "\n")...)
	return span{first, len(b.lines)}
}

// addBody appends o's lines to the body, with its focus and context
// (its pinned lines are not taken).
func (b *body) addBody(o body) {
	offset := len(b.lines)
	b.lines = append(b.lines, o.lines...)
	b.focus, b.context = o.focus.shift(offset), o.context.shift(offset)
}

// Hints shown where a viewport hides lines above or below.
const (
	moreAbove = "↑ more"
	moreBelow = "↓ more"
)

// viewport shows the window of a body's lines that keeps the focused lines
// on screen, with the pinned summary under it, and says "↑ more" / "↓ more"
// where lines are hidden. It remembers where it was, so the window moves
// only as far as the focus needs (it is shared by the form, the check and
// the profile).
type viewport struct{ top int }

// scroll moves the window by n lines (negative: up), for a body with no
// focus; render clamps it.
func (vp *viewport) scroll(n int) { vp.top = max(vp.top+n, 0) }

// render is the body in height lines, styled hints by s.
func (vp *viewport) render(b body, height int, s *styles) string {
	pinned := b.pinned
	n := len(b.lines)
	if n+len(pinned)+boolInt(len(pinned) > 0) <= height {
		vp.top = 0
		return strings.Join(append(append(b.lines, blankIf(len(pinned) > 0)...), pinned...), "\n")
	}
	// The pinned summary leaves the focused lines at least one line and
	// the hints theirs; its own last lines give way first.
	focusLen := max(min(b.focus.end-b.focus.first, height), 1)
	minRegion := min(focusLen+2, height)
	if len(pinned) > height-minRegion {
		pinned = pinned[:max(height-minRegion, 0)]
	}
	region := height - len(pinned)
	if len(pinned) > 0 && region > minRegion {
		region-- // a blank line between the lines and the summary
	}
	focus := b.focus
	var sticky []string
	if c := b.context; !c.empty() && !focus.empty() {
		u := span{min(focus.first, c.first), max(focus.end, c.end)}
		switch {
		case u.end-u.first <= region-2: // room for both, and the hints
			focus = u
		case c.end <= focus.first && c.end-c.first <= region-focusLen-2:
			// Apart: the context stays above the window, which keeps
			// the focus.
			sticky = b.lines[c.first:c.end]
			region -= len(sticky)
		}
	}
	if len(sticky) > 0 {
		vp.top = max(vp.top, b.context.end) // the window starts after the context
	}
	top, vis := vp.window(n, region, focus)
	vp.top = top
	out := append(make([]string, 0, height), sticky...)
	if top > 0 {
		out = append(out, s.Muted.Render(moreAbove))
	}
	out = append(out, b.lines[top:top+vis]...)
	if top+vis < n {
		out = append(out, s.Muted.Render(moreBelow))
	}
	for len(out) < region+len(sticky) && len(pinned) > 0 {
		out = append(out, "")
	}
	return strings.Join(append(out, pinned...), "\n")
}

// window is the first line shown and how many are, of n lines in region
// rows that keep focus on screen (its first lines when it does not fit),
// the hint rows counted.
func (vp *viewport) window(n, region int, focus span) (top, vis int) {
	if n <= region {
		return 0, n
	}
	top = vp.top
	for range 3 { // the hints depend on the window, and the window on them
		vis = region - boolInt(top > 0)
		if top+vis < n {
			vis--
		}
		vis = max(vis, 1)
		if !focus.empty() {
			if focus.end > top+vis {
				top = focus.end - vis
			}
			if focus.first < top {
				top = focus.first
			}
		}
		// No empty rows at the bottom while lines are hidden above.
		top = max(min(top, n-(region-1)), 0)
	}
	vis = region - boolInt(top > 0)
	if top+vis < n {
		vis--
	}
	return top, max(min(vis, n-top), 1)
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// blankIf is one empty line when b, else none.
func blankIf(b bool) []string {
	if b {
		return []string{""}
	}
	return nil
}
