package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// retryOptions are history retry's flags.
type retryOptions struct {
	all, resend, yes, json bool
	wait                   time.Duration
}

// newHistoryRetryCmd is `consent history retry`.
func newHistoryRetryCmd(a *app) *cobra.Command {
	var o retryOptions
	cmd := &cobra.Command{
		Use:   "retry (ID... | --all | --resend ID...) [--wait D] [--yes] [--json]",
		Short: "settle entries that are not verified, made on this backend and account",
		Long: `Settles journal entries that are not verified, made on this backend, account
and key only: an entry Klaviyo accepted is read back; a pending or failed one is
read back and resent only when Klaviyo does not show it and nobody changed the
person's consent since; each is claimed first, so that two desks never send it
twice. --resend sends again what Klaviyo accepted at least an hour ago but does
not show, after asking (--yes without a terminal).`,
		Example: `  consent history retry --all
  consent history retry 20261126-142451-f39f0d2e --json
  consent history retry --resend 20261126-142451-f39f0d2e --yes`,
		Annotations: usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, ids []string) error {
			return runHistoryRetry(cmd.Context(), a, o, ids)
		}),
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.all, "all", false, "retry every entry that is not verified (made on this backend and account)")
	fs.BoolVar(&o.resend, "resend", false, "send again entries Klaviyo accepted at least "+strings.TrimSuffix(strings.TrimSuffix(desk.ResendAfter.String(), "0s"), "0m")+" ago but does not show (asks first)")
	fs.BoolVar(&o.yes, "yes", false, "with --resend: do not ask for confirmation")
	fs.DurationVar(&o.wait, "wait", desk.VerifyBound, "how long to read each profile back")
	fs.BoolVar(&o.json, "json", false, "one JSON object per entry retried, a line each, errors included")
	return cmd
}

// runHistoryRetry settles entries that are not verified, on this backend
// and account only: accepted ones are read back, the others checked again,
// resent and verified; --resend sends accepted ones again, on an explicit
// confirmation. Exit 0 when every one retried ends verified (or waiting for
// double opt-in) and the journal says so, 1 otherwise.
func runHistoryRetry(ctx context.Context, a *app, o retryOptions, ids []string) error {
	e, api := a.e, &a.api
	switch {
	case o.all == (len(ids) > 0):
		return usage.Errorf("give one or more entry IDs, or --all (not both)\nusage: %s", retrySynopsis)
	case o.resend && o.all:
		return usage.Errorf("--resend takes entry IDs, not --all: each resend is a decision\nusage: %s", retrySynopsis)
	case o.yes && !o.resend:
		return usage.Errorf("--yes only confirms a --resend\nusage: %s", retrySynopsis)
	case o.wait <= 0:
		return usage.Errorf("--wait must be positive")
	}
	cfg, b, err := connect(ctx, api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	targets, elsewhere, err := retryTargets(entries, ids, o.all, b.Origin)
	if err != nil {
		return err
	}
	for _, en := range elsewhere {
		r := retryResult{ID: en.ID, Action: string(en.Action), Who: en.Who(), Status: "elsewhere", Detail: "made on " + en.Origin.String() + ": not retried here"}
		if err := r.write(e.stdout, o.json); err != nil {
			return err
		}
	}
	if len(targets) == 0 && o.json {
		return nil // no line: nothing was retried
	}
	if len(targets) == 0 {
		if len(elsewhere) == 0 {
			fmt.Fprintln(e.stdout, "Nothing to retry: every entry is settled.")
		} else {
			fmt.Fprintf(e.stdout, "Nothing to retry on %s.\n", model.SanitizeText(b.Origin.String()))
		}
		return nil
	}
	d := newDesk(j, b, cfg)
	if o.resend {
		for _, en := range targets {
			if err := d.MayResend(en); err != nil {
				return usage.Errorf("%s", model.SanitizeText(err.Error()))
			}
		}
		if err := confirmResend(e, targets, o.yes); err != nil {
			return err
		}
	}
	unsettled := 0
	for _, en := range targets {
		out, err := d.Retry(ctx, en, desk.RetryOptions{Resend: o.resend, VerifyBound: o.wait})
		r := retryReport(en, out, err)
		var claimed *journal.ClaimError
		if !r.Settled && !(o.all && errors.As(err, &claimed)) { // with --all, one another desk settled or holds is its own
			unsettled++
		}
		if err := r.write(e.stdout, o.json); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if unsettled > 0 {
		fmt.Fprintf(e.stderr, "consent history retry: %d of %d %s not settled\n", unsettled, len(targets), present.Plural(len(targets), "entry", "entries"))
		return &silentExit{code: exitAPI}
	}
	return nil
}

// retryResult is what came of retrying an entry: a line of `consent
// history retry`, or with --json an object of its own.
type retryResult struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	Who    string `json:"who"`
	// Status is the entry's state after the retry (verified,
	// awaiting_confirmation, accepted, failed, …), or skipped (claimed or
	// settled by another desk), not_retried (it could not be), elsewhere
	// (made on another backend, account or key).
	Status string `json:"status"`
	// Settled is set when the entry is verified, or awaits the person's
	// double opt-in, and the journal says so.
	Settled bool   `json:"settled"`
	Detail  string `json:"detail"`
	// EntryID is the entry it was resent as, when that is a new one.
	EntryID      string `json:"entry_id,omitempty"`
	JournalError string `json:"journal_error,omitempty"`
}

// retryReport says what came of retrying en, and whether that settles it
// (verified, or waiting for the person's double opt-in) with the journal
// saying so.
func retryReport(en journal.Entry, out desk.Outcome, err error) retryResult {
	r := retryResult{ID: en.ID, Action: string(en.Action), Who: en.Who()}
	var claimed *journal.ClaimError
	switch {
	case errors.As(err, &claimed):
		r.Status, r.Detail = "skipped", err.Error()
		return r
	case err != nil:
		r.Status, r.Detail = "not_retried", err.Error()
		return r
	}
	state := out.State()
	r.Status, r.Detail = string(state), out.Summary()
	if out.EntryID != en.ID {
		r.EntryID = out.EntryID
	}
	if out.JournalErr != nil {
		r.JournalError = out.JournalErr.Error()
		return r
	}
	r.Settled = state == journal.StateVerified || state == journal.StateAwaitingConfirmation
	return r
}

// write writes r as a line for a person, or as JSON.
func (r retryResult) write(w io.Writer, asJSON bool) error {
	if asJSON {
		return writeJSONLine(w, r)
	}
	_, err := fmt.Fprintln(w, model.SanitizeText(r.line()))
	return err
}

// line is r for a person: "ID  subscribe who: verified (…)".
func (r retryResult) line() string {
	line := fmt.Sprintf("%s  %s %s: ", r.ID, r.Action, r.Who)
	switch journal.State(r.Status) {
	case "elsewhere":
		return line + r.Detail
	case "skipped":
		return line + "skipped: " + r.Detail
	case "not_retried":
		return line + "not retried: " + r.Detail
	case journal.StateVerified:
		line += "verified (" + r.Detail + ")"
	case journal.StateAwaitingConfirmation:
		line += "awaiting double opt-in (" + r.Detail + ")"
	default:
		line += journal.State(r.Status).Label() + ": " + r.Detail
	}
	if r.EntryID != "" {
		line += " as entry " + r.EntryID
	}
	if r.JournalError != "" {
		line += "; but the journal could not record it: " + r.JournalError
	}
	return line
}

// confirmResend asks the agent, on the terminal, to confirm sending
// targets again, defaulting to No; without a terminal only --yes does.
func confirmResend(e env, targets []journal.Entry, yes bool) error {
	for _, en := range targets {
		fmt.Fprintln(e.stderr, model.SanitizeText(fmt.Sprintf("Resend entry %s: %s %s (%s)? Klaviyo accepted it %s and the profile did not show it when last read; it is read once more first, and sent only if it still does not.",
			en.ID, en.Action, en.Who(), channelList(en.Request.Channels), acceptedAgo(en))))
	}
	if yes {
		return nil
	}
	if !e.isTerminal() {
		return usage.Errorf("not resent: confirm with --yes (there is no terminal to ask on)")
	}
	fmt.Fprintf(e.stderr, "Send %s again? y/N ", present.Plural(len(targets), "it", "them"))
	answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return usage.Errorf("not resent: nothing was sent")
	}
	return nil
}

