package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// statusSeparator joins the status line's parts.
const statusSeparator = " · "

// statusLines is the status line: the title, the view's name and its
// activity with the spinner on the left; any wait Klaviyo imposed and the
// backend on the right. When the window is too narrow for all of it, what
// matters least gives way first: the backend's host is shortened (its
// scheme goes), then its revision is dropped, then the title, then the
// activity's words and the view's name are shortened. The spinner, the
// wait and the backend's name are never dropped: when they cannot share
// one line, the right side goes on a second line (the wait and the backend
// on their own lines if need be), taking the blank line under the status.
func (a *App) statusLines() []string {
	s := a.c.styles
	width := a.innerWidth()
	view := ""
	if t, ok := a.current().(titled); ok {
		view = t.Title()
	}
	busy := a.busy()
	spin := ""
	if busy != "" {
		spin = a.spinner.View()
	}
	wait := ""
	if a.wait != "" {
		wait = s.Pending.Render(a.wait)
	}
	backends := backendForms(a.c.backend)
	right := func(backend string) string {
		r := s.Status.Render(backend)
		if wait != "" {
			r = wait + s.Status.Render(statusSeparator) + r
		}
		return r
	}
	left := func(title bool, viewRoom, busyRoom int) string {
		var parts []string
		if title {
			parts = append(parts, s.Title.Render("Consent Desk"))
		}
		if view != "" && viewRoom != 0 {
			parts = append(parts, s.Muted.Render(cut(view, viewRoom)))
		}
		l := strings.Join(parts, s.Muted.Render(statusSeparator))
		if busy != "" {
			if l != "" {
				l += " "
			}
			l += spin
			if busyRoom != 0 {
				l += " " + s.Muted.Render(cut(busy, busyRoom))
			}
		}
		return l
	}
	// fitLeft is the left side in room cells, or false: the title goes
	// first, then the view's name is shortened; the spinner and the
	// activity stay whole.
	fitLeft := func(room int) (string, bool) {
		for _, title := range []bool{true, false} {
			if l := left(title, -1, -1); lipgloss.Width(l) <= room {
				return l, true
			}
		}
		if viewRoom := room - lipgloss.Width(left(false, 0, -1)) - 1; view != "" && viewRoom >= 4 {
			return left(false, viewRoom, -1), true
		}
		return "", false
	}
	// One line: the backend shortened first, then the left side.
	for _, b := range backends {
		r := right(b)
		if l := left(true, -1, -1); lipgloss.Width(l)+1+lipgloss.Width(r) <= width {
			return []string{spread(l, r, width)}
		}
	}
	short := right(backends[len(backends)-1])
	if l, ok := fitLeft(width - lipgloss.Width(short) - 1); ok {
		return []string{spread(l, short, width)}
	}
	// Two lines or three: the left side alone, then the right.
	first, ok := fitLeft(width)
	if !ok { // only the activity's words are left to shorten
		first = cut(left(false, 0, -1), width)
	}
	for _, b := range backends {
		if r := right(b); lipgloss.Width(r) <= width {
			return []string{first, alignRight(r, width)}
		}
	}
	b := s.Status.Render(cut(backends[len(backends)-1], width))
	if wait == "" {
		return []string{first, alignRight(b, width)}
	}
	return []string{first, alignRight(cut(wait, width), width), alignRight(b, width)}
}

// backendForms are the backend's name, longest first: as given ("Klaviyo
// https://a.klaviyo.com · revision 2026-07-15"), its host without the
// scheme, then without what follows the name ("Klaviyo a.klaviyo.com").
func backendForms(backend string) []string {
	forms := []string{backend}
	short := strings.NewReplacer("https://", "", "http://", "").Replace(backend)
	if short != backend {
		forms = append(forms, short)
	}
	if name, _, ok := strings.Cut(short, statusSeparator); ok {
		forms = append(forms, name)
	}
	return forms
}

// cut shortens s to n cells with an ellipsis; a negative n keeps it whole.
func cut(s string, n int) string {
	if n < 0 || lipgloss.Width(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// spread puts l at the left and r at the right of a line of width.
func spread(l, r string, width int) string {
	return l + strings.Repeat(" ", max(width-lipgloss.Width(l)-lipgloss.Width(r), 1)) + r
}

// alignRight pads s on the left to width.
func alignRight(s string, width int) string {
	return strings.Repeat(" ", max(width-lipgloss.Width(s), 0)) + s
}
