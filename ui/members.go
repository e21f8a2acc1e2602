package ui

// PLACEHOLDER: replaced by the members view (helper A).

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

type membersView struct {
	c    *common
	list client.List
}

func newMembersView(c *common, l client.List) *membersView { return &membersView{c: c, list: l} }

func (v *membersView) Init() tea.Cmd             { return nil }
func (v *membersView) Update(tea.Msg) tea.Cmd    { return nil }
func (v *membersView) View() string              { return "members of " + v.list.Name }
func (v *membersView) SetSize(int, int)          {}
func (v *membersView) ShortHelp() []key.Binding  { return []key.Binding{v.c.keys.Back} }
func (v *membersView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
