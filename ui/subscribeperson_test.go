package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestSubscribeThisPerson: s on the check's card and in a profile opens the
// form with the person's email and phone filled in and no channel on;
// nothing is sent, and while typing a query s is a letter.
func TestSubscribeThisPerson(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T, a *App)
	}{
		{"from the check's card", func(t *testing.T, a *App) {
			checkFor(t, a, walkerPhone)
			pressAndWait(t, a, tea.KeyTab, 0)
		}},
		{"from a profile", func(t *testing.T, a *App) { openProfile(t, a, walkerID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			tt.open(t, a)
			typeAndWait(t, a, "s")
			f := formOf(t, a)
			if got := f.email.Value(); got != "james.walker@mail.example.com" {
				t.Errorf("email %q", got)
			}
			if got := f.phone.Value(); got != walkerE164 {
				t.Errorf("phone %q", got)
			}
			if chs := f.request().Channels; len(chs) != 0 {
				t.Errorf("channels on: %v", chs)
			}
			wantScreen(t, a, "Consent Desk · subscribe", "james.walker@mail.example.com")
			if n := len(historyEntries(t, a)); n != 0 {
				t.Errorf("%d entries: nothing may be sent", n)
			}
			// As it was opened, esc goes back without asking; once the
			// agent changes something, it asks.
			pressAndWait(t, a, tea.KeyEscape, 0)
			if _, ok := a.current().(*formView); ok {
				t.Fatalf("esc on the form as opened asked:\n%s", screen(a))
			}
			a, _ = newSandboxApp(t, 80, 24)
			tt.open(t, a)
			typeAndWait(t, a, "s")
			formOf(t, a)
			pressAndWait(t, a, tea.KeyTab, 0)
			pressAndWait(t, a, tea.KeyTab, 0)
			pressAndWait(t, a, tea.KeySpace, 0) // email marketing on
			pressAndWait(t, a, tea.KeyEscape, 0)
			wantScreen(t, a, "Discard this entry")
		})
	}
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	typeAndWait(t, a, "s")
	wantScreen(t, a, "> "+walkerPhone+"s")
}
