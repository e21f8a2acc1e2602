package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

const confirmSynopsis = "consent sandbox confirm [--db FILE] [--list ID] EMAIL|PHONE"

// confirmOptions are sandbox confirm's flags.
type confirmOptions struct {
	db, list string
}

// newSandboxConfirmCmd is `consent sandbox confirm`: the person's answer to
// a double opt-in, which only they can give on Klaviyo.
func newSandboxConfirmCmd(a *app) *cobra.Command {
	var o confirmOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(confirmSynopsis, "consent sandbox "),
		Short: "confirm a double opt-in in the sandbox, as the person would",
		Long: `On a double opt-in list Klaviyo records marketing consent only when the person
confirms: they click the link of the confirmation email, or reply YES to the
confirmation text. This does that in the sandbox: given an email address it
confirms the email marketing consent waiting for that person, given a phone
number their SMS marketing consent (on every double opt-in list, or on --list
only). A read-back or a History retry then finds the consent recorded. The
sandbox is the one used without an API key, or the one in --db (the file a
"consent sandbox serve --db FILE" serves).`,
		Example: `  consent sandbox confirm x@example.com
  consent sandbox confirm --db /tmp/sb.db --list NFjKbW "+44 7400 123456"`,
		Args: cobra.ExactArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return runSandboxConfirm(cmd.Context(), a.e, o, args[0])
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&o.db, "db", "", "SQLite `FILE` (default: sandbox.db in the data directory)")
	fs.StringVar(&o.list, "list", "", "confirm on the list with this `ID` only")
	return cmd
}

// runSandboxConfirm confirms the double opt-ins waiting for who, and says
// what it confirmed; nothing waiting is bad input (exit 2).
func runSandboxConfirm(ctx context.Context, e env, o confirmOptions, who string) error {
	cfg, err := config.Load(e.getenv, config.Overrides{})
	if err != nil {
		return err
	}
	key := strings.TrimSpace(who)
	if strings.Contains(key, "@") {
		a := model.AnalyzeEmail(key)
		if !a.Valid {
			return usage.Errorf("%s: %s\nusage: %s", sanitizeArg(who), a.Reason, confirmSynopsis)
		}
		key = a.Normalized
	} else {
		a := cfg.Rules.Analyze(key)
		if !a.Valid {
			return usage.Errorf("%s: %s\nusage: %s", sanitizeArg(who), a.Reason, confirmSynopsis)
		}
		key = a.E164
	}
	path, err := sandboxPath(o.db, e)
	if err != nil {
		return err
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: path, Policy: cfg.Rules.Policy})
	if err != nil {
		return fmt.Errorf("opening the sandbox: %w", err)
	}
	defer sb.Close()
	done, err := sb.Confirm(ctx, key, o.list)
	if errors.Is(err, sandbox.ErrNothingToConfirm) {
		where := ""
		if o.list != "" {
			where = " on list " + sanitizeArg(o.list)
		}
		return usage.Errorf("nothing waits for %s to confirm%s in %s", model.SanitizeText(key), where, model.SanitizeText(path))
	}
	if err != nil {
		return err
	}
	for _, c := range done {
		fmt.Fprintf(e.stdout, "confirmed %s for %s on %s (%s, double opt-in)\n", c.Channel.Label(), model.SanitizeText(key),
			model.SanitizeText(c.ListName), model.SanitizeText(c.ListID))
	}
	return nil
}
