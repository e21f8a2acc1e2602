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
	const synopsis = "consent [--api-key KEY] [--account NAME]"
	fs := newFlagSet("consent")
	api := addAPIFlags(fs)
	rest, err := parseFlags(fs, args, synopsis)
	if err != nil {
		return err
	}
	if len(rest) > 0 { // "consent --api-key K lists": the command must come first
		return unexpectedArg(rest[0], synopsis+" (or consent COMMAND [flags]: see consent --help)")
	}
	if !e.isTerminal() {
		return usagef("the UI needs a terminal (stdin and stdout are not one).\n"+
			"In scripts use the subcommands: consent check, subscribe, unsubscribe, lists, members, history, sandbox.\n\n%s", usage)
	}
	cfg, err := loadSettings(e.getenv, api.overrides(""))
	if err != nil {
		return err
	}
	waits := make(chan client.Wait, 16)
	b, err := openBackendSeeding(ctx, api, e, cfg, func(w client.Wait) {
		select { // the status line shows waits; never block a request on it
		case waits <- w:
		default:
		}
	}, true)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	app := ui.New(ui.Options{Context: ctx, Client: b.client, Rules: cfg.rules, Waits: waits, History: j, DefaultList: cfg.defaultList,
		Backend: b.name + " · revision " + client.Revision, Origin: b.origin, Agent: cfg.agent})
	if _, err := tea.NewProgram(app, tea.WithContext(ctx)).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return nil
}
