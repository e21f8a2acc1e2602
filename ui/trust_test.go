package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestDoubleOptInIsAwaitingNotVerified: a subscribe through a double
// opt-in list is "awaiting double opt-in" in the journal and History, not
// verified, and Home counts it apart.
func TestDoubleOptInIsAwaitingNotVerified(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	emailMarketingToPicker(t, a, "doi.history@example.com")
	typeAndWait(t, a, "VIP")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Email marketing … pending double opt-in")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StateAwaitingConfirmation {
		t.Fatalf("history = %+v", e)
	}
	typeAndWait(t, a, "n")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "1 waits for the person's double opt-in confirmation: press h to review.")
	wantNotOnScreen(t, a, "not verified:")
	typeAndWait(t, a, "h")
	wantScreen(t, a, "1 not verified (1 awaiting double opt-in)", "… opt-in   doi.history@example.com", "awaiting double opt-in · made on SANDBOX")
	wantNotOnScreen(t, a, "✓ verified")
}

// TestHistoryRetriesOnlyEntriesMadeHere: an entry made on another backend
// says where, and r sends nothing for it.
func TestHistoryRetriesOnlyEntriesMadeHere(t *testing.T) {
	h := NewMemoryHistory()
	if _, err := h.Add(HistoryEntry{At: time.Now(), Action: journal.ActionSubscribe, Origin: journal.Origin{Backend: "Klaviyo https://a.klaviyo.com", Account: "us-shop"},
		Request: model.ConsentRequest{Email: "real.person@example.com", Channels: []model.Channel{model.EmailMarketing}}, State: StatePending}); err != nil {
		t.Fatal(err)
	}
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "1 made elsewhere", "on us-shop (not here)", "made on Klaviyo https://a.klaviyo.com, account us-shop (not here: not retried)")
	typeAndWait(t, a, "r")
	wantScreen(t, a, "was made on Klaviyo https://a.klaviyo.com, account us-shop: not retried here (this is SANDBOX).")
	wantNotOnScreen(t, a, "y/N")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StatePending {
		t.Errorf("history = %+v", e)
	}
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "1 made on another backend or account is not retried here: press h to review.")
}

// TestHistoryNoticeIsAboutTheSelectedEntry: a notice about one entry goes
// away when another is selected, and comes back with nothing stale.
func TestHistoryNoticeIsAboutTheSelectedEntry(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StateVerified, model.ConsentRequest{Email: "old@example.com", Channels: []model.Channel{model.EmailMarketing}}, "ok")
	entryAt(t, h, StateVerified, model.ConsentRequest{Email: "new@example.com", Channels: []model.Channel{model.EmailMarketing}}, "ok")
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "r")
	wantScreen(t, a, "Entry 2 is verified: nothing to retry.")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "Entry 1 ·")
	wantNotOnScreen(t, a, "Entry 2 is verified: nothing to retry.")
}

// TestHistoryDismissNeedsANoteAndAYes: d opens a note; enter with none is
// refused; the question names the entry and the note, and any key but y
// keeps it; y dismisses it: journaled with the note, not counted again.
func TestHistoryDismissNeedsANoteAndAYes(t *testing.T) {
	h := NewMemoryHistory()
	h.Agent = "dana"
	entryAt(t, h, StateFailed, model.ConsentRequest{Email: "typo@exmaple.com", Channels: []model.Channel{model.EmailMarketing}}, "network")
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "d")
	wantScreen(t, a, "Dismiss entry 1: it will not be retried or counted again.", "note:", "enter dismiss with this note • esc cancel")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "A dismissal needs a note saying why.")
	typeAndWait(t, a, "typo in the domain, re-entered")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, `Dismiss entry 1 (subscribe typo@exmaple.com) with the note "typo in the domain, re-entered"? y/N`)
	typeAndWait(t, a, "x")
	wantScreen(t, a, "Not dismissed.")
	if e := historyEntries(t, a); e[0].State != StateFailed {
		t.Fatalf("dismissed without a yes: %+v", e)
	}
	typeAndWait(t, a, "d")
	typeAndWait(t, a, "typo in the domain, re-entered")
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Entry 1 dismissed: it is not retried or counted again.", "– dismissed", "dismissed by dana: typo in the domain, re-entered")
	if e := historyEntries(t, a); e[0].State != StateDismissed || e[0].Note != "typo in the domain, re-entered" {
		t.Errorf("history = %+v", e)
	}
	wantNotOnScreen(t, a, "not verified")
}

