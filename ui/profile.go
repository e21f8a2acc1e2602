package ui

// PLACEHOLDER: replaced by the profile view (helper B).

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

type profileView struct {
	c  *common
	id string
}

func newProfileView(c *common, id string) *profileView { return &profileView{c: c, id: id} }

func (v *profileView) Init() tea.Cmd             { return nil }
func (v *profileView) Update(tea.Msg) tea.Cmd    { return nil }
func (v *profileView) View() string              { return "profile " + v.id }
func (v *profileView) SetSize(int, int)          {}
func (v *profileView) ShortHelp() []key.Binding  { return []key.Binding{v.c.keys.Back} }
func (v *profileView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
