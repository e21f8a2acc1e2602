package ui

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// toEnteredLater fills an email-marketing form on list (typed into the
// picker's filter) and opens "Entered later" with ctrl+o: the focus is on
// its date.
func toEnteredLater(t *testing.T, a *App, email, list string) {
	t.Helper()
	emailMarketingToPicker(t, a, email)
	typeAndWait(t, a, list)
	pressAndWait(t, a, tea.KeyEnter, 0) // the list; the focus is on Submit
	wantScreen(t, a, "ctrl+o entered later")
	pressAndWait(t, a, 'o', tea.ModCtrl)
}

func TestFormEnteredLaterIsFoldedUntilAsked(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	emailMarketingToPicker(t, a, "folded@example.com")
	typeAndWait(t, a, "newsl")
	pressAndWait(t, a, tea.KeyEnter, 0)
	// Folded: no row, and tab goes from List to Submit as before.
	wantNotOnScreen(t, a, "Entered later", "Consent given on")
	pressAndWait(t, a, tea.KeyTab, tea.ModShift)
	wantScreen(t, a, "› List")
	pressAndWait(t, a, tea.KeyTab, 0)
	wantScreen(t, a, "› [ Submit ]")

	pressAndWait(t, a, 'o', tea.ModCtrl)
	wantScreen(t, a, "Entered later [x] consent collected earlier", "› Consent given on", "your zone (UTC)", "Collected by", "Wording version", "Evidence file")
	wantNotOnScreen(t, a, "! ") // no warnings before a date is set
	typeAndWait(t, a, "2026-03-14")
	// Folding again (space on its toggle) keeps what was typed, and sends
	// none of it.
	pressAndWait(t, a, tea.KeyTab, tea.ModShift)
	wantScreen(t, a, "› Entered later [x] consent collected earlier")
	pressAndWait(t, a, tea.KeySpace, 0)
	wantScreen(t, a, "Entered later folded (ctrl+o): what you typed is kept, and not sent", "› List")
	wantNotOnScreen(t, a, "Consent given on")
	if v := a.current().(*formView); v.request().Offline != nil {
		t.Errorf("a folded part is sent: %+v", v.request().Offline)
	}
	pressAndWait(t, a, 'o', tea.ModCtrl)
	wantScreen(t, a, "Consent given on 2026-03-14", "✓ 14 Mar 2026 00:00 UTC")
}

func TestFormEnteredLaterDates(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	toEnteredLater(t, a, "dates@example.com", "newsl")
	typeAndWait(t, a, "14/03/2026")
	wantScreen(t, a, `✗ "14/03/2026" is not a date: give 2026-03-14`)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Not sent: 1 thing to fix.", `✗ consented_at: "14/03/2026" is not a date`, "Consent given on 14/03/2026")
	for range "14/03/2026" {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	typeAndWait(t, a, "2999-01-01")
	wantScreen(t, a, "✗ 2999-01-01 00:00 UTC is in the future")
	for range "2999-01-01" {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	typeAndWait(t, a, "1989-12-31")
	wantScreen(t, a, "✗ 1989-12-31 is before 1990-01-01")
	if entries, _ := a.c.history.Entries(); len(entries) != 0 {
		t.Errorf("a refused back-date was journaled: %+v", entries)
	}
}

// TestFormBackDatedSubmit: on a double-opt-in list the warnings say what
// a historical import skips; an evidence file that is not there is shown
// beside it with nothing typed lost; once it is, the entry is sent, the
// hash journaled, and the result compares the dates.
func TestFormBackDatedSubmit(t *testing.T) {
	dir := t.TempDir()
	sheet := filepath.Join(dir, "sheet.jpg")
	if err := os.WriteFile(sheet, []byte("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, _ := newSandboxApp(t, 80, 24)
	toEnteredLater(t, a, "paper.form@example.com", "VIP")
	typeAndWait(t, a, "2026-03-14 10:30")
	wantScreen(t, a, "✓ 14 Mar 2026 10:30 UTC", "! Historical import skips double opt-in: VIP Early")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "Booth, Spring Fair")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "fair-2026")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, filepath.Join(dir, "missing.jpg"))
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Not sent: 1 thing to fix.", "✗ evidence: evidence file "+filepath.Join(dir, "missing.jpg"))
	v := a.current().(*formView)
	if v.email.Value() != "paper.form@example.com" || v.off.by.Value() != "Booth, Spring Fair" || v.off.atText != "2026-03-14 10:30" {
		t.Fatalf("something typed was lost: %q %q %q", v.email.Value(), v.off.by.Value(), v.off.atText)
	}
	for range "missing.jpg" {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	typeAndWait(t, a, "sheet.jpg")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Subscribe paper.form@example.com · VIP Early Access",
		"Entered later: consent given on 14 Mar 2026 10:30 UTC; collected by Booth, Spring Fair; wording fair-2026; evidence sheet.jpg",
		"Email marketing ✓ verified SUBSCRIBED: Klaviyo records consent given on 14 Mar 2026 10:30 UTC, as asked")
	entries, _ := a.c.history.Entries()
	if len(entries) != 1 || entries[0].Request.Offline == nil ||
		entries[0].Request.Offline.EvidenceSHA256 != "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ||
		entries[0].Request.Offline.EvidenceName != "sheet.jpg" || entries[0].Request.Offline.CollectedBy != "Booth, Spring Fair" {
		t.Fatalf("journaled %+v", entries)
	}
}
