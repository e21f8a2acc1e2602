package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
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

// common is what the root passes down to every view instead of globals.
type common struct {
	styles  *styles
	keys    keyMap
	rules   model.PhoneRules
	backend string
}

// backMsg asks the root to close the current view.
type backMsg struct{}

func back() tea.Msg { return backMsg{} }
