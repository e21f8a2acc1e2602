package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

const importSynopsis = "consent import FILE --list LIST [--dry-run] [--json] [--report FILE] [--email-marketing] [--sms-marketing] [--sms-transactional] [--region CC] [--column HEADER=COLUMN] [--date-format F] | consent import --resume [IMPORT_ID]"

// importOptions are import's flags.
type importOptions struct {
	list                                           string
	dryRun, json, resume                           bool
	report                                         string
	emailMarketing, smsMarketing, smsTransactional bool
	region, dateFormat, source                     string
	columns                                        []string
	wait                                           time.Duration
	offline                                        offlineOptions
}

// newImportCmd is `consent import`.
func newImportCmd(a *app) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(importSynopsis, "consent "),
		Short: "subscribe the people of a sign-up sheet (CSV), with a verdict per row first",
		Long: `Reads a sign-up sheet (CSV with commas, semicolons or tabs; Excel's BOM and
CRLF; headers in any order: email / e-mail / Email Address, phone / mobile,
email_consent, sms_consent with yes/no/true/1/x, consented_at, country) and
gives every row a verdict before anything is sent: ok; SMS dropped (with the
form's reason: not an SMS country, a landline, invalid); email invalid;
duplicate in the file; already subscribed; phone and email on two different
profiles; SMS opted out (STOP or carrier deactivation); no consent date for a back-dated import.

With --dry-run nothing is sent: the preview is printed (every row with its
line), or with --json one JSON object per row, or with --report FILE.csv a CSV
of the verdicts. Without it, the rows that may go are journaled, sent in bulk
jobs of up to 1,000 profiles at the account's rate limits, read back, and
reconciled: verified, pending double opt-in, not recorded (why). A crash or
kill mid-import is finished by consent import --resume, which sends no row
twice. The consent columns decide each row's channels; --email-marketing,
--sms-marketing and --sms-transactional give a channel to every row of a sheet
with no column for it.`,
		Example: `  consent import fair.csv --list Newsletter --dry-run
  consent import fair.csv --list Newsletter --report fair-report.csv
  consent import shop.csv --list Y6nRLr --email-marketing --column "Handy=phone"
  consent import --resume`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.resume && len(args) > 1:
				return unexpectedArg(args[1], importSynopsis)
			case o.resume:
				return nil
			case len(args) == 0:
				return usage.Errorf("give the sign-up sheet to import (a CSV file), or --resume\nusage: %s", importSynopsis)
			case len(args) > 1:
				return unexpectedArg(args[1], importSynopsis)
			}
			return nil
		},
		Annotations: usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			if o.resume {
				id := ""
				if len(args) == 1 {
					id = args[0]
				}
				return runImportResume(cmd.Context(), a, o, id)
			}
			return runImport(cmd.Context(), a, o, args[0])
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&o.list, "list", "", "the `LIST` the people are subscribed through: its id or exact name")
	fs.BoolVar(&o.dryRun, "dry-run", false, "give every row its verdict and send nothing")
	fs.BoolVar(&o.json, "json", false, "one JSON object per row (the verdicts with --dry-run, else the reconcile report), then a summary line")
	fs.StringVar(&o.report, "report", "", "also write the verdicts (--dry-run) or the reconcile report to `FILE` (.csv or .json)")
	fs.BoolVar(&o.resume, "resume", false, "finish an import a crash or kill cut short (the newest, or IMPORT_ID), sending no row twice")
	fs.BoolVar(&o.emailMarketing, "email-marketing", false, "every row gives email marketing consent (for a sheet with no email consent column)")
	fs.BoolVar(&o.smsMarketing, "sms-marketing", false, "every row gives SMS marketing consent (for a sheet with no SMS consent column)")
	fs.BoolVar(&o.smsTransactional, "sms-transactional", false, "every row gives SMS transactional consent")
	fs.StringVar(&o.region, "region", "", "region `CC` of phone numbers without + (a row's country column comes first)")
	fs.StringVar(&o.dateFormat, "date-format", "", "the sheet's dates as `F`: DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, … (default: 2026-03-14 or ISO 8601)")
	fs.StringArrayVar(&o.columns, "column", nil, "read the sheet's header `HEADER=COLUMN` (email, phone, email_consent, sms_consent, consented_at, country, ignore); repeatable")
	fs.StringVar(&o.source, "source", "", "the `TEXT` Klaviyo records as where the consent was given (default: the file's name)")
	fs.DurationVar(&o.wait, "wait", importer.DefaultVerifyBound, "how long to read the rows back after the last job")
	fs.StringVar(&o.offline.consentedAt, "consented-at", "", "back-date every row without a consented_at cell to `DATE` (2026-03-14, your zone): a historical import")
	fs.StringVar(&o.offline.collectedBy, "collected-by", "", "who collected the sheet's consent, and where (`TEXT`), for a back-dated import")
	fs.StringVar(&o.offline.textVersion, "consent-text-version", "", "the version of the consent wording on the sheet (`TEXT`), for a back-dated import")
	fs.StringVar(&o.offline.evidence, "evidence", "", "a scan of the signed sheet (`FILE`): its SHA-256 is journaled with every row, the file is not copied")
	_ = cmd.RegisterFlagCompletionFunc("list", a.completeListFlag)
	return cmd
}

