package main

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/ui"
)

// runUI starts the terminal UI. Without a terminal it exits 2 and names the
// subcommands that work in scripts.
func runUI(ctx context.Context, args []string, e env) error {
	if !e.isTerminal() {
		return usagef("the UI needs a terminal (stdin and stdout are not one).\n"+
			"In scripts use the subcommands: consent check, consent help.\n\n%s", usage)
	}
	cfg, err := loadSettings(e.getenv, "")
	if err != nil {
		return err
	}
	fs := newFlagSet("consent")
	api := addAPIFlags(fs)
	if _, err := parseFlags(fs, args, "consent [--api-key KEY]"); err != nil {
		return err
	}
	b, err := openBackend(ctx, api, e, cfg, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	app := ui.New(ui.Options{Rules: cfg.rules, Backend: b.name + " · revision " + client.Revision})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return nil
}
