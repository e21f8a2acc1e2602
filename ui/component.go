package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/model"
)

// component is what every view implements (after soft-serve's
// pkg/ui/common.Component): a Bubble Tea model that renders a string, its own
// key help for the footer, and a size set by the root. Views are pointers
// and update in place; only the root returns a tea.View.
type component interface {
	help.KeyMap
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
}

// titled views name themselves in the status line.
type titled interface{ Title() string }

// busyView is a view that can be waiting on I/O; Busy says what for ("" when
// idle), and the root shows it with a spinner.
type busyView interface{ Busy() string }

// escHandler is a view that uses esc itself (to cancel a request, or to
// leave a sub-mode) while EscIsMine is true; otherwise esc goes back.
type escHandler interface{ EscIsMine() bool }

// textCapturer is a view whose focused element takes typed text, so that
// single-letter keys (q, ?) are typed rather than acted on.
type textCapturer interface{ CapturesText() bool }

// revealer is a view that wants to know when the view above it closed, to
// refresh what it shows (a consent card that the view above may have
// changed).
type revealer interface{ Revealed() tea.Cmd }

// consentWatcher is a view that shows profiles' consent: told that a
// profile's consent changed (consentChangedMsg), it shows it as it now is.
type consentWatcher interface{ ConsentChanged(p client.Profile) }

// listLeaver is a view that shows a list's members: told that a profile
// left list listID, it no longer shows them as a member.
type listLeaver interface {
	ListLeft(profileID, listID string)
}

// atRisk is a view holding work that quitting now would lose or leave
// unfinished (an unsent entry, a change being sent); AtRisk says what, ""
// when nothing.
type atRisk interface{ AtRisk() string }

// common is what the root passes down to every view instead of globals.
type common struct {
	ctx     context.Context
	styles  *styles
	keys    keyMap
	rules   model.PhoneRules
	backend string
	client  *client.Client
	history History
	// desk makes every consent change (desk.Desk, on history and
	// client): the only way the UI changes consent.
	desk *desk.Desk
	// defaultList is the account's list for new subscriptions, "" if none.
	defaultList string
	// lists are the account's lists as the picker last read them all,
	// reused by the picker and for History's list names.
	lists listCache
	// now is the clock of the questions' guard against typed-ahead keys
	// (question); tests replace it.
	now func() time.Time
}

// backMsg asks the root to close the current view.
type backMsg struct{}

// back closes the current view.
func back() tea.Msg { return backMsg{} }

// openMsg asks the root to push a view.
type openMsg struct{ view component }

// open pushes view v.
func open(v component) tea.Cmd { return func() tea.Msg { return openMsg{v} } }

// replaceMsg asks the root to replace the current view.
type replaceMsg struct{ view component }

// replace puts view v in place of the current one.
func replace(v component) tea.Cmd { return func() tea.Msg { return replaceMsg{v} } }
