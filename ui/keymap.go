package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding of the UI, defined once. Views pick the ones
// their footer shows; matching always goes through key.Matches.
type keyMap struct {
	Quit key.Binding
	Back key.Binding
	Help key.Binding

	Check key.Binding
	Leave key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		Quit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Check: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check a number or email")),
		Leave: key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
}
