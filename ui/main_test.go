package ui

import (
	"os"
	"testing"
	"time"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestMain runs the UI's tests in UTC: the screens they compare show
// times in the local zone, which would otherwise be the machine's.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

// TestHistoryTimesInTheAgentsZone: History's rows are in the agent's
// zone (time.Local), and say which once; each entry's line says it too.
func TestHistoryTimesInTheAgentsZone(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.FixedZone("CET", 3600)
	h := NewMemoryHistory()
	id, err := h.Add(HistoryEntry{At: time.Date(2026, 7, 15, 8, 30, 0, 0, time.UTC), Action: journal.ActionSubscribe, Origin: testOrigin,
		Request: model.ConsentRequest{Email: "zone@example.com", Channels: []model.Channel{model.EmailMarketing}}, State: StatePending})
	if err != nil {
		t.Fatal(err)
	}
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "1 entry, newest first, times +01:00", "2026-07-15 09:30", "Entry "+id+" · 2026-07-15 09:30:00 +01:00")
}
