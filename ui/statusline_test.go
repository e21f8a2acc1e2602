package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/model"
)

// realBackend is the status line's backend against Klaviyo itself: 51
// cells.
const realBackend = "Klaviyo https://a.klaviyo.com · revision 2026-07-15"

// busyStub is a view that waits on something, with a title: the status
// line's spinner and activity.
type busyStub struct{ title, busy string }

func (b *busyStub) Init() tea.Cmd             { return nil }
func (b *busyStub) Update(tea.Msg) tea.Cmd    { return nil }
func (b *busyStub) View() string              { return "body" }
func (b *busyStub) SetSize(int, int)          {}
func (b *busyStub) ShortHelp() []key.Binding  { return nil }
func (b *busyStub) FullHelp() [][]key.Binding { return nil }
func (b *busyStub) Title() string             { return b.title }
func (b *busyStub) Busy() string              { return b.busy }

// statusApp is the UI at width x height on backend, its current view busy
// with busy ("" for idle) and a throttle wait when throttled.
func statusApp(t *testing.T, width, height int, backend, busy string, throttled bool) *App {
	t.Helper()
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: backend})
	send(t, a, tea.WindowSizeMsg{Width: width, Height: height})
	send(t, a, openMsg{&busyStub{title: "subscribe", busy: busy}})
	if throttled {
		send(t, a, waitMsg{Duration: 3 * time.Second, Reason: "throttled"})
	}
	return a
}

// TestStatusLineKeepsSpinnerWaitAndBackend: at every size, with a real
// backend's long name, the spinner, the whole wait and the backend's name
// and host stay on screen; only the revision, the title and the words give
// way, in that order.
func TestStatusLineKeepsSpinnerWaitAndBackend(t *testing.T) {
	tests := []struct {
		width, height int
		busy          string
		throttled     bool
		wants         []string
		unwanted      []string
	}{
		{200, 60, "submitting", true, []string{"Consent Desk · subscribe", "submitting", "Klaviyo asked us to wait 3 s · " + realBackend}, nil},
		{80, 24, "submitting", false, []string{"Consent Desk · subscribe", "submitting", "Klaviyo a.klaviyo.com"}, []string{"https://"}},
		{80, 24, "", false, []string{"Consent Desk · subscribe", realBackend}, nil},
		{80, 24, "unsubscribing, then reading the profile back", true, []string{"Klaviyo asked us to wait 3 s", "Klaviyo a.klaviyo.com", "unsubscribing, then reading the profile back"}, nil},
		{60, 20, "submitting", true, []string{"submitting", "Klaviyo asked us to wait 3 s", "Klaviyo a.klaviyo.com"}, nil},
		{40, 12, "submitting", false, []string{"submitting", "Klaviyo a.klaviyo.com"}, nil},
		{40, 12, "submitting", true, []string{"submitting", "Klaviyo asked us to wait 3 s", "Klaviyo a.klaviyo.com"}, nil},
		{40, 12, "", true, []string{"Klaviyo asked us to wait 3 s", "Klaviyo a.klaviyo.com"}, nil},
	}
	for _, tt := range tests {
		a := statusApp(t, tt.width, tt.height, realBackend, tt.busy, tt.throttled)
		got := screen(a)
		head := strings.Join(strings.Split(got, "\n")[:3], "\n")
		wants := tt.wants
		if tt.busy != "" {
			wants = append(wants, a.spinner.View())
		}
		for _, w := range wants {
			if !strings.Contains(head, w) {
				t.Errorf("%dx%d busy=%q throttled=%t: the status lacks %q:\n%s", tt.width, tt.height, tt.busy, tt.throttled, w, got)
			}
		}
		for _, u := range tt.unwanted {
			if strings.Contains(head, u) {
				t.Errorf("%dx%d: the status has %q:\n%s", tt.width, tt.height, u, got)
			}
		}
		if !strings.Contains(got, "body") {
			t.Errorf("%dx%d: the view's body is not shown:\n%s", tt.width, tt.height, got)
		}
		wantFits(t, a, tt.width, tt.height)
	}
}

// TestStatusLineSandboxAt40Columns: the sandbox's name survives a narrow
// window; its revision goes first.
func TestStatusLineSandboxAt40Columns(t *testing.T) {
	a := statusApp(t, 40, 12, "SANDBOX · revision 2026-07-15", "looking up", true)
	first := strings.Join(strings.Split(screen(a), "\n")[:3], "\n")
	for _, w := range []string{"SANDBOX", "Klaviyo asked us to wait 3 s", a.spinner.View(), "looking up"} {
		if !strings.Contains(first, w) {
			t.Errorf("the status lacks %q:\n%s", w, screen(a))
		}
	}
	for _, l := range strings.Split(screen(a), "\n") {
		if lipgloss.Width(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
}
