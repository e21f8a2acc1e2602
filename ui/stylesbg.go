package ui

import (
	"os"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// darkFromColorFGBG reads the COLORFGBG convention (rxvt, Konsole, many
// others: "fg;bg" or "fg;default;bg", ANSI colour numbers) and says whether
// the background is dark; ok is false when the variable says nothing
// usable. Colours 0–6 and 8 are dark backgrounds, 7 and 9–15 light.
func darkFromColorFGBG(v string) (dark, ok bool) {
	if v == "" {
		return false, false
	}
	parts := strings.Split(v, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
	if err != nil || n < 0 || n > 255 {
		return false, false
	}
	switch {
	case n == 7 || (n >= 9 && n <= 15):
		return false, true
	case n < 16:
		return true, true
	case n >= 232: // the grey ramp: dark up to its middle
		return n < 244, true
	}
	return true, true // a 6×6×6 colour: assume dark, the common case
}

// initialDark is the background the UI assumes before the terminal answers
// tea.RequestBackgroundColor (many never do): COLORFGBG's, else dark.
func initialDark() bool {
	if dark, ok := darkFromColorFGBG(os.Getenv("COLORFGBG")); ok {
		return dark
	}
	return true
}

// readableInput adjusts bubbles' text input styles: the prompt and the
// cursor are dark on a light background (bubbles' default is light grey
// on both), and a placeholder is faint and italic as well as grey, so that
// it never looks like a typed value even without colour (NO_COLOR keeps
// attributes and drops colours).
func readableInput(in *textinput.Styles, isDark bool) {
	ld := lipgloss.LightDark(isDark)
	ink := ld(lipgloss.Color("#3A3A3A"), lipgloss.Color("7"))
	placeholder := lipgloss.NewStyle().Faint(true).Italic(true).Foreground(ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("240")))
	for _, st := range []*textinput.StyleState{&in.Focused, &in.Blurred} {
		st.Prompt = st.Prompt.Foreground(ink)
		st.Placeholder = placeholder
	}
	in.Cursor.Color = ink
}
