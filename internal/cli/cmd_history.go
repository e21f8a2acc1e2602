package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const (
	historySynopsis = "consent history [--json]"
	retrySynopsis   = "consent history retry (ID... | --all | --resend ID...) [--wait D] [--yes] [--json]"
	dismissSynopsis = "consent history dismiss ID --note TEXT"
)

// newHistoryCmd is `consent history` and its subcommands.
func newHistoryCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history [--json]",
		Short: "every subscribe and unsubscribe made here, newest first",
		Long: `The journal: every subscribe and unsubscribe made here, from the UI or the
command line, newest first, with its state (pending, accepted,
awaiting_confirmation, verified, failed, refused, dismissed), where it was
made, by whom, and its result. It is read without the backend or the
configuration.`,
		Args: subcommandArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runHistory(a.e, asJSON)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per journal entry, a line each")
	cmd.AddCommand(newHistoryRetryCmd(a), newHistoryDismissCmd(a))
	return cmd
}

// runHistory prints the journal, newest first.
func runHistory(e env, asJSON bool) error {
	j, err := openJournalOnly(e)
	if err != nil {
		return err
	}
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	if asJSON {
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
		result = entryOrigin(en) + result
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(en.ID), present.Stamp(en.At.Local(), "2006-01-02 15:04"), cell(string(en.Action)),
			cell(en.Who()), cell(channelList(en.Request.Channels)), present.OrDash(cell(en.Request.ListID)),
			cell(en.Origin.String()), cell(state), present.OrDash(cell(en.Agent)), cell(result))
	}
	return tw.Flush()
}

// entryOrigin says where an entry came from when an agent did not type it
// then and there: "import fair.csv line 3: ", "entered later (consent
// given 14 Mar 2026 00:00 UTC): ".
func entryOrigin(en journal.Entry) string {
	var parts []string
	if en.Import != nil {
		parts = append(parts, fmt.Sprintf("import %s line %d", en.Import.File, en.Import.Line))
	}
	if off := en.Request.Offline; off != nil {
		parts = append(parts, "entered later (consent given "+present.ConsentedOn(off.ConsentedAt)+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + ": "
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
