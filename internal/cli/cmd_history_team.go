package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/backend"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/journal/pgjournal"
	"github.com/consentdesk/consent/model"
)

const (
	verifySynopsis  = "consent history verify"
	exportSynopsis  = "consent history export [--format csv|jsonl] [--agent NAME] [--since WHEN] [--person EMAIL|PHONE] [--state STATE] [--account A]"
	migrateSynopsis = "consent history migrate --to postgres://…"
)

// newHistoryVerifyCmd is `consent history verify`: the journal's hash
// chain, checked from its first record.
func newHistoryVerifyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   strings.TrimPrefix(verifySynopsis, "consent history "),
		Short: "check that nobody edited the journal: its hash chain, from the first record",
		Long: `Every record of the journal carries a hash chained to the one before it (in a
team's PostgreSQL journal, one chain per account). verify recomputes every
link and names the first record that does not match: one edited, removed or
inserted behind the program's back. Exit 0 when the chain holds, 1 when it
breaks. Records of a journal file written before the chain existed are
counted, not verified. With --account A, the journal config.toml gives
account A.`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runHistoryVerify(cmd.Context(), a.e, a.api.Account)
		}),
	}
}

// runHistoryVerify checks the chain of the journal in use for account
// (--account, or "" for the default's).
func runHistoryVerify(ctx context.Context, e env, account string) error {
	cfg, err := readingConfig(e, account)
	if err != nil {
		return err
	}
	j, err := openJournalOnly(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	switch j := j.(type) {
	case *pgjournal.Store:
		v, err := j.Verify(ctx)
		if err != nil {
			return err
		}
		if !v.OK() {
			for _, b := range v.Breaks {
				fmt.Fprintf(e.stdout, "broken: %s\n", model.SanitizeText(b.String()))
			}
			return fmt.Errorf("journal %s: the chain breaks at %d of %d %s: a record was changed after it was written",
				j.Where(), len(v.Breaks), v.Chains, present.Plural(v.Chains, "chain", "chains"))
		}
		fmt.Fprintf(e.stdout, "journal %s: the chain holds: %d records in %d %s (one per account)\n", j.Where(), v.Records, v.Chains, present.Plural(v.Chains, "chain", "chains"))
	case *journal.File:
		rep, err := j.VerifyFile()
		if err != nil {
			return err
		}
		if rep.Break != nil {
			fmt.Fprintf(e.stdout, "broken: %s\n", model.SanitizeText(rep.Break.String()))
			return fmt.Errorf("journal %s: the chain breaks at line %d (entry %s): a line was changed after it was written", j.Where(), rep.Break.Line, model.SanitizeText(rep.Break.EntryID))
		}
		msg := fmt.Sprintf("journal %s: the chain holds: %d %s", j.Where(), rep.Linked, present.Plural(rep.Linked, "record", "records"))
		if rep.Unlinked > 0 {
			msg += fmt.Sprintf(" (and %d written before the chain began, not verifiable)", rep.Unlinked)
		}
		fmt.Fprintln(e.stdout, msg)
	}
	return nil
}

// newHistoryExportCmd is `consent history export`.
func newHistoryExportCmd(a *app) *cobra.Command {
	var (
		format string
		filter historyFilter
	)
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(exportSynopsis, "consent history "),
		Short: "the journal's entries for a compliance review, as CSV or JSON Lines",
		Long: `Writes the journal's entries, oldest first, on stdout: --format csv (a header,
then a row per entry: id, when, agent, account, action, email, phone,
channels, list, state, result, verified, consented, collected by, wording,
evidence, override) or jsonl (an entry per line, as the journal keeps it).
The filters of consent history apply, --account among them.`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			filter.account = a.api.Account
			return runHistoryExport(a.e, format, filter)
		}),
	}
	cmd.Flags().StringVar(&format, "format", "csv", "`csv` or jsonl")
	filter.addFlags(cmd.Flags())
	return cmd
}

