package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// newHistoryDismissCmd is `consent history dismiss`.
func newHistoryDismissCmd(a *app) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "dismiss ID --note TEXT",
		Short: "put an entry to rest, with why (journaled)",
		Long: `Puts a journal entry to rest with a note: it is not retried or counted again,
and the note is journaled with your name (nothing is deleted).`,
		Example: `  consent history dismiss 20261126-142451-f39f0d2e --note "typo in the address, re-entered"`,
		RunE: a.runE(func(_ *cobra.Command, ids []string) error {
			return runHistoryDismiss(a.e, ids, note)
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "why the entry needs nothing more, journaled with your name (`TEXT`)")
	return cmd
}

// runHistoryDismiss puts an entry to rest with the agent's note: it is not
// retried or counted again, and the note is journaled.
func runHistoryDismiss(e env, ids []string, note string) error {
	if len(ids) != 1 {
		return usage.Errorf("give one entry ID\nusage: %s", dismissSynopsis)
	}
	cfg, err := config.Load(e.getenv, config.Overrides{})
	if err != nil {
		return err
	}
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	d := &desk.Desk{Store: j, Agent: cfg.Agent}
	if err := d.Dismiss(ids[0], note); err != nil {
		var ce *journal.ClaimError
		if errors.As(err, &ce) || strings.Contains(err.Error(), "needs a note") || strings.Contains(err.Error(), "at most") {
			return usage.Errorf("%s", model.SanitizeText(err.Error()))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "Entry %s dismissed: %s\n", sanitizeArg(ids[0]), model.SanitizeText(strings.Join(strings.Fields(note), " ")))
	return nil
}
