package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// walkerEmail is James Walker's address in the demo seed.
const walkerEmail = "james.walker@mail.example.com"

// journalWalker records a back-dated subscribe for Walker's email under an
// earlier number, by agent alice.agent.
func journalWalker(t *testing.T, a *App) {
	t.Helper()
	at := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	_, err := a.c.history.Add(journal.Entry{
		At: at, Updated: at.Add(time.Second), Action: journal.ActionSubscribe, Origin: testOrigin, Agent: "alice.agent",
		Request: model.ConsentRequest{Email: walkerEmail, Phone: "+12015550123", Channels: []model.Channel{model.SMSMarketing},
			Offline: &model.OfflineConsent{ConsentedAt: at.Add(-24 * time.Hour), CollectedBy: "Booth", TextVersion: "fair-2026"}},
		State: journal.StateVerified, Result: "SMS marketing: verified",
	})
	if err != nil {
		t.Fatal(err)
	}
}

// proofFromCheck looks Walker up in the check, and t on his card (after
// tab) opens his proof.
func proofFromCheck(t *testing.T, a *App) {
	t.Helper()
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "t")
}

// TestProofFromTheCheck: t on the check's card opens the person's proof:
// who, Klaviyo's consent per channel, the timeline newest first with the
// journal's entries, at 80x24 and 60x20; esc goes back to the card.
func TestProofFromTheCheck(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		journalWalker(t, a)
		proofFromCheck(t, a)
		wantScreen(t, a, "Consent Desk · proof of consent", "Proof of consent: "+walkerEmail, walkerID)
		wantFits(t, a, size[0], size[1])
		// Scrolled down: the channels and the timeline, newest first.
		for range 30 {
			typeAndWait(t, a, "j")
		}
		wantScreen(t, a, "↑ more", "2024-05-05 04:52:14 UTC  klaviyo  SMS transactional:")
		wantFits(t, a, size[0], size[1])
		full := strings.Join(strings.Fields(proofText(t, a)), " ")
		for _, w := range []string{"Consent in Klaviyo now", "SMS marketing SUBSCRIBED · can receive", "Journal entries (", "collected by Booth", "wording fair-2026", "Timeline, newest first",
			"2026-03-14 10:00:00 UTC journal SMS marketing: subscribe asked (alice.agent)",
			"2026-03-13 10:00:00 UTC journal SMS marketing: consent given, entered later; wording fair-2026 (Booth)"} {
			if !strings.Contains(full, w) {
				t.Errorf("%dx%d: no %q in the proof:\n%s", size[0], size[1], w, full)
			}
		}
		_, timeline, _ := strings.Cut(full, "Timeline, newest first")
		if i, j := strings.Index(timeline, "2026-03-14 10:00:00"), strings.Index(timeline, "2024-05-20"); i < 0 || j < i {
			t.Errorf("timeline not newest first:\n%s", full)
		}
		pressAndWait(t, a, tea.KeyEscape, 0)
		wantScreen(t, a, "Consent Desk · check", "James Walker · "+walkerID)
	}
}

// proofText is the proof view's whole body, unstyled, whatever is
// scrolled.
func proofText(t *testing.T, a *App) string {
	t.Helper()
	v, ok := a.current().(*proofView)
	if !ok {
		t.Fatalf("the top view is %T", a.current())
	}
	return ansi.Strip(strings.Join(v.body().lines, "\n"))
}

// TestProofTypedTIsTyping: after a lookup the input keeps the keys, so a t
// typed there is a letter, never the proof.
func TestProofTypedTIsTyping(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	typeAndWait(t, a, "t")
	wantScreen(t, a, "> "+walkerPhone+"t")
	wantNotOnScreen(t, a, "Proof of consent")
}

// TestProofFromAProfile: t on a profile opens its proof.
func TestProofFromAProfile(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, walkerID)
	typeAndWait(t, a, "t")
	wantScreen(t, a, "Proof of consent: "+walkerEmail, "e export as Markdown")
	wantFits(t, a, 80, 24)
}

// TestProofExport: e writes proof-<profile id>.md in the working
// directory, 0600, the Markdown of the record; again, beside it, never
// over it.
func TestProofExport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	a, _ := newSandboxApp(t, 80, 24)
	journalWalker(t, a)
	proofFromCheck(t, a)
	typeAndWait(t, a, "e")
	wantScreen(t, a, "Written to proof-"+walkerID+".md (only you can read it).")
	typeAndWait(t, a, "e")
	wantScreen(t, a, "Written to proof-"+walkerID+"-2.md")
	for _, name := range []string{"proof-" + walkerID + ".md", "proof-" + walkerID + "-2.md"} {
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		for _, w := range []string{"# Proof of consent: " + walkerEmail, "| When | Source | Channels | What | By |", "alice.agent", "fair-2026"} {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s has no %q:\n%s", name, w, b)
			}
		}
	}
}

// TestProofFitsSmallScreens: no panic and nothing wider than the screen.
func TestProofFitsSmallScreens(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {60, 20}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		journalWalker(t, a)
		openProfile(t, a, walkerID)
		typeAndWait(t, a, "t")
		for range 40 {
			typeAndWait(t, a, "j")
		}
		wantFits(t, a, size[0], size[1])
	}
}
