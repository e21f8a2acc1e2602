package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/ui"
)

// runUI starts the terminal UI, or its accessible mode (accessible.go).
// Without a terminal the UI exits 2 and names the subcommands that work in
// scripts; the accessible mode runs on any stdin.
func runUI(ctx context.Context, a *app) error {
	if a.wantsAccessible() {
		return runAccessible(ctx, a)
	}
	e, api := a.e, &a.api
	if !e.isTerminal() {
		return usage.Errorf("the UI needs a terminal (stdin and stdout are not one).\n"+
			"In scripts use the subcommands: consent check, subscribe, unsubscribe, lists, members, history, sandbox.\n\n%s", rootSynopsis)
	}
	cfg, err := config.Load(e.getenv, api.overrides(""))
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
	defer j.Close()
	app := ui.New(ui.Options{Context: ctx, Client: b.Client, Rules: cfg.Rules, Waits: waits, History: j, DefaultList: cfg.DefaultList,
		Backend: b.Name + " · revision " + client.Revision, Origin: b.Origin, Agent: cfg.Agent})
	_, err = tea.NewProgram(app, tea.WithContext(ctx)).Run()
	killed := errors.Is(err, tea.ErrProgramKilled) || ctx.Err() != nil
	if err != nil && !killed {
		return err
	}
	interrupted, atRisk := app.Interrupted()
	sayWhatIsLeft(e.stderr, j, b.Origin, atRisk)
	if interrupted || killed {
		return &silentExit{code: exitInterrupted}
	}
	return nil
}

// sayWhatIsLeft tells the agent leaving the UI what the journal still has
// to settle on this backend, and what was under way when they quit: a
// change being sent stays pending, and History retries it.
func sayWhatIsLeft(w io.Writer, j journal.Store, here journal.Origin, atRisk []string) {
	if len(atRisk) > 0 {
		fmt.Fprintf(w, "consent: you quit with %s.\n", strings.Join(atRisk, " and "))
	}
	entries, err := j.Entries()
	if err != nil {
		fmt.Fprintf(w, "consent: the journal could not be read: %s\n", model.SanitizeText(err.Error()))
		return
	}
	t := journal.NewRetries(entries).Tally(entries, here)
	if t.Unverified == 0 {
		return
	}
	what := fmt.Sprintf("%d %s not verified", t.Unverified, present.Plural(t.Unverified, "change is", "changes are"))
	if t.Awaiting > 0 {
		what += fmt.Sprintf(" (%d awaiting the person's double opt-in: a retry reads whether they confirmed)", t.Awaiting)
	}
	fmt.Fprintf(w, "consent: %s: consent history lists them; consent history retry --all (or h in the UI) settles them.\n", what)
}
