package main

import (
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/ui"
)

// runUI starts the terminal UI. Without a terminal it exits 2 and names the
// subcommands that work in scripts.
func runUI(args []string, e env) error {
	if len(args) > 0 {
		return usagef("unknown flag %q\n\n%s", sanitizeArg(args[0]), usage)
	}
	if !e.isTerminal() {
		return usagef("the UI needs a terminal (stdin and stdout are not one).\n"+
			"In scripts use the subcommands: consent check, consent help.\n\n%s", usage)
	}
	cfg, err := loadSettings(e.getenv)
	if err != nil {
		return err
	}
	app := ui.New(ui.Options{Rules: cfg.rules, Backend: "analysis only: no Klaviyo connection yet"})
	if _, err := tea.NewProgram(app).Run(); err != nil {
		return err
	}
	return nil
}
