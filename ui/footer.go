package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// fitShortHelp is the footer's bindings that fit in width cells as the
// help model draws them (key, a space, the description, separated by sep):
// when they do not all fit, whole bindings are dropped from the right,
// but never esc (back, cancel) nor ? (help), which say how to get out and
// how to see the rest.
func fitShortHelp(bindings []key.Binding, width int, sep string) []key.Binding {
	bs := slices.DeleteFunc(slices.Clone(bindings), func(b key.Binding) bool { return !b.Enabled() })
	for shortHelpWidth(bs, sep) > width {
		i := len(bs) - 1
		for i >= 0 && keptInFooter(bs[i]) {
			i--
		}
		if i < 0 {
			break // esc and ? alone: the root cuts them at the edge
		}
		bs = slices.Delete(bs, i, i+1)
	}
	return bs
}

// keptInFooter reports whether the footer always shows b: esc and ?.
func keptInFooter(b key.Binding) bool {
	k := b.Help().Key
	return k == "?" || strings.Contains(k, "esc")
}

// shortHelpWidth is the width of bindings drawn on one line.
func shortHelpWidth(bindings []key.Binding, sep string) int {
	w := 0
	for i, b := range bindings {
		if i > 0 {
			w += lipgloss.Width(sep)
		}
		w += lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc)
	}
	return w
}
