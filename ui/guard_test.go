package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// personToPicker opens the form, types email and phone, turns on email
// marketing (when email is given) and SMS marketing, and picks the
// Newsletter.
func personToPicker(t *testing.T, a *App, email, phone string) {
	t.Helper()
	typeAndWait(t, a, "s")
	typeAndWait(t, a, email)
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, phone)
	pressAndWait(t, a, tea.KeyTab, 0)
	if email != "" {
		pressAndWait(t, a, tea.KeySpace, 0) // email marketing
	}
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // SMS marketing
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the list picker
	typeAndWait(t, a, "newsl")
	pressAndWait(t, a, tea.KeyEnter, 0)
}

// TestFormShowsTwoProfilesAndSendsOnlyWhenChosen: the demo's Ana Kovač
// has her email on one profile and her number on another. The form shows
// both cards side by side and what would happen, sends nothing until the
// agent chooses; any key but y answers No; e goes back
// to the form with everything kept; a, then y, sends as typed to the
// email's profile, and the result says the SMS consent did not land.
func TestFormShowsTwoProfilesAndSendsOnlyWhenChosen(t *testing.T) {
	a, _ := newSandboxApp(t, 130, 40)
	personToPicker(t, a, "ana.kovac@example.com", "+1 201 555 0193")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "✗ Not sent: the email and the phone number are on two different profiles.",
		"email consent would land on 01H75169M0001G000001FET003 (the email's profile); SMS consent would land on neither",
		"A · has the email", "B · has the number", "a send • e edit • esc stop")
	if lines := strings.Split(screen(a), "\n"); !strings.Contains(strings.Join(lines, "\n"), "A · has the email") || !sameLine(lines, "A · has the email", "B · has the number") {
		t.Errorf("the cards are not side by side at 130 columns:\n%s", screen(a))
	}
	sent := func() int {
		es, _ := a.c.history.Entries()
		n := 0
		for _, e := range es {
			if e.State != StateRefused {
				n++
			}
		}
		return n
	}
	typeAndWait(t, a, "x") // no choice
	typeAndWait(t, a, "e")
	wantScreen(t, a, "ana.kovac@example.com", "+1 201 555 0193", "List Newsletter (Y6nRLr)")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "A · has the email")
	typeAndWait(t, a, "a")
	wantScreen(t, a, "Send as typed to 01H75169M0001G000001FET003, the email's profile? SMS consent would not be recorded. y/N")
	typeAndWait(t, a, "n")
	wantScreen(t, a, "Not sent.")
	if n := sent(); n != 0 {
		t.Fatalf("%d entries sent before the agent chose", n)
	}
	typeAndWait(t, a, "a")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Email marketing ✓ verified SUBSCRIBED", "SMS marketing ✗ partial failure", "Profile 01H75169M0001G000001FET003")
	es, _ := a.c.history.Entries()
	if len(es) == 0 || es[0].Request.ChosenProfile != "01H75169M0001G000001FET003" {
		t.Errorf("the choice is not journaled: %+v", es)
	}
}

// sameLine reports whether a and b are on one line of lines.
func sameLine(lines []string, a, b string) bool {
	for _, l := range lines {
		if strings.Contains(l, a) && strings.Contains(l, b) {
			return true
		}
	}
	return false
}

// TestFormLiftsAStopOnlyOnNewEvidence: a number that replied STOP is
// refused SMS consent, at 80x24 and at 40x12 alike; the wording's version
// alone is not enough; with who collected it, it is sent, the result says
// what it lifted, and the journal keeps it.
func TestFormLiftsAStopOnlyOnNewEvidence(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		personToPicker(t, a, "", "+1 201 555 0191")
		pressAndWait(t, a, 's', tea.ModCtrl)
		wantScreen(t, a, "opted out of SMS marketing (replied STOP since 2024-04-22)", "Wording version")
		typeAndWait(t, a, "sms-2026-11")
		pressAndWait(t, a, 's', tea.ModCtrl)
		wantScreen(t, a, "Not sent: give the consent wording's version and who collected it, or an evidence file.")
		pressAndWait(t, a, tea.KeyTab, 0)
		typeAndWait(t, a, "Dana, phone call")
		pressAndWait(t, a, 's', tea.ModCtrl)
		wantScreen(t, a, "Override: lifted the SMS opt-out")
		for range 4 { // the result scrolls in a small window
			pressAndWait(t, a, tea.KeyDown, 0)
		}
		wantScreen(t, a, "verified SUBSCRIBED")
		es, _ := a.c.history.Entries()
		if o := es[0].Request.Override; o == nil || o.OptOut != "replied STOP" || o.CollectedBy != "Dana, phone call" {
			t.Errorf("%dx%d: journaled override = %+v", size[0], size[1], o)
		}
	}
}

// TestFormCarrierDeactivationTakesAnEvidenceFile: the sandbox's carrier
// deactivation, made here, is lifted by an evidence file alone; a file
// that is not there is said, and nothing is sent.
func TestFormCarrierDeactivationTakesAnEvidenceFile(t *testing.T) {
	a, sb := newSandboxApp(t, 80, 24)
	if err := sb.OptOutSMS(context.Background(), "+12015550142", sandbox.CarrierDeactivation); err == nil {
		t.Fatal("a number no profile has was opted out")
	}
	personToPicker(t, a, "", "+1 201 555 0192")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "(carrier deactivation since 2024-05-07)")
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	dir := t.TempDir()
	typeAndWait(t, a, dir+"/missing.mp3")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "The evidence file could not be read")
	for range len("missing.mp3") {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	if err := os.WriteFile(dir+"/call.mp3", []byte("a recording"), 0o600); err != nil {
		t.Fatal(err)
	}
	typeAndWait(t, a, "call.mp3")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "SMS marketing", "verified SUBSCRIBED", "Override: lifted the SMS opt-out (carrier deactivation) on new evidence: evidence call.mp3.")
}

// TestResultShowsTheDuplicateProfile: Klaviyo's 409 duplicate_profile
// names the profile that already has an identifier; the result shows it
// as a card, and nothing is recorded as sent.
func TestResultShowsTheDuplicateProfile(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"errors":[{"id":"e","status":409,"code":"duplicate_profile","title":"Conflict.","detail":"A profile already exists with one of these identifiers.","meta":{"duplicate_profile_id":"01GZ3HEDM0000G000001FET001"}}]}`)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	a := newClientApp(t, 100, 40, client.Options{BaseURL: srv.URL}, nil)
	emailMarketingToPicker(t, a, "someone.new@example.com")
	typeAndWait(t, a, "newsl")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "A profile already exists with one of these identifiers.",
		"Klaviyo says this profile already has one of these identifiers:",
		"Tomás Reyes · 01GZ3HEDM0000G000001FET001", "tomas.reyes@example.com", "opted out 2024-04-22: replied STOP")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StateRefused {
		t.Errorf("history = %+v", e)
	}
}