// runImport is `consent import FILE`: the preview, then (without
// --dry-run) the import and its reconcile report. Exit 0 when every row
// sent is verified or waits for double opt-in, 1 when Klaviyo refused or
// did not record some, 2 for a file or flags that cannot be used (nothing
// is sent then).
func runImport(ctx context.Context, a *app, o importOptions, path string) error {
	e := a.e
	defer softMemoryLimit(importMemoryLimit)()
	if o.list == "" {
		return usage.Errorf("--list is required (see consent lists)\nusage: %s", importSynopsis)
	}
	if err := checkReportPath(o.report); err != nil {
		return err
	}
	mapping := sheet.Mapping{}
	for _, pair := range o.columns {
		if err := mapping.ParseMapping(pair); err != nil {
			return usage.Errorf("--column: %v", err)
		}
	}
	layout := ""
	if o.dateFormat != "" {
		l, err := importer.DateLayout(o.dateFormat)
		if err != nil {
			return usage.Errorf("--date-format: %v", err)
		}
		layout = l
	}
	if o.wait <= 0 {
		return usage.Errorf("--wait must be positive")
	}
	cfg, err := config.Load(e.getenv, a.api.overrides(o.region))
	if err != nil {
		return err
	}
	header, err := readSheetHeader(path, mapping)
	if err != nil {
		return err
	}
	channels := chosenChannels(o.emailMarketing, o.smsMarketing, o.smsTransactional)
	if !importer.HasConsentColumn(header.Sheet) && len(channels) == 0 {
		return usage.Errorf("%s has no consent column (email_consent, sms_consent): say which consent every row gives with --email-marketing, --sms-marketing or --sms-transactional", path)
	}
	if err := checkListRef(o.list); err != nil {
		return usage.Errorf("--list: %v", err)
	}
	b, err := openBackend(ctx, &a.api, e, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	list, err := resolveList(ctx, b.Client, o.list)
	if err != nil {
		return err
	}
	source := o.source
	if source == "" {
		source = present.Source + " import: " + importer.Name(path)
	}
	opts := importer.Options{ListID: list.ID, Rules: cfg.Rules, Channels: channels, Source: source, File: importer.Name(path),
		DateLayout: layout, Location: time.Local}
	if err := backDate(&opts, o.offline, header.Sheet, path); err != nil {
		return err
	}
	s, rows, err := planSheetFile(path, mapping, header, opts)
	if err != nil {
		return err
	}
	progress := newImportProgress(e)
	if err := importer.LookUp(ctx, b.Client, rows, progress.lookups); err != nil {
		progress.done()
		return fmt.Errorf("nothing was sent: %w", err)
	}
	progress.done()
	counts := importer.Count(rows)
	if o.dryRun {
		return writePreview(e, o, path, s, list.Name, rows, counts)
	}
	if !o.json {
		writePreviewText(e.stdout, path, s, list.Name, rows, counts, false)
	}
	if opts.BackDated && counts.Sends > 0 {
		if err := writeBackDateWarnings(e.stderr, model.CheckedRequest{ConsentRequest: model.ConsentRequest{Offline: &opts.Offline}}, &list); err != nil {
			return err
		}
	}
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	d := newDesk(j, b, cfg)
	rep, runErr := importer.Run(ctx, d, rows, importer.RunOptions{File: importer.Name(path), Progress: progress.run, VerifyBound: o.wait})
	progress.done()
	return finishImport(e, o, rep, runErr)
}

// importMemoryLimit is the soft heap limit of an import: its rows are live
// throughout (about 400 bytes each), and what each hundred's look-ups read
// is dropped once judged, so a collector that runs a little more often
// keeps a 100,000-row import's peak near what is live.
const importMemoryLimit = 64 << 20

// runImportResume is `consent import --resume [IMPORT_ID]`.
func runImportResume(ctx context.Context, a *app, o importOptions, id string) error {
	e := a.e
	defer softMemoryLimit(importMemoryLimit)()
	if err := checkReportPath(o.report); err != nil {
		return err
	}
	cfg, b, err := connect(ctx, &a.api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	d := newDesk(j, b, cfg)
	if id == "" {
		entries, err := j.Entries()
		if err != nil {
			return err
		}
		if id = importer.LatestOpen(entries, d.Origin); id == "" {
			return usage.Errorf("no import to resume: every imported row made here is settled (see consent history)")
		}
	}
	progress := newImportProgress(e)
	rep, runErr := importer.Resume(ctx, d, id, importer.RunOptions{Progress: progress.run, VerifyBound: o.wait})
	progress.done()
	if errors.Is(runErr, importer.ErrNoImport) {
		return usage.Errorf("%v", runErr)
	}
	return finishImport(e, o, rep, runErr)
}

// finishImport prints the reconcile report and writes it where --report
// says; the exit says whether every row sent was recorded.
func finishImport(e env, o importOptions, rep importer.Report, runErr error) error {
	var err error
	if o.json {
		err = writeReportJSONLines(e.stdout, rep)
	} else {
		err = writeReportText(e.stdout, rep)
	}
	if err == nil && o.report != "" {
		err = writeReportFile(o.report, func(w io.Writer) error {
			if strings.EqualFold(filepath.Ext(o.report), ".json") {
				return importer.WriteReportJSON(w, rep)
			}
			return importer.WriteReportCSV(w, rep)
		})
	}
	if runErr != nil {
		return errors.Join(runErr, err, fmt.Errorf("finish it with: consent import --resume %s", rep.ImportID))
	}
	if err != nil {
		return err
	}
	t := rep.Tally()
	if t[importer.Failed]+t[importer.NotRecorded]+t[importer.Unknown]+rep.Unjournaled > 0 {
		return &silentExit{code: exitAPI}
	}
	return nil
}

// backDate makes opts a back-dated (historical) import when the sheet has
// a consented_at column or --consented-at is given, with what the flags
// say of the consent's collection; the flags without either are bad
// input, as is anything they say that Klaviyo would refuse.
func backDate(opts *importer.Options, f offlineOptions, header *sheet.Sheet, path string) error {
	_, dated := header.Columns[sheet.ConsentedAt]
	if f.consentedAt == "" && !dated {
		if flag := f.detailFlag(); flag != "" {
			return usage.Errorf("%s needs --consented-at (or a consented_at column in %s)", flag, path)
		}
		return nil
	}
	off, err := f.details()
	if err != nil {
		return err
	}
	if f.consentedAt != "" {
		if off.ConsentedAt, err = f.date(); err != nil {
			return err
		}
	}
	var problems []model.Problem
	for _, p := range off.Check(time.Now()) {
		// Without --consented-at each row brings its own date, checked
		// with the row.
		if p.Field != "consented_at" || f.consentedAt != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return &refusal{problems: problems}
	}
	opts.BackDated, opts.ConsentedAt, opts.Offline = true, off.ConsentedAt, off
	opts.Offline.ConsentedAt = time.Time{}
	return nil
}

// readSheetHeader is importer.ReadHeader, its refusal bad input (exit 2).
func readSheetHeader(path string, mapping sheet.Mapping) (importer.Header, error) {
	s, err := importer.ReadHeader(path, mapping)
	return s, fileUsage(err)
}

// planSheetFile is importer.PlanFile, its refusal bad input (exit 2).
func planSheetFile(path string, mapping sheet.Mapping, h importer.Header, opts importer.Options) (*sheet.Sheet, []importer.Row, error) {
	s, rows, err := importer.PlanFile(path, mapping, h, opts)
	return s, rows, fileUsage(err)
}

// fileUsage makes a sheet that cannot be used bad input.
func fileUsage(err error) error {
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return usage.Errorf("%s", fe.Error())
	}
	return err
}

// checkReportPath refuses a --report that is neither .csv nor .json.
func checkReportPath(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case "", ".csv", ".json":
		if path != "" && filepath.Ext(path) == "" {
			break
		}
		return nil
	}
	return usage.Errorf("--report %s: name a .csv or a .json file", path)
}

// writeReportFile writes a report to path, 0600: it holds personal data.
func writeReportFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing the report %s: %w", path, err)
	}
	return f.Close()
}

// chosenChannels are the channel flags given, in the form's order.
func chosenChannels(email, sms, transactional bool) []model.Channel {
	chosen := map[model.Channel]bool{model.EmailMarketing: email, model.SMSMarketing: sms, model.SMSTransactional: transactional}
	var out []model.Channel
	for _, ch := range model.Channels {
		if chosen[ch] {
			out = append(out, ch)
		}
	}
	return out
}
