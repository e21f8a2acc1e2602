package ui

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/model"
)

// newTestApp returns the UI at a fixed size with the default SMS policy.
func newTestApp(t *testing.T, width, height int) *App {
	t.Helper()
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "TEST"})
	send(t, a, tea.WindowSizeMsg{Width: width, Height: height})
	return a
}

// send delivers msg and then the messages its command produces, as the
// program would. Commands that wait (cursor blink) are dropped after a short
// while; a quit is reported.
func send(t *testing.T, a *App, msg tea.Msg) (quit bool) {
	t.Helper()
	_, cmd := a.Update(msg)
	return runCmd(t, a, cmd)
}

// cmdBound is how long runCmdFully waits for one command: longer than any
// sandbox request takes on a loaded machine, shorter than the timers it
// gives up on.
const cmdBound = 5 * time.Second

// runCmdFully runs cmd and every command its messages produce, waiting up
// to cmdBound for each (I/O against the sandbox), except cursor blinks and
// spinner ticks, which are dropped.
func runCmdFully(t *testing.T, a *App, cmd tea.Cmd, depth int) {
	t.Helper()
	if cmd == nil || depth > 50 {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(cmdBound):
		return // a timer (blink, spinner) or a wait on a channel
	}
	switch m := msg.(type) {
	case nil, tea.QuitMsg:
		return
	case tea.BatchMsg:
		for _, c := range m {
			runCmdFully(t, a, c, depth+1)
		}
		return
	}
	if isTimerMsg(msg) {
		return
	}
	if seq, ok := sequenceCmds(msg); ok {
		for _, c := range seq {
			runCmdFully(t, a, c, depth+1)
		}
		return
	}
	_, next := a.Update(msg)
	runCmdFully(t, a, next, depth+1)
}

// instantBound is how long runCmd waits for a command before taking it
// for a timer (a cursor blink, a spinner tick): long enough for a command
// that answers at once (opening a view) to be scheduled on a loaded
// machine under the race detector, where 5 ms was not.
const instantBound = 60 * time.Millisecond

func runCmd(t *testing.T, a *App, cmd tea.Cmd) (quit bool) {
	if cmd == nil {
		return false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(instantBound):
		return false
	}
	switch msg := msg.(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			quit = runCmd(t, a, c) || quit
		}
		return quit
	case openMsg, backMsg:
		return send(t, a, msg)
	}
	return false
}

// isTimerMsg reports messages that only exist to animate (spinner ticks)
// or to clear a notice later.
func isTimerMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case spinner.TickMsg, waitOverMsg:
		return true
	}
	return false
}

// sequenceCmds unpacks tea.Sequence's message, whose type is unexported.
func sequenceCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// typeText types s one key at a time.
func typeText(t *testing.T, a *App, s string) {
	t.Helper()
	for _, r := range s {
		send(t, a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func press(t *testing.T, a *App, code rune, mod tea.KeyMod) bool {
	t.Helper()
	return send(t, a, tea.KeyPressMsg{Code: code, Mod: mod})
}

// screen is the view as a person reads it: no colours, no escapes.
func screen(a *App) string { return ansi.Strip(a.View().Content) }

func wantScreen(t *testing.T, a *App, wants ...string) {
	t.Helper()
	got := screen(a)
	for _, w := range wants {
		if screentest.Missing(got, w) != "" {
			t.Errorf("screen lacks %q:\n%s", w, got)
		}
	}
}

func TestHomeShowsActionsAndBackend(t *testing.T) {
	a := newTestApp(t, 80, 24)
	wantScreen(t, a, "Consent Desk", "TEST", "c check a phone number's or email's consent", "q quit", "SMS countries for this account: AT, AU, BE")
}

func TestCheckLivePhoneLine(t *testing.T) {
	tests := []struct {
		name  string
		typed string
		wants []string
	}{
		{"Slovenian mobile refused live", "+386 31 234 567", []string{"+386 31 234 567 · Slovenia (SI) · mobile", "✗ Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded. Email consent is unaffected."}},
		{"Puerto Rico named from +1787", "+1787", []string{"+1 787 · probably Puerto Rico (PR)", "✗ Puerto Rico (+1 787) is a US territory"}},
		{"US number accepted", "+1 201 555 0123", []string{"United States (US) · mobile or landline", "✓ SMS consent can be recorded"}},
		{"incomplete says keep typing", "+1 201 555", []string{"+1 201 555 · probably United States (US)", "… incomplete: keep typing the number (United States)"}},
		{"letters", "+1 call", []string{`✗ letters are not part of a phone number: remove "call"`}},
		{"email", "Sarah@Example.COM", []string{"✓ Sarah@example.com"}},
		{"bad email", "sarah@localhost", []string{`… keep typing: the domain "localhost" has no dot yet`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(t, 100, 24)
			typeText(t, a, "c")
			wantScreen(t, a, "Phone number or email")
			typeText(t, a, tt.typed)
			wantScreen(t, a, append([]string{"> " + tt.typed}, tt.wants...)...)
		})
	}
}

func TestCheckUsesDefaultRegion(t *testing.T) {
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy(), DefaultRegion: "US"}})
	send(t, a, tea.WindowSizeMsg{Width: 100, Height: 24})
	typeText(t, a, "c(201) 555-0123")
	wantScreen(t, a, "national format, default region US", "✓ SMS consent can be recorded")
}

