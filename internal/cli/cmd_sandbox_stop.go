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

const stopSynopsis = "consent sandbox stop [--db FILE] [--carrier] PHONE"

// stopOptions are sandbox stop's flags.
type stopOptions struct {
	db      string
	carrier bool
}

// newSandboxStopCmd is `consent sandbox stop`: a person's STOP reply, or a
// carrier's deactivation, which only they can make on Klaviyo.
func newSandboxStopCmd(a *app) *cobra.Command {
	var o stopOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(stopSynopsis, "consent sandbox "),
		Short: "opt a number out of SMS in the sandbox, as a STOP reply or a carrier deactivation would",
		Long: `A number leaves SMS marketing when the person replies STOP, or when the carrier
deactivates it. This does that in the sandbox to the profile with PHONE: its
SMS consent becomes UNSUBSCRIBED now, with method TEXT and detail STOP, or
with --carrier method CARRIER_DEACTIVATION. A subscribe for the number is
then refused SMS consent until new evidence is given. The sandbox is the one
used without an API key, or the one in --db.`,
		Example: `  consent sandbox stop "+1 201 555 0123"
  consent sandbox stop --carrier --db /tmp/sb.db "+44 7400 123456"`,
		Args: cobra.ExactArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return runSandboxStop(cmd.Context(), a.e, o, args[0])
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&o.db, "db", "", "SQLite `FILE` (default: sandbox.db in the data directory)")
	fs.BoolVar(&o.carrier, "carrier", false, "a carrier deactivation rather than a STOP reply")
	return cmd
}

// runSandboxStop opts phone out of SMS in the sandbox and says so; a number
// no profile has is bad input (exit 2).
func runSandboxStop(ctx context.Context, e env, o stopOptions, phone string) error {
	cfg, err := config.Load(e.getenv, config.Overrides{})
	if err != nil {
		return err
	}
	a := cfg.Rules.Analyze(strings.TrimSpace(phone))
	if !a.Valid {
		return usage.Errorf("%s: %s\nusage: %s", sanitizeArg(phone), a.Reason, stopSynopsis)
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
	if err := sb.SeedDemo(ctx); err != nil {
		return err
	}
	how, words := sandbox.ReplyStop, "replied STOP"
	if o.carrier {
		how, words = sandbox.CarrierDeactivation, "deactivated by the carrier"
	}
	err = sb.OptOutSMS(ctx, a.E164, how)
	if errors.Is(err, sandbox.ErrNoSuchNumber) {
		return usage.Errorf("no profile has %s in %s", a.E164, model.SanitizeText(path))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s: SMS consent UNSUBSCRIBED\n", a.E164, words)
	return nil
}
