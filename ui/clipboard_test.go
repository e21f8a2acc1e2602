package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// clipboardOf delivers key and returns what the command it produced puts
// on the clipboard (tea.SetClipboard's message), and whether it did.
func clipboardOf(t *testing.T, a *App, k tea.KeyPressMsg) (string, bool) {
	t.Helper()
	_, cmd := a.Update(k)
	return findClipboard(cmd, 0)
}

// findClipboard runs cmd and the commands of its batches, looking for
// tea.SetClipboard's (unexported) message.
func findClipboard(cmd tea.Cmd, depth int) (string, bool) {
	if cmd == nil || depth > 5 {
		return "", false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(50 * time.Millisecond):
		return "", false
	}
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			if s, ok := findClipboard(c, depth+1); ok {
				return s, true
			}
		}
		return "", false
	}
	v := reflect.ValueOf(msg)
	if v.IsValid() && v.Type().Name() == "setClipboardMsg" && v.Kind() == reflect.String {
		return v.String(), true
	}
	return "", false
}

// TestCopyFromTheCard: on the check's card (after tab) y copies what was
// looked up and Y the whole card, each with a confirmation line; in the
// profile y copies the id; while typing a query y and Y are letters.
func TestCopyFromTheCard(t *testing.T) {
	tests := []struct {
		name    string
		open    func(t *testing.T, a *App)
		key     tea.KeyPressMsg
		want    string // on the clipboard ("" for nothing copied)
		confirm string
	}{
		{"check y copies the E.164 number", func(t *testing.T, a *App) {
			checkFor(t, a, walkerPhone)
			pressAndWait(t, a, tea.KeyTab, 0)
		}, tea.KeyPressMsg{Code: 'y', Text: "y"}, walkerE164, "Copied the phone number " + walkerE164 + " to the clipboard."},
		{"check y copies the email looked up", func(t *testing.T, a *App) {
			checkFor(t, a, fischerEmail)
			pressAndWait(t, a, tea.KeyTab, 0)
		}, tea.KeyPressMsg{Code: 'y', Text: "y"}, fischerEmail, "Copied the email address " + fischerEmail},
		{"check Y copies the card", func(t *testing.T, a *App) {
			checkFor(t, a, walkerPhone)
			pressAndWait(t, a, tea.KeyTab, 0)
		}, tea.KeyPressMsg{Code: 'Y', Text: "Y"}, "SMS marketing", "Copied James Walker's card to the clipboard."},
		{"profile y copies the id", func(t *testing.T, a *App) {
			openProfile(t, a, walkerID)
		}, tea.KeyPressMsg{Code: 'y', Text: "y"}, walkerID, "Copied the profile id " + walkerID},
		{"typing a query y is a letter", func(t *testing.T, a *App) {
			checkFor(t, a, walkerPhone)
		}, tea.KeyPressMsg{Code: 'y', Text: "y"}, "", "> " + walkerPhone + "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			tt.open(t, a)
			got, copied := clipboardOf(t, a, tt.key)
			switch {
			case tt.want == "" && copied:
				t.Errorf("copied %q while typing", got)
			case tt.want != "" && !copied:
				t.Errorf("nothing copied:\n%s", screen(a))
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("copied %q, want %q", got, tt.want)
			}
			wantScreen(t, a, tt.confirm)
			wantFits(t, a, 80, 24)
		})
	}
}

// TestCardTextIsPlain: Y's text has the person, the id and each channel,
// without escapes or trailing spaces.
func TestCardTextIsPlain(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, walkerID)
	got, _ := clipboardOf(t, a, tea.KeyPressMsg{Code: 'Y', Text: "Y"})
	for _, want := range []string{"James Walker · " + walkerID, "Email marketing", "SMS transactional", "SPAM_COMPLAINT"} {
		if !strings.Contains(got, want) {
			t.Errorf("card text lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b") || strings.Contains(got, " \n") {
		t.Errorf("card text has escapes or trailing spaces: %q", got)
	}
}

// TestCopyConfirmationAt40x12: the confirmation fits a small window.
func TestCopyConfirmationAt40x12(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	openProfile(t, a, walkerID)
	if _, ok := clipboardOf(t, a, tea.KeyPressMsg{Code: 'y', Text: "y"}); !ok {
		t.Fatal("nothing copied")
	}
	wantScreen(t, a, "Copied the profile id")
	wantFits(t, a, 40, 12)
}
