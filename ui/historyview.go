package ui

// PLACEHOLDER: replaced by the history view (helper B).

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

type historyView struct{ c *common }

func newHistoryView(c *common) *historyView { return &historyView{c: c} }

func (v *historyView) Init() tea.Cmd             { return nil }
func (v *historyView) Update(tea.Msg) tea.Cmd    { return nil }
func (v *historyView) View() string              { return "history" }
func (v *historyView) SetSize(int, int)          {}
func (v *historyView) ShortHelp() []key.Binding  { return []key.Binding{v.c.keys.Back} }
func (v *historyView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
