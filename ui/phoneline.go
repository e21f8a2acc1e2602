package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// renderPhoneLine is the live line under a phone input, re-rendered on every
// keystroke: the number as read, its country and type, and whether SMS
// consent can be recorded, with the reason wrapped to width. sendsEmail
// says whether email consent goes with it (the reason then says that it is
// unaffected).
func renderPhoneLine(a model.PhoneAnalysis, sendsEmail bool, s *styles, width int) string {
	facts := present.PhoneFacts(a)
	text, tone := present.PhoneVerdict(a, sendsEmail)
	style := s.Bad
	switch {
	case a.Status == model.PhoneEmpty:
		style = s.Muted
	case tone == present.Good:
		style = s.Good
	case tone == present.Waiting:
		style = s.Pending
	}
	lines := []string{}
	if len(facts) > 0 {
		lines = append(lines, s.Muted.Width(max(width, 1)).Render(strings.Join(facts, " · ")))
	}
	lines = append(lines, lipgloss.NewStyle().Width(max(width, 1)).Render(style.Render(text)))
	return strings.Join(lines, "\n")
}

// renderEmailLine is the live line under an email input: ✓ and the
// address as it will be sent (with "did you mean gmail.com?" after a likely
// typo of a common domain), "… keep typing" while the address is still
// partial, ✗ and why on a definite error.
func renderEmailLine(a model.EmailAnalysis, s *styles, width int) string {
	var line string
	switch {
	case a.Valid && a.Suggestion != "":
		line = s.Good.Render("✓ "+a.Normalized) + s.Pending.Render(" · did you mean "+a.Suggestion+"?")
	case a.Valid:
		line = s.Good.Render("✓ " + a.Normalized)
	case a.Partial:
		line = s.Pending.Render("… keep typing: " + a.Reason)
	default:
		line = s.Bad.Render("✗ " + a.Reason)
	}
	return lipgloss.NewStyle().Width(max(width, 1)).Render(line)
}