// TestHistoryResendAnAcceptedEntryOnlyAfterTheBound: R on an entry Klaviyo
// accepted minutes ago says to wait (r reads it back); an older one asks
// y/N before sending.
func TestHistoryResendAnAcceptedEntryOnlyAfterTheBound(t *testing.T) {
	h := NewMemoryHistory()
	req := model.ConsentRequest{Email: "slow@example.com", Channels: []model.Channel{model.EmailMarketing}}
	id := entryAt(t, h, StatePending, req, "")
	if err := h.Update(id, journal.Change{State: StateAccepted, Result: "accepted by Klaviyo"}); err != nil {
		t.Fatal(err)
	}
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "R")
	wantScreen(t, a, "its jobs can take minutes, so r reads it back. R resends it from 1h0m0s after it was accepted.")
	wantNotOnScreen(t, a, "y/N")
}

// TestQuitAsksWhenWorkIsAtRisk: ctrl+c on Home quits at once; with an
// unsent entry in the form it asks, any key but y stays with nothing lost,
// and y (or ctrl+c again) quits, saying it was interrupted.
func TestQuitAsksWhenWorkIsAtRisk(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "keep.me@example.com")
	if quit := press(t, a, 'c', tea.ModCtrl); quit {
		t.Fatal("ctrl+c quit with an unsent entry, without asking")
	}
	wantScreen(t, a, "Quit now, leaving an unsent entry in the subscribe form? A change being sent stays in History as pending", "y/N")
	for _, stay := range []tea.KeyPressMsg{{Code: 'n', Text: "n"}, {Code: tea.KeyEnter}, {Code: tea.KeyEscape}} {
		if send(t, a, stay) {
			t.Fatalf("%s quit", stay)
		}
		wantScreen(t, a, "keep.me@example.com")
		wantNotOnScreen(t, a, "Quit now")
		press(t, a, 'c', tea.ModCtrl)
	}
	if !send(t, a, tea.KeyPressMsg{Code: 'y', Text: "y"}) {
		t.Fatal("y did not quit")
	}
	if interrupted, risks := a.Interrupted(); !interrupted || len(risks) != 1 || !strings.Contains(risks[0], "unsent entry") {
		t.Errorf("Interrupted() = %v %v", interrupted, risks)
	}

	home, _ := newSandboxApp(t, 80, 24)
	if !press(t, home, 'c', tea.ModCtrl) {
		t.Fatal("ctrl+c on Home did not quit")
	}
	if interrupted, _ := home.Interrupted(); !interrupted {
		t.Error("ctrl+c is not reported as an interruption")
	}
}

// TestMembersRowFollowsAnUnsubscribe: unsubscribing a member from the
// profile opened on their row, then going back, shows the row as Klaviyo
// now has it, not as it was.
func TestMembersRowFollowsAnUnsubscribe(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "m")
	typeAndWait(t, a, "Newsletter")
	pressAndWait(t, a, tea.KeyEnter, 0)
	downTo(t, a, "james.walker") // SMS marketing subscribed
	if row := selectedLine(a); !strings.Contains(row, "james.walker") || !strings.Contains(row, " subscribed") {
		t.Fatalf("row %q", row)
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0) // SMS marketing
	pressAndWait(t, a, tea.KeyEnter, 0) // on the whole account
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS marketing: verified UNSUBSCRIBED")
	pressAndWait(t, a, tea.KeyEscape, 0)
	row := selectedLine(a)
	if !strings.Contains(row, "james.walker") || strings.Contains(row, " subscribed") {
		t.Errorf("the row still shows the old consent: %q\n%s", row, screen(a))
	}
}

// downTo moves the members view's cursor down to the first row that
// contains what (the list is in the order its members joined).
func downTo(t *testing.T, a *App, what string) {
	t.Helper()
	for range 500 {
		if strings.Contains(selectedLine(a), what) {
			return
		}
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	t.Fatalf("no row with %q in the first 500:\n%s", what, screen(a))
}

// manualClock is a clock a test moves by hand.
type manualClock struct{ now time.Time }

func (c *manualClock) read() time.Time { return c.now }

// TestQuestionTakesNoTypedAheadYes: a name typed on Home ("henry@…": h
// opens History, r asks to retry the newest entry, y would confirm it) does
// not retry anything: a y that comes before the question could be read is
// No, and says so; the same y pressed once it could be read retries.
func TestQuestionTakesNoTypedAheadYes(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StatePending, model.ConsentRequest{Phone: "+16175475595", Channels: []model.Channel{model.SMSMarketing}}, "")
	clock := &manualClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	a.c.now = clock.read
	typeAndWait(t, a, "henry@example.com")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StatePending {
		t.Fatalf("typing a name on Home retried an entry: %+v", e)
	}
	wantScreen(t, a, "Not retried: nothing was sent. (y came too soon after the question to be read")

	typeAndWait(t, a, "r")
	clock.now = clock.now.Add(confirmDelay)
	typeAndWait(t, a, "y")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StateVerified { // Klaviyo already shows it: verified, nothing sent
		t.Fatalf("a y pressed after reading did not retry: %+v", e)
	}
}