func TestEscGoesBackAndKeepsNothingStale(t *testing.T) {
	a := newTestApp(t, 80, 24)
	typeText(t, a, "c+386")
	press(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
	typeText(t, a, "c")
	if strings.Contains(screen(a), "+386") {
		t.Errorf("a new check starts empty:\n%s", screen(a))
	}
}

func TestHelpToggles(t *testing.T) {
	a := newTestApp(t, 80, 24)
	// At 80 columns q gives way in the footer; Home's actions list it.
	wantScreen(t, a, "h history • i import • ? more keys", "q  quit")
	typeText(t, a, "?")
	if strings.Contains(screen(a), "•") {
		t.Errorf("full help still shows the short footer:\n%s", screen(a))
	}
	wantScreen(t, a, "s subscribe", "? more keys", "ctrl+c quit")
	typeText(t, a, "?")
	wantScreen(t, a, "h history • i import • ? more keys")

	// In the check view's input ? is typed, so the footer does not offer it.
	typeText(t, a, "c")
	wantScreen(t, a, "enter look up • esc back • ctrl+c quit")
	if strings.Contains(screen(a), "more keys") {
		t.Errorf("the footer offers ? while the input takes it:\n%s", screen(a))
	}
	typeText(t, a, "?")
	wantScreen(t, a, "> ?", "enter look up • esc back • ctrl+c quit")
}

func TestQuitKeys(t *testing.T) {
	a := newTestApp(t, 80, 24)
	if !send(t, a, tea.KeyPressMsg{Code: 'q', Text: "q"}) {
		t.Error("q on home does not quit")
	}
	a = newTestApp(t, 80, 24)
	typeText(t, a, "c")
	if press(t, a, 'c', tea.ModCtrl) != true {
		t.Error("ctrl+c in the check view does not quit")
	}
	a = newTestApp(t, 80, 24)
	typeText(t, a, "c")
	if send(t, a, tea.KeyPressMsg{Code: 'q', Text: "q"}) {
		t.Error("q typed into the check input quit the program")
	}
}

func TestViewFitsTheWindowAtAnySize(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {40, 12}, {200, 60}, {20, 5}} {
		a := newTestApp(t, size[0], size[1])
		typeText(t, a, "c+1 787 555 0123")
		got := screen(a)
		lines := strings.Split(got, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %q is %d wide", size[0], size[1], l, w)
			}
		}
	}
}

// TestFootersFitAt80Columns: at the smallest supported width, no view's
// one-line footer is cut, so every key it offers is on screen.
func TestFootersFitAt80Columns(t *testing.T) {
	for _, keys := range []string{"", "s", "s\t\t", "c", "h", "m", "m\r"} {
		a, _ := newSandboxApp(t, 80, 24)
		for _, r := range keys {
			code := r
			switch r {
			case '\t':
				code = tea.KeyTab
			case '\r':
				code = tea.KeyEnter
			}
			sendAndWait(t, a, tea.KeyPressMsg{Code: code, Text: string(r)})
		}
		lines := strings.Split(screen(a), "\n")
		footer := lines[len(lines)-1]
		if strings.HasSuffix(strings.TrimSpace(footer), "…") {
			t.Errorf("after %q the footer is cut: %q", keys, footer)
		}
		if !strings.Contains(lines[0], "SANDBOX · revision 2026-07-15") {
			t.Errorf("after %q the status line lost the backend: %q", keys, lines[0])
		}
	}
}

// countingHistory counts reads of a history, and can fail them.
type countingHistory struct {
	History
	reads int
	err   error
}

func (h *countingHistory) Entries() ([]HistoryEntry, error) {
	h.reads++
	if h.err != nil {
		return nil, h.err
	}
	return h.History.Entries()
}

// TestHomeReadsTheHistoryWhenShownNotPerFrame: the journal is a file; home
// reads it when it is shown, not on every frame, and says so when it
// cannot.
func TestHomeReadsTheHistoryWhenShownNotPerFrame(t *testing.T) {
	h := &countingHistory{History: NewMemoryHistory()}
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, History: h})
	send(t, a, tea.WindowSizeMsg{Width: 80, Height: 24})
	before := h.reads
	for i := 0; i < 10; i++ {
		_ = a.View()
	}
	if h.reads != before {
		t.Errorf("10 frames read the history %d times", h.reads-before)
	}
	h.History.Add(HistoryEntry{Action: "subscribe", State: StatePending})
	typeText(t, a, "c")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "1 entry is not verified")

	h.err = errors.New("journal.jsonl: permission denied")
	typeText(t, a, "c")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "✗ The history cannot be read: journal.jsonl: permission denied")
}