// exportColumns are the CSV export's columns.
var exportColumns = []string{"id", "at", "agent", "account", "made_on", "action", "email", "phone", "channels", "list", "state", "result",
	"verified_at", "consented_at", "collected_by", "consent_text_version", "evidence_sha256", "override", "chosen_profile", "retry_of", "note"}

// runHistoryExport writes the entries that match, oldest first.
func runHistoryExport(e env, format string, filter historyFilter) error {
	if format != "csv" && format != "jsonl" {
		return usage.Errorf("--format %q: give csv or jsonl\nusage: %s", sanitizeArg(format), exportSynopsis)
	}
	entries, err := filter.entries(e)
	if err != nil {
		return err
	}
	if format == "jsonl" {
		for i := len(entries) - 1; i >= 0; i-- {
			if err := writeJSONLine(e.stdout, entries[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return writeExportCSV(e.stdout, entries)
}

// writeExportCSV writes entries (newest first) as CSV, oldest first; a
// cell a spreadsheet would run as a formula is quoted (importer.CSVSafe).
func writeExportCSV(w io.Writer, entries []journal.Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		var verified, consented, by, version, evidence, override string
		if en.State == journal.StateVerified {
			verified = stamp(en.Updated)
		}
		if o := en.Request.Offline; o != nil {
			consented, by, version, evidence = stamp(o.ConsentedAt), o.CollectedBy, o.TextVersion, o.EvidenceSHA256
		}
		if o := en.Request.Override; o != nil {
			by, version, evidence = firstOf(by, o.CollectedBy), firstOf(version, o.TextVersion), firstOf(evidence, o.EvidenceSHA256)
			if o.Lifts() {
				override = "lifted " + o.OptOut + " of " + o.OptOutAt
			}
		}
		row := []string{en.ID, stamp(en.At), en.Agent, en.Origin.Account, en.Origin.String(), string(en.Action), en.Request.Email, en.Request.Phone,
			channelList(en.Request.Channels), en.Request.ListID, string(en.State), en.Result, verified, consented, by, version, evidence, override,
			en.Request.ChosenProfile, en.RetryOf, en.Note}
		for k, cell := range row {
			row[k] = model.SanitizeText(cell)
		}
		if err := cw.Write(importer.CSVSafe(row...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// firstOf is a unless it is "", else b.
func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// newHistoryMigrateCmd is `consent history migrate --to URL`.
func newHistoryMigrateCmd(a *app) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(migrateSynopsis, "consent history "),
		Short: "copy this machine's journal file into a team's PostgreSQL journal, without duplicates",
		Long: `Copies every record of the local journal file into the PostgreSQL journal at
--to (created and migrated if new), keeping entry ids: a record the database
already holds is not copied again, so migrate can be run again (after more
work offline, say) and copies only what is new. The database URL's password is
never printed. Afterwards set journal = "postgres://…" in config.toml (or
CONSENT_JOURNAL_URL) to record there.`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runHistoryMigrate(cmd.Context(), a.e, to)
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "the team journal's `URL` (postgres://user@host/db?sslmode=…)")
	return cmd
}

// runHistoryMigrate copies the local file into the database at to.
func runHistoryMigrate(ctx context.Context, e env, to string) error {
	if !pgjournal.IsURL(to) {
		return usage.Errorf("--to must be a postgres:// URL\nusage: %s", migrateSynopsis)
	}
	f, err := backend.OpenJournalFile(e.getenv, config.OSUser(e.getenv))
	if err != nil {
		return err
	}
	recs, origins, problems, err := f.Records()
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "consent: journal %s %s\n", f.Path(), model.SanitizeText(p.String()))
	}
	s, err := pgjournal.Open(ctx, to, journal.Meta{Agent: config.OSUser(e.getenv)})
	if err != nil {
		return err
	}
	defer s.Close()
	entries, copied, err := s.Copy(ctx, recs, origins)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %d %s (%d %s) from %s into %s; %d %s already there\n",
		entries, present.Plural(entries, "entry", "entries"), copied, present.Plural(copied, "record", "records"), f.Path(), s.Where(),
		len(recs)-copied, present.Plural(len(recs)-copied, "record was", "records were"))
	return nil
}