// acceptedAgo says when Klaviyo accepted an entry: "3h ago".
func acceptedAgo(en journal.Entry) string {
	if en.AcceptedAt.IsZero() {
		return "earlier"
	}
	return time.Since(en.AcceptedAt).Round(time.Minute).String() + " ago"
}

// retryTargets picks the entries to retry, oldest first: with all, every
// entry journal.Retries says needs one, those made elsewhere (another
// backend, account or key) apart; else the given IDs, each once, each
// refused with the reason when a retry has nothing to do for it here.
func retryTargets(entries []journal.Entry, ids []string, all bool, here journal.Origin) (targets, elsewhere []journal.Entry, err error) {
	retries := journal.NewRetries(entries)
	if all {
		for _, en := range slices.Backward(entries) {
			switch {
			case !retries.Needed(en):
			case en.Origin.Same(here):
				targets = append(targets, en)
			default:
				elsewhere = append(elsewhere, en)
			}
		}
		return targets, elsewhere, nil
	}
	byID := make(map[string]journal.Entry, len(entries))
	for _, en := range entries {
		byID[en.ID] = en
	}
	seen := map[string]bool{}
	for _, id := range ids {
		en, ok := byID[id]
		switch {
		case !ok:
			return nil, nil, usage.Errorf("no journal entry %q (see consent history)", sanitizeArg(id))
		case en.Settled():
			return nil, nil, usage.Errorf("entry %s is %s: nothing to retry", sanitizeArg(id), model.SanitizeText(en.State.Label()))
		case retries.ResentAs(id) != "":
			return nil, nil, usage.Errorf("entry %s was resent as entry %s: retry that one", sanitizeArg(id), model.SanitizeText(retries.ResentAs(id)))
		case !en.Origin.Same(here):
			return nil, nil, usage.Errorf("entry %s was made on %s: not retried here (this is %s)", sanitizeArg(id),
				model.SanitizeText(en.Origin.String()), model.SanitizeText(here.String()))
		case seen[id]:
			continue // named twice: retried once
		}
		seen[id] = true
		targets = append(targets, en)
	}
	return targets, nil, nil
}
