package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestHistoryTeamFilter: in a team's journal every row says who made it,
// and / takes the team's fields — agent:, state:, since:, account:,
// person: — with free text beside them.
func TestHistoryTeamFilter(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	h := a.c.history
	add := func(agent, email string, state State, at time.Time, account string) {
		t.Helper()
		o := testOrigin
		o.Account = account
		if _, err := h.Add(HistoryEntry{At: at, Agent: agent, Action: journal.ActionSubscribe, Origin: o, State: state,
			Request: model.ConsentRequest{Email: email, Channels: []model.Channel{model.EmailMarketing}}}); err != nil {
			t.Fatal(err)
		}
	}
	now := a.c.now()
	add("ana", "old@example.com", StateVerified, now.AddDate(0, 0, -30), "us-shop")
	add("ben", "ben.one@example.com", StatePending, now.Add(-time.Hour), "eu-shop")
	add("ana", "ana.two@example.com", StateVerified, now.Add(-2*time.Hour), "eu-shop")
	if _, err := h.Add(HistoryEntry{At: now.Add(-3 * time.Hour), Agent: "ben", Action: journal.ActionSubscribe, Origin: testOrigin, State: StateVerified,
		Request: model.ConsentRequest{Phone: "+12015550123", Channels: []model.Channel{model.SMSMarketing}}}); err != nil {
		t.Fatal(err)
	}
	typeAndWait(t, a, "h")
	wantScreen(t, a, "by ben", "by ana")
	for _, tc := range []struct {
		typed string
		shown int
	}{
		{"agent:ben", 2},
		{"agent:ANA", 2},
		{"person:+12015550123", 1},
		{"agent:ana since:7d", 1},
		{"state:verified account:eu-shop", 1},
		{"person:OLD@example.com", 1},
		{"agent:ana two", 1},
		{"since:yesterday", 0}, // not a time: text, which matches nothing
	} {
		typeAndWait(t, a, "/")
		typeAndWait(t, a, tc.typed)
		if got := len(historyOf(t, a).shown); got != tc.shown {
			t.Errorf("%q: %d shown, want %d:\n%s", tc.typed, got, tc.shown, screen(a))
		}
		pressAndWait(t, a, tea.KeyEnter, 0)
		pressAndWait(t, a, tea.KeyEscape, 0) // clears it
		if got := len(historyOf(t, a).shown); got != 4 {
			t.Fatalf("after esc %d shown, want 4", got)
		}
	}
}

// sharedHistory is a history that says it is a team's database.
type sharedHistory struct{ *journal.Memory }

func (sharedHistory) Team() bool    { return true }
func (sharedHistory) Where() string { return "postgres://desk:xxxxx@db.example.com/consent" }

// TestHistorySaysItIsTheTeamsJournal: History's count line names the
// team's database, its password redacted as the store gives it.
func TestHistorySaysItIsTheTeamsJournal(t *testing.T) {
	h := sharedHistory{NewMemoryHistory()}
	a := newSandboxAppWith(t, 120, 24, sandbox.Options{}, h)
	entryAt(t, h, StateVerified, model.ConsentRequest{Email: "team@example.com", Channels: []model.Channel{model.EmailMarketing}}, "verified")
	typeAndWait(t, a, "h")
	wantScreen(t, a, "1 entry, newest first, times UTC · team journal postgres://desk:xxxxx@db.example.com/consent")
}
