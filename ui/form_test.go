package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// typeAndWait types s one key at a time, running each key's commands.
func typeAndWait(t *testing.T, a *App, s string) {
	t.Helper()
	for _, r := range s {
		sendAndWait(t, a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func pressAndWait(t *testing.T, a *App, code rune, mod tea.KeyMod) {
	t.Helper()
	sendAndWait(t, a, tea.KeyPressMsg{Code: code, Mod: mod})
}

func TestFormRefusesSlovenianSMSLive(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "x@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+386 31 234 567")
	wantScreen(t, a, "+386 31 234 567 · Slovenia (SI) · MOBILE",
		"✗ Slovenia (+386) is not an SMS country for this account",
		"SMS marketing [-] disabled: not for this number (see Phone)")
	// Tab to SMS marketing and try to turn it on: refused, with the reason.
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0)
	wantScreen(t, a, "SMS marketing is disabled: not for this number (see Phone)")
}

func TestFormPuertoRicoRefusedBeforeTheLastDigit(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 787")
	wantScreen(t, a, "Puerto Rico (PR)?", "✗ Puerto Rico (+1 787) is not an SMS country", "[-] disabled: not for this number (see Phone)")
}

// TestFormSubmitRefusedKeepsEverything submits an incomplete form: every
// problem is listed and nothing typed is cleared.
func TestFormSubmitRefusedKeepsEverything(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "not-an-email")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Not sent: 4 things to fix.", "✗ list: pick a list", "✗ email: missing @", "✗ phone: keep typing", "✗ channels: choose at least one channel",
		"not-an-email", "+1 201 555")
}

// TestFormSubmitVerified is the whole subscribe path on the sandbox: a US
// number, email and SMS marketing, a list picked, both channels verified.
func TestFormSubmitVerified(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "form.test@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555 0142")
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // email marketing
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // SMS marketing
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the list picker
	wantScreen(t, a, "Newsletter", "VIP Early Access", "double opt-in", "14 lists")
	typeAndWait(t, a, "newsl")
	wantScreen(t, a, "1 of 14 lists match")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "List Newsletter (Y6nRLr) · single opt-in")
	pressAndWait(t, a, tea.KeyEnter, 0) // submit
	wantScreen(t, a, "Subscribe form.test@example.com, +12015550142 · Newsletter",
		"Email marketing ✓ verified SUBSCRIBED at 20", "SMS marketing ✓ verified SUBSCRIBED at 20")
	entries, _ := a.c.history.Entries()
	if len(entries) != 1 || entries[0].State != StateVerified {
		t.Errorf("history = %+v", entries)
	}
	// n: a new entry on the same list.
	typeAndWait(t, a, "n")
	wantScreen(t, a, "List Newsletter (Y6nRLr)")
	if strings.Contains(screen(a), "form.test@example.com") {
		t.Errorf("new entry kept the old email:\n%s", screen(a))
	}
}

func TestFormDoubleOptInPending(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "doi.form@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0)
	for i := 0; i < 3; i++ {
		pressAndWait(t, a, tea.KeyTab, 0)
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "VIP")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Email marketing … pending double opt-in")
}

func TestPickerEscChangesNothing(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	for i := 0; i < 5; i++ {
		pressAndWait(t, a, tea.KeyTab, 0)
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyDown, 0)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "List none yet — enter to pick")
}
