package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const historySynopsis = "consent history [--json]\n" +
	"       consent history retry (ID... | --all) [--wait D]\n" +
	"       consent history retry --resend ID... [--yes]\n" +
	"       consent history dismiss ID --note TEXT"

// runHistory is `consent history` (the journal, newest first), `consent
// history retry` and `consent history dismiss`.
func runHistory(ctx context.Context, args []string, e env) error {
	if len(args) > 0 {
		switch args[0] {
		case "retry":
			return runHistoryRetry(ctx, args[1:], e)
		case "dismiss":
			return runHistoryDismiss(args[1:], e)
		}
	}
	fs := newFlagSet("history")
	asJSON := fs.Bool("json", false, "one JSON object (a journal entry) per line")
	rest, err := parseFlags(fs, args, historySynopsis)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return unexpectedArg(rest[0], historySynopsis)
	}
	j, err := openJournalOnly(e)
	if err != nil {
		return err
	}
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		for _, en := range entries {
			if err := writeJSONLine(e.stdout, en); err != nil {
				return err
			}
		}
		return nil
	}
	if len(entries) == 0 {
		fmt.Fprintln(e.stdout, "The journal is empty: nothing has been subscribed or unsubscribed here yet.")
		return nil
	}
	return writeHistoryTable(e.stdout, entries)
}

// openJournalOnly opens the journal to read it: no backend, and no
// configuration either (an unknown KLAVIYO_ACCOUNT or a broken config must
// not keep the agent from reading what was done).
func openJournalOnly(e env) (*journal.File, error) {
	return openJournal(e, config.Settings{Agent: config.OSUser(e.getenv)})
}

// readJournal reads every entry and reports on w the lines it had to skip
// (a torn or damaged line), so that an agent knows.
func readJournal(j *journal.File, w io.Writer) ([]journal.Entry, error) {
	entries, problems, err := j.Read()
	for _, p := range problems {
		fmt.Fprintf(w, "consent: journal %s %s\n", j.Path(), model.SanitizeText(p.String()))
	}
	return entries, err
}

// writeHistoryTable prints entries as an aligned table: each entry's
// state, where it was made and by whom.
func writeHistoryTable(w io.Writer, entries []journal.Entry) error {
	retries := journal.NewRetries(entries)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHEN\tACTION\tWHO\tCHANNELS\tLIST\tMADE ON\tSTATE\tAGENT\tRESULT")
	// A journal is a file: whatever it says is sanitised, every field.
	cell := func(s string) string { return tabless(model.SanitizeText(s)) }
	for _, en := range entries {
		state := en.State.Label()
		if by := retries.ResentAs(en.ID); by != "" && en.State.Open() {
			state += ", resent as " + by
		}
		result := en.Result
		if en.Note != "" {
			result = "dismissed by " + en.NoteBy + ": " + en.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(en.ID), en.At.Local().Format("2006-01-02 15:04"), cell(string(en.Action)),
			cell(en.Who()), cell(channelList(en.Request.Channels)), present.OrDash(cell(en.Request.ListID)),
			cell(en.Origin.String()), cell(state), present.OrDash(cell(en.Agent)), cell(result))
	}
	return tw.Flush()
}

// tabless makes s one table cell: a tab would start another column.
func tabless(s string) string { return strings.ReplaceAll(s, "\t", " ") }

func channelList(chs []model.Channel) string {
	names := make([]string, len(chs))
	for i, c := range chs {
		names[i] = strings.ReplaceAll(string(c), "_", " ")
	}
	return strings.Join(names, ", ")
}

