package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const historySynopsis = "consent history [--json]\n       consent history retry (ID | --all)"

// runHistory is `consent history` (the journal, newest first) and
// `consent history retry`.
func runHistory(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && args[0] == "retry" {
		return runHistoryRetry(ctx, args[1:], e)
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
	return openJournal(e, settings{}, &backend{})
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

// writeHistoryTable prints entries as an aligned table.
func writeHistoryTable(w io.Writer, entries []journal.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHEN\tACTION\tWHO\tCHANNELS\tLIST\tSTATE\tAGENT\tRESULT")
	for _, en := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			en.ID, en.At.Local().Format("2006-01-02 15:04"), en.Action,
			model.SanitizeText(strings.Trim(en.Request.Email+" "+en.Request.Phone, " ")),
			channelList(en.Request.Channels), orDash(model.SanitizeText(en.Request.ListID)),
			en.State, orDash(model.SanitizeText(en.Agent)), model.SanitizeText(en.Result))
	}
	return tw.Flush()
}

func channelList(chs []model.Channel) string {
	names := make([]string, len(chs))
	for i, c := range chs {
		names[i] = strings.ReplaceAll(string(c), "_", " ")
	}
	return strings.Join(names, ", ")
}

// runHistoryRetry settles pending, sent or failed entries: sent ones are
// read back, the others checked again, resent and verified. Exit 0 when
// every one ends verified (or waiting for double opt-in), 1 otherwise.
func runHistoryRetry(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("history retry")
	all := fs.Bool("all", false, "retry every entry that is not verified")
	api := addAPIFlags(fs)
	ids, err := parseFlags(fs, args, historySynopsis)
	if err != nil {
		return err
	}
	if *all == (len(ids) > 0) {
		return usagef("give one or more entry IDs, or --all (not both)\nusage: %s", historySynopsis)
	}
	cfg, b, err := connect(ctx, api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg, b)
	if err != nil {
		return err
	}
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	targets, err := retryTargets(entries, ids, *all)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		fmt.Fprintln(e.stdout, "Nothing to retry: every entry is verified.")
		return nil
	}
	unsettled := 0
	for _, en := range targets {
		out, err := journal.Retry(ctx, j, b.client, cfg.rules, en)
		line := fmt.Sprintf("%s  %s %s: ", en.ID, en.Action, model.SanitizeText(strings.Trim(en.Request.Email+" "+en.Request.Phone, " ")))
		switch {
		case err != nil:
			line += "not retried: " + err.Error()
			unsettled++
		case out.State() == journal.StateVerified:
			line += "verified (" + out.Summary() + ")"
			if out.EntryID != en.ID {
				line += " as entry " + out.EntryID
			}
		default:
			line += out.State() + ": " + out.Summary()
			unsettled++
		}
		fmt.Fprintln(e.stdout, model.SanitizeText(line))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if unsettled > 0 {
		fmt.Fprintf(e.stderr, "consent history retry: %d of %d %s still not verified\n", unsettled, len(targets), plural(len(targets), "entry", "entries"))
		return &silentExit{code: exitAPI}
	}
	return nil
}

// retryTargets picks the entries to retry, oldest first: with all, every
// entry journal.Retries says needs one; else the given IDs, each once, each
// refused with the reason when a retry has nothing to do for it.
func retryTargets(entries []journal.Entry, ids []string, all bool) ([]journal.Entry, error) {
	retries := journal.NewRetries(entries)
	var out []journal.Entry
	if all {
		for _, en := range slices.Backward(entries) {
			if retries.Needed(en) {
				out = append(out, en)
			}
		}
		return out, nil
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
			return nil, usagef("no journal entry %q (see consent history)", sanitizeArg(id))
		case en.Settled():
			return nil, usagef("entry %s is already verified", id)
		case retries.ResentAs(id) != "":
			return nil, usagef("entry %s was resent as entry %s: retry that one", id, retries.ResentAs(id))
		case seen[id]:
			continue // named twice: retried once
		}
		seen[id] = true
		out = append(out, en)
	}
	return out, nil
}