// TestUnsubscribeTakesNoTypedAheadYes: on the card, a y typed straight
// after the question is No (and, in the check view, is typed on).
func TestUnsubscribeTakesNoTypedAheadYes(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	a, _ := newSandboxApp(t, 100, 30)
	a.c.now = clock.read
	checkFor(t, a, walkerPhone)
	unsubscribeFromCard(t, a, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the whole account
	typeAndWait(t, a, "y")
	if e := historyEntries(t, a); len(e) != 0 {
		t.Fatalf("a typed-ahead y unsubscribed: %+v", e)
	}
	wantScreen(t, a, "> "+walkerPhone+"y", "Not unsubscribed: nothing was sent. (y came too soon")
}

// TestHomeSaysWhenJournalLinesWereSkipped: a damaged journal line, which
// the CLI reports, is said on Home too.
func TestHomeSaysWhenJournalLinesWereSkipped(t *testing.T) {
	path := t.TempDir() + "/journal.jsonl"
	good := `{"op":"add","id":"a","action":"subscribe","request":{"channels":["email_marketing"]},"state":"verified"}`
	if err := os.WriteFile(path, []byte(good+"\ngarbage\n"+`{"op":"add","id":"b"`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(path, journal.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, History: j})
	send(t, a, tea.WindowSizeMsg{Width: 100, Height: 24})
	runCmdFully(t, a, a.current().Init(), 0)
	wantScreen(t, a, "✗ The journal has 2 lines it could not read, skipped: line 2: not a journal record: skipped (and 1 more).")
}

// TestHistoryFollowsAnotherProcess: an entry another process settles while
// History is open is shown as it now is at the next key, not as it was.
func TestHistoryFollowsAnotherProcess(t *testing.T) {
	path := t.TempDir() + "/journal.jsonl"
	mine, err := journal.Open(path, journal.Meta{Agent: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := mine.Add(HistoryEntry{Action: journal.ActionSubscribe, Origin: testOrigin, Request: model.ConsentRequest{Email: "other.process@example.com", Channels: []model.Channel{model.EmailMarketing}}})
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, mine)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "… pending   other.process@example.com")
	other, _ := journal.Open(path, journal.Meta{Agent: "sam"})
	if err := other.Update(id, journal.Change{State: StateVerified, Result: "verified by another desk"}); err != nil {
		t.Fatal(err)
	}
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "✓ verified  other.process@example.com", "verified by another desk")
}

// TestQuitTakesNoTypedAheadYes: a y straight after ctrl+c's question does
// not quit (the form's typed entry stays); ctrl+c twice does.
func TestQuitTakesNoTypedAheadYes(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	a, _ := newSandboxApp(t, 80, 24)
	a.c.now = clock.read
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "keep.me@example.com")
	press(t, a, 'c', tea.ModCtrl)
	if send(t, a, tea.KeyPressMsg{Code: 'y', Text: "y"}) {
		t.Fatal("a typed-ahead y quit")
	}
	wantScreen(t, a, "keep.me@example.com")
	press(t, a, 'c', tea.ModCtrl)
	if !press(t, a, 'c', tea.ModCtrl) {
		t.Fatal("ctrl+c twice did not quit")
	}
}

// TestUnsubscribeThroughAListLeavesIt: unsubscribed through the list the
// members view shows, the profile's lists are read again (the list is gone
// from them) and, back in the members view, the row says the person left.
func TestUnsubscribeThroughAListLeavesIt(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "m")
	typeAndWait(t, a, "Newsletter")
	pressAndWait(t, a, tea.KeyEnter, 0)
	downTo(t, a, "james.walker")
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0) // SMS marketing
	pressAndWait(t, a, tea.KeyDown, 0)  // through Newsletter, his first list
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "through list Newsletter (Y6nRLr)?")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS marketing: verified UNSUBSCRIBED", "On 2 lists:")
	wantNotOnScreen(t, a, "Newsletter (Y6nRLr, single opt-in) ·")
	pressAndWait(t, a, tea.KeyEscape, 0)
	if row := selectedLine(a); !strings.Contains(row, "james.walker") || !strings.Contains(row, "left list") {
		t.Errorf("the row does not say he left: %q", row)
	}
}
