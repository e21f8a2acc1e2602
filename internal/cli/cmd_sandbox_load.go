package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// loadProgressFrom is the smallest load that reports its progress on
// stderr: after each transaction that passes a tenth of the members.
const loadProgressFrom = 100_000

// loadOptions are sandbox load's flags.
type loadOptions struct {
	db, list string
	members  int
}

// newSandboxLoadCmd is `consent sandbox load`.
func newSandboxLoadCmd(a *app) *cobra.Command {
	var o loadOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(loadSynopsis, "consent sandbox "),
		Short: "add N synthetic members to a sandbox list",
		Long: `Adds N synthetic members (deterministic, mixed countries and consent) to a list
of the sandbox in --db, created if missing, for scale tests: at most 10,000,000,
50,000 a transaction, with progress on stderr from 100,000. --db is required, so
that a load never lands unnoticed in the sandbox used without an API key.`,
		Example: `  consent sandbox load --db /tmp/big.db --list Big --members 1000000`,
		Args:    noArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runSandboxLoad(cmd.Context(), a.e, o)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&o.db, "db", "", "SQLite `FILE` to load into (required)")
	fs.StringVar(&o.list, "list", "", "list `NAME` (created if missing)")
	fs.IntVar(&o.members, "members", 0, fmt.Sprintf("how many members to add, `N` (at most %s)", groupDigits(sandbox.MaxLoadMembers)))
	return cmd
}

// runSandboxLoad adds synthetic members to a sandbox list, for scale tests.
// --db is required, as in the synopsis: a load never lands unnoticed in
// the sandbox the UI and the other commands use without a key.
func runSandboxLoad(ctx context.Context, e env, o loadOptions) error {
	db, list, n := &o.db, &o.list, &o.members
	switch {
	case *db == "":
		hint := ""
		if def, err := sandboxPath("", e); err == nil {
			hint = fmt.Sprintf(" (the sandbox used without an API key is %s)", model.SanitizeText(def))
		}
		return usage.Errorf("--db is required: name the file to load into%s\nusage: %s", hint, loadSynopsis)
	case *list == "":
		return usage.Errorf("--list is required\nusage: %s", loadSynopsis)
	case *n <= 0 || *n > sandbox.MaxLoadMembers:
		return usage.Errorf("--members must be a number from 1 to %s\nusage: %s", groupDigits(sandbox.MaxLoadMembers), loadSynopsis)
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: *db})
	if err != nil {
		return fmt.Errorf("opening the sandbox: %w", err)
	}
	defer sb.Close()
	start := time.Now()
	added, step := 0, max(*n/10, 1)
	progress := func(a int) {
		if *n >= loadProgressFrom && a < *n && a/step > added/step {
			fmt.Fprintf(e.stderr, "consent sandbox: %s of %s members added (%d%%)\n", groupDigits(a), groupDigits(*n), 100*a/(*n))
		}
		added = a
	}
	id, err := sb.LoadMembersProgress(ctx, *list, *n, progress)
	if err != nil {
		if added > 0 && errors.Is(err, context.Canceled) {
			fmt.Fprintf(e.stderr, "consent sandbox: %s of %s members were added to list %s (%s) before the interrupt\n",
				groupDigits(added), groupDigits(*n), sanitizeArg(*list), id)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "added %d members to list %s (%s) in %s\n", *n, sanitizeArg(*list), id, time.Since(start).Round(time.Millisecond))
	return nil
}
