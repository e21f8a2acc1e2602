package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestFormRefusalFollowsTheFixes refuses a submit, then fixes what it named
// one thing at a time: each fix takes its line away and the count with it,
// the last one says the form can be sent, and breaking a field again brings
// its problem back.
func TestFormRefusalFollowsTheFixes(t *testing.T) {
	for _, size := range []struct{ width, height int }{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size.width, size.height), func(t *testing.T) {
			a, _ := newSandboxApp(t, size.width, size.height)
			typeAndWait(t, a, "s")
			typeAndWait(t, a, "sam@example.com")
			pressAndWait(t, a, tea.KeyTab, 0)
			typeAndWait(t, a, "+1 201 555")
			wantNotOnScreen(t, a, "Not sent", "✗ phone:", "✗ list:", "✗ channels:") // nothing refused before a submit
			pressAndWait(t, a, 's', tea.ModCtrl)
			wantScreen(t, a, "Not sent: 3 things to fix.", "✗ list: pick a list", "✗ phone: incomplete:", "✗ channels: choose at least one channel")

			for range 4 { // from List, where the refusal put the focus, back to Phone
				pressAndWait(t, a, tea.KeyTab, tea.ModShift)
			}
			typeAndWait(t, a, " 0123")
			wantScreen(t, a, "Not sent: 2 things to fix.", "✗ list: pick a list", "✗ channels: choose at least one channel")
			wantNotOnScreen(t, a, "✗ phone:", "3 things")

			pressAndWait(t, a, tea.KeyTab, 0)
			pressAndWait(t, a, tea.KeySpace, 0) // email marketing
			wantScreen(t, a, "Not sent: 1 thing to fix.", "✗ list: pick a list")
			wantNotOnScreen(t, a, "✗ channels:", "2 things")

			for range 3 {
				pressAndWait(t, a, tea.KeyTab, 0)
			}
			pressAndWait(t, a, tea.KeyEnter, 0) // the picker
			pressAndWait(t, a, tea.KeyEnter, 0) // its first list
			wantScreen(t, a, "Ready to send: ctrl+s submits.")
			wantNotOnScreen(t, a, "Not sent", "✗ list:")
			wantFits(t, a, size.width, size.height)

			for range 6 { // from Submit back to Email, and clear it
				pressAndWait(t, a, tea.KeyTab, tea.ModShift)
			}
			pressAndWait(t, a, 'u', tea.ModCtrl)
			wantScreen(t, a, "Not sent: 1 thing to fix.", "✗ email: email marketing needs an email address")
			wantNotOnScreen(t, a, "Ready to send")
			if e := historyEntries(t, a); len(e) != 0 {
				t.Errorf("a refused form sent something: %+v", e)
			}
		})
	}
}
