package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/model"
)

// TestQBacksOutOrIsTyped: q quits at Home, backs out of a view, and is a
// letter in an input.
func TestQBacksOutOrIsTyped(t *testing.T) {
	tests := []struct {
		name     string
		keys     string
		wantQuit bool
		want     string
	}{
		{"home quits", "", true, "What would you like to do?"},
		{"history goes back", "h", false, "What would you like to do?"},
		{"check input types it", "c", false, "> q"},
		{"history filter types it", "h/", false, "filter: q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			fillHistory(t, a)
			typeAndWait(t, a, tt.keys)
			quit := send(t, a, tea.KeyPressMsg{Code: 'q', Text: "q"})
			if quit != tt.wantQuit {
				t.Errorf("quit = %v, want %v", quit, tt.wantQuit)
			}
			wantScreen(t, a, tt.want)
		})
	}
}

// historyOf is the History view on top of the stack.
func historyOf(t *testing.T, a *App) *historyView {
	t.Helper()
	v, ok := a.current().(*historyView)
	if !ok {
		t.Fatalf("not History: %T", a.current())
	}
	return v
}

// fillHistory adds entries for three people (one SMS only) on the
// Newsletter.
func fillHistory(t *testing.T, a *App) {
	t.Helper()
	h := a.c.history
	entryAt(t, h, StateVerified, model.ConsentRequest{ListID: "Y6nRLr", Email: fischerEmail, Channels: []model.Channel{model.EmailMarketing}, Source: "Consent Desk"}, "verified")
	entryAt(t, h, StateFailed, model.ConsentRequest{Phone: walkerE164, Channels: []model.Channel{model.SMSMarketing}}, "failed")
	entryAt(t, h, StatePending, model.ConsentRequest{ListID: "Y6nRLr", Email: "nobody.here@example.com", Channels: []model.Channel{model.EmailMarketing}}, "")
}

// TestHistoryFilter: / narrows the entries by person or state as typed;
// enter keeps the filter, esc clears it.
func TestHistoryFilter(t *testing.T) {
	tests := []struct {
		typed     string
		shown     int
		want      string
		unwanted  string
		countLine string
	}{
		{"fischer", 1, fischerEmail, "nobody.here", "1 of 3 entries match"},
		{"failed", 1, walkerE164, fischerEmail, "1 of 3 entries match"},
		{"617 547", 1, "failed", fischerEmail, "1 of 3 entries match"},
		{"PENDING", 1, "nobody.here", fischerEmail, "1 of 3 entries match"},
		{"example", 2, fischerEmail, walkerE164, "2 of 3 entries match"},
		{"zzz", 0, "filter: zzz", fischerEmail, "0 of 3 entries match"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			fillHistory(t, a)
			typeAndWait(t, a, "h/")
			typeAndWait(t, a, tt.typed)
			if got := len(historyOf(t, a).shown); got != tt.shown {
				t.Errorf("%d shown, want %d:\n%s", got, tt.shown, screen(a))
			}
			wantScreen(t, a, tt.want, tt.countLine)
			wantNotOnScreen(t, a, tt.unwanted)
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, "filter: "+tt.typed+" (/ edits, esc clears)")
			pressAndWait(t, a, tea.KeyEscape, 0)
			if got := len(historyOf(t, a).shown); got != 3 {
				t.Errorf("after esc %d shown, want 3", got)
			}
			wantScreen(t, a, "3 entries, newest first, times UTC")
		})
	}
}

// TestHistoryKeysMove: j/k, G/end and g/home, pgdn and pgup move the
// selection.
func TestHistoryKeysMove(t *testing.T) {
	tests := []struct {
		keys []tea.KeyPressMsg
		want int
	}{
		{[]tea.KeyPressMsg{{Code: 'j', Text: "j"}}, 1},
		{[]tea.KeyPressMsg{{Code: 'j', Text: "j"}, {Code: 'k', Text: "k"}}, 0},
		{[]tea.KeyPressMsg{{Code: 'G', Text: "G"}}, 2},
		{[]tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyHome}}, 0},
		{[]tea.KeyPressMsg{{Code: tea.KeyPgDown}}, 2},
		{[]tea.KeyPressMsg{{Code: tea.KeyPgDown}, {Code: tea.KeyPgUp}}, 0},
	}
	for _, tt := range tests {
		a, _ := newSandboxApp(t, 80, 24)
		fillHistory(t, a)
		typeAndWait(t, a, "h")
		for _, k := range tt.keys {
			send(t, a, k)
		}
		if got := historyOf(t, a).win.cursor; got != tt.want {
			t.Errorf("%v: cursor %d, want %d", tt.keys, got, tt.want)
		}
	}
}

// TestHistoryEnterOpensProfile: enter looks the entry's person up (by
// email, else by phone) and opens their profile; nobody found says so.
func TestHistoryEnterOpensProfile(t *testing.T) {
	tests := []struct {
		filter string
		want   string
	}{
		{"fischer", "Lukas Fischer"},
		{"failed", "James Walker · " + walkerID},
		{"nobody", "No profile at Klaviyo for nobody.here@example.com."},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			fillHistory(t, a)
			typeAndWait(t, a, "h/"+tt.filter)
			pressAndWait(t, a, tea.KeyEnter, 0) // keeps the filter
			pressAndWait(t, a, tea.KeyEnter, 0) // opens the profile
			wantScreen(t, a, tt.want)
			wantFits(t, a, 80, 24)
		})
	}
}

// TestHistoryNamesListsAndSource: once the picker loaded the lists,
// History names the list; the detail says the source and the backend.
func TestHistoryNamesListsAndSource(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	fillHistory(t, a)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "list Y6nRLr")
	pressAndWait(t, a, tea.KeyEscape, 0)
	typeAndWait(t, a, "m") // the picker reads the lists
	pressAndWait(t, a, tea.KeyEscape, 0)
	typeAndWait(t, a, "hG")
	wantScreen(t, a, "list Newsletter", "made on SANDBOX", "list Newsletter (Y6nRLr)", "source Consent Desk")
}

// TestHistoryFilterAt40x12: the filter line and the entries fit a small
// window.
func TestHistoryFilterAt40x12(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	fillHistory(t, a)
	typeAndWait(t, a, "h/fischer")
	wantScreen(t, a, "filter: fischer")
	wantFits(t, a, 40, 12)
}
