package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// homeView lists the actions. It is the bottom of the view stack.
type homeView struct {
	c             *common
	width, height int
}

func newHomeView(c *common) *homeView { return &homeView{c: c} }

func (h *homeView) Init() tea.Cmd { return nil }

func (h *homeView) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, h.c.keys.Check):
			return open(newCheckView(h.c))
		case key.Matches(msg, h.c.keys.Leave):
			return tea.Quit
		}
	}
	return nil
}

func (h *homeView) View() string {
	s := h.c.styles
	var b strings.Builder
	b.WriteString(s.Label.Render("What would you like to do?"))
	b.WriteString("\n\n")
	for _, k := range []key.Binding{h.c.keys.Check, h.c.keys.Leave} {
		b.WriteString("  " + s.Key.Render(k.Help().Key) + "  " + k.Help().Desc + "\n")
	}
	b.WriteString("\n")
	b.WriteString(s.Muted.Render("SMS countries for this account: " + h.c.rules.Policy.String()))
	return b.String()
}

func (h *homeView) SetSize(width, height int) { h.width, h.height = width, height }

func (h *homeView) ShortHelp() []key.Binding {
	return []key.Binding{h.c.keys.Check, h.c.keys.Leave, h.c.keys.Help}
}

func (h *homeView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.c.keys.Check, h.c.keys.Leave}, {h.c.keys.Help, h.c.keys.Quit}}
}
