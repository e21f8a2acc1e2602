package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestFormEmailLineWhileTyping: an address still being typed says "keep
// typing", not ✗ from the first key; a definite error is ✗; a likely typo
// of a common domain is a question under a ✓.
func TestFormEmailLineWhileTyping(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "a")
	wantScreen(t, a, "… keep typing: no @ yet")
	typeAndWait(t, a, "na@gmail")
	wantScreen(t, a, `… keep typing: the domain "gmail" has no dot yet`)
	typeAndWait(t, a, ".con")
	wantScreen(t, a, "✓ ana@gmail.con · did you mean gmail.com?")
	typeAndWait(t, a, "@")
	wantScreen(t, a, "✗ an address has exactly one @")
}

// TestFormSaysWhenAPasteIsCut: a paste longer than the field takes says
// that it was cut.
func TestFormSaysWhenAPasteIsCut(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	sendAndWait(t, a, tea.PasteMsg{Content: strings.Repeat("a", formInputLimit+10)})
	wantScreen(t, a, "The paste into Email was cut at 256 characters")
}

// TestFormPasteThatFitsSaysNothing: a paste that fits is not called cut.
func TestFormPasteThatFitsSaysNothing(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	sendAndWait(t, a, tea.PasteMsg{Content: "ana@example.com"})
	if strings.Contains(screen(a), "was cut") {
		t.Errorf("a paste that fits is said to be cut:\n%s", screen(a))
	}
}

// TestFormPhoneFullWidthAndGrouping: full-width digits are read, and a
// partial number is echoed with the agent's grouping.
func TestFormPhoneFullWidthAndGrouping(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "＋３８６ ３１ ２３４")
	wantScreen(t, a, "+386 31 234 · probably Slovenia (SI)")
}

// TestFormOffersARegionForANationalNumber: with no default region, a
// number typed without + says how to set one, and ctrl+r reads it as a
// number of the policy's countries in turn.
func TestFormOffersARegionForANationalNumber(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "201 555 0123")
	wantScreen(t, a, "✗ start with + and the country code, or set default_region in config.toml",
		"ctrl+r reads it as a number of the United States (US)")
	pressAndWait(t, a, 'r', tea.ModCtrl)
	wantScreen(t, a, "national format, default region US", "✓ SMS consent can be recorded",
		"Phone read as a number of the United States (US)", "ctrl+r reads it as a number of Canada (CA)")
	pressAndWait(t, a, 'r', tea.ModCtrl)
	wantScreen(t, a, "default region CA")
}

// TestFormOffersNoRegionForAnInternationalNumber: "+…" needs none.
func TestFormOffersNoRegionForAnInternationalNumber(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555 0123")
	if strings.Contains(screen(a), "ctrl+r") {
		t.Errorf("an international number is offered a region:\n%s", screen(a))
	}
}