// runHistoryRetry settles entries that are not verified, on this backend
// and account only: accepted ones are read back, the others checked again,
// resent and verified; --resend sends accepted ones again, on an explicit
// confirmation. Exit 0 when every one retried ends verified (or waiting for
// double opt-in) and the journal says so, 1 otherwise.
func runHistoryRetry(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("history retry")
	all := fs.Bool("all", false, "retry every entry that is not verified (made on this backend and account)")
	resend := fs.Bool("resend", false, "send again entries Klaviyo accepted at least "+desk.ResendAfter.String()+" ago but does not show")
	yes := fs.Bool("yes", false, "with --resend: do not ask for confirmation")
	wait := fs.Duration("wait", desk.VerifyBound, "how long to read each profile back")
	api := addAPIFlags(fs)
	ids, err := parseFlags(fs, args, historySynopsis)
	if err != nil {
		return err
	}
	switch {
	case *all == (len(ids) > 0):
		return usage.Errorf("give one or more entry IDs, or --all (not both)\nusage: %s", historySynopsis)
	case *resend && *all:
		return usage.Errorf("--resend takes entry IDs, not --all: each resend is a decision\nusage: %s", historySynopsis)
	case *yes && !*resend:
		return usage.Errorf("--yes only confirms a --resend\nusage: %s", historySynopsis)
	case *wait <= 0:
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
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	targets, elsewhere, err := retryTargets(entries, ids, *all, b.Origin)
	if err != nil {
		return err
	}
	for _, en := range elsewhere {
		fmt.Fprintln(e.stdout, model.SanitizeText(fmt.Sprintf("%s  %s %s: made on %s: not retried here", en.ID, en.Action, en.Who(), en.Origin)))
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
	if *resend {
		for _, en := range targets {
			if err := d.MayResend(en); err != nil {
				return usage.Errorf("%s", model.SanitizeText(err.Error()))
			}
		}
		if err := confirmResend(e, targets, *yes); err != nil {
			return err
		}
	}
	unsettled := 0
	for _, en := range targets {
		out, err := d.Retry(ctx, en, desk.RetryOptions{Resend: *resend, VerifyBound: *wait})
		line, ok := retryLine(en, out, err)
		var claimed *journal.ClaimError
		if !ok && !(*all && errors.As(err, &claimed)) { // with --all, one another desk settled or holds is its own
			unsettled++
		}
		fmt.Fprintln(e.stdout, model.SanitizeText(line))
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

// retryLine says what came of retrying en, and whether that settles it
// (verified, or waiting for the person's double opt-in) with the journal
// saying so.
func retryLine(en journal.Entry, out desk.Outcome, err error) (string, bool) {
	line := fmt.Sprintf("%s  %s %s: ", en.ID, en.Action, en.Who())
	var claimed *journal.ClaimError
	switch {
	case errors.As(err, &claimed):
		return line + "skipped: " + err.Error(), false
	case err != nil:
		return line + "not retried: " + err.Error(), false
	}
	state := out.State()
	switch state {
	case journal.StateVerified:
		line += "verified (" + out.Summary() + ")"
	case journal.StateAwaitingConfirmation:
		line += "awaiting double opt-in (" + out.Summary() + ")"
	default:
		line += state.Label() + ": " + out.Summary()
	}
	if out.EntryID != en.ID {
		line += " as entry " + out.EntryID
	}
	if out.JournalErr != nil {
		return line + "; but the journal could not record it: " + out.JournalErr.Error(), false
	}
	return line, state == journal.StateVerified || state == journal.StateAwaitingConfirmation
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

// runHistoryDismiss puts an entry to rest with the agent's note: it is not
// retried or counted again, and the note is journaled.
func runHistoryDismiss(args []string, e env) error {
	fs := newFlagSet("history dismiss")
	note := fs.String("note", "", "why the entry needs nothing more (journaled with your name)")
	ids, err := parseFlags(fs, args, historySynopsis)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usage.Errorf("give one entry ID\nusage: %s", historySynopsis)
	}
	cfg, err := config.Load(e.getenv, config.Overrides{})
	if err != nil {
		return err
	}
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	d := &desk.Desk{Store: j, Agent: cfg.Agent}
	if err := d.Dismiss(ids[0], *note); err != nil {
		var ce *journal.ClaimError
		if errors.As(err, &ce) || strings.Contains(err.Error(), "needs a note") || strings.Contains(err.Error(), "at most") {
			return usage.Errorf("%s", model.SanitizeText(err.Error()))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "Entry %s dismissed: %s\n", sanitizeArg(ids[0]), model.SanitizeText(strings.Join(strings.Fields(*note), " ")))
	return nil
}
