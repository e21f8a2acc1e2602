package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// styles is every style of the UI, built once for the terminal's background.
// Colours come in light/dark pairs; meaning never rests on colour alone (every
// verdict also has a word or a mark), so NO_COLOR loses nothing.
type styles struct {
	Title    lipgloss.Style
	Status   lipgloss.Style
	Label    lipgloss.Style
	Key      lipgloss.Style
	Muted    lipgloss.Style
	Good     lipgloss.Style
	Bad      lipgloss.Style
	Pending  lipgloss.Style
	Help     help.Styles
	Input    textinput.Styles
	isDarkBG bool
}

// newStyles returns every style of the UI for a dark or a light background.
func newStyles(isDark bool) *styles {
	ld := lipgloss.LightDark(isDark)
	input := textinput.DefaultStyles(isDark)
	// A steady cursor: no blink timer redrawing the screen twice a second
	// all day long.
	input.Cursor.Blink = false
	readableInput(&input, isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B7A6FF"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	return &styles{
		Title:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Status:   lipgloss.NewStyle().Foreground(muted),
		Label:    lipgloss.NewStyle().Bold(true),
		Key:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Muted:    lipgloss.NewStyle().Foreground(muted),
		Good:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#4AC26B"))),
		Bad:      lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#C0261B"), lipgloss.Color("#FF7B72"))),
		Pending:  lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#E3B341"))),
		Help:     help.DefaultStyles(isDark),
		Input:    input,
		isDarkBG: isDark,
	}
}
