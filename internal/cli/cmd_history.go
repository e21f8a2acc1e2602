package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/backend"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const (
	historySynopsis = "consent history [--agent NAME] [--since WHEN] [--person EMAIL|PHONE] [--state STATE] [--account A] [--json]"
	retrySynopsis   = "consent history retry (ID... | --all | --resend ID...) [--wait D] [--yes] [--json]"
	dismissSynopsis = "consent history dismiss ID --note TEXT"
)

// newHistoryCmd is `consent history` and its subcommands.
func newHistoryCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		filter historyFilter
	)
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(historySynopsis, "consent "),
		Short: "every subscribe and unsubscribe made here, newest first",
		Long: `The journal: every subscribe and unsubscribe made here (or, with a team's
PostgreSQL journal, by any agent of the team), from the UI or the
command line, newest first, with its state (pending, accepted,
awaiting_confirmation, verified, failed, refused, dismissed), where it was
made, by whom, and its result. The filters keep the entries of one agent,
since a time, about one person, in one state or made on one account: the
global --account A reads account A's journal and keeps the entries made on
A. It is read without the backend: the journal is the file here, or the
team's database that journal = "postgres://…" in config.toml or
CONSENT_JOURNAL_URL names (a configuration that cannot be read leaves the
file).`,
		Args: subcommandArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			filter.account = a.api.Account
			return runHistory(a.e, asJSON, filter)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per journal entry, a line each")
	filter.addFlags(cmd.Flags())
	cmd.AddCommand(newHistoryRetryCmd(a), newHistoryDismissCmd(a), newHistoryVerifyCmd(a), newHistoryExportCmd(a), newHistoryMigrateCmd(a))
	return cmd
}

// runHistory prints the journal, newest first.
func runHistory(e env, asJSON bool, filter historyFilter) error {
	entries, err := filter.entries(e)
	if err != nil {
		return err
	}
	filtered := filter != (historyFilter{})
	if asJSON {
		for _, en := range entries {
			if err := writeJSONLine(e.stdout, en); err != nil {
				return err
			}
		}
		return nil
	}
	if len(entries) == 0 && filtered {
		fmt.Fprintln(e.stdout, "No entry of the journal matches.")
		return nil
	}
	if len(entries) == 0 {
		fmt.Fprintln(e.stdout, "The journal is empty: nothing has been subscribed or unsubscribed here yet.")
		return nil
	}
	return writeHistoryTable(e.stdout, entries)
}

// readingConfig is the configuration as a command that only reads the
// journal takes it, read once, for account (its name in config.toml, or ""
// for the one KLAVIYO_ACCOUNT or default_account chooses): as loaded when
// it can be. When it cannot (an unknown KLAVIYO_ACCOUNT, a broken config
// must not keep the agent from reading what was done), the default phone
// rules and CONSENT_JOURNAL_URL alone, said on stderr: the journal read
// may then not be the team's. An account named on the command line is
// read or refused: its journal may be another than the default's.
func readingConfig(e env, account string) (config.Settings, error) {
	cfg, err := config.Load(e.getenv, config.Overrides{Account: account})
	switch {
	case err == nil:
		return cfg, nil
	case account != "":
		return cfg, err
	}
	cfg = config.Settings{Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Journal: e.getenv("CONSENT_JOURNAL_URL")}
	where := "the journal file here"
	if cfg.Journal != "" {
		where = "the journal CONSENT_JOURNAL_URL names"
	}
	fmt.Fprintf(e.stderr, "consent: the configuration could not be read (%s): reading %s\n", sanitizeLines(err.Error()), where)
	return cfg, nil
}

// openJournalOnly opens the journal cfg names to read it: no backend.
func openJournalOnly(e env, cfg config.Settings) (backend.Journal, error) {
	return backend.OpenJournal(context.Background(), e.getenv, config.OSUser(e.getenv), cfg.Journal)
}

// matchingReader is a journal that keeps the entries of a filter itself
// (a team's database: pgjournal.Store), rather than have every entry read.
type matchingReader interface {
	Matching(journal.Filter) ([]journal.Entry, error)
}

// readJournalMatching is readJournal for the entries f keeps: a team's
// database is asked for them, a file is read whole and filtered.
func readJournalMatching(j backend.Journal, f journal.Filter, w io.Writer) ([]journal.Entry, error) {
	if m, ok := j.(matchingReader); ok {
		return m.Matching(f)
	}
	all, err := readJournal(j, w)
	if err != nil {
		return nil, err
	}
	return f.Keep(all), nil
}

// readJournal reads every entry and reports on w the lines it had to skip
// (a torn or damaged line), so that an agent knows.
func readJournal(j backend.Journal, w io.Writer) ([]journal.Entry, error) {
	f, ok := j.(*journal.File)
	if !ok {
		return j.Entries()
	}
	entries, problems, err := f.Read()
	for _, p := range problems {
		fmt.Fprintf(w, "consent: journal %s %s\n", f.Path(), model.SanitizeText(p.String()))
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
