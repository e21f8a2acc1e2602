package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// previewSummary is the last line of `consent import --dry-run --json`.
type previewSummary struct {
	Summary struct {
		File  string                   `json:"file"`
		List  string                   `json:"list"`
		Rows  int                      `json:"rows"`
		Sends int                      `json:"sends"`
		By    map[importer.Verdict]int `json:"by_verdict"`
	} `json:"summary"`
}

// writePreview is --dry-run's output: every row's verdict, as text or
// JSON lines, and --report's file.
func writePreview(e env, o importOptions, path string, s *sheet.Sheet, list string, rows []importer.Row, counts importer.Counts) error {
	var err error
	if o.json {
		for _, r := range rows {
			if err = writeJSONLine(e.stdout, r); err != nil {
				return err
			}
		}
		var sum previewSummary
		sum.Summary.File, sum.Summary.List, sum.Summary.Rows, sum.Summary.Sends, sum.Summary.By = importer.Name(path), list, counts.Rows, counts.Sends, counts.By
		err = writeJSONLine(e.stdout, sum)
	} else {
		err = writePreviewText(e.stdout, path, s, list, rows, counts, true)
	}
	if err != nil || o.report == "" {
		return err
	}
	return writeReportFile(o.report, func(w io.Writer) error {
		if strings.EqualFold(filepath.Ext(o.report), ".json") {
			for _, r := range rows {
				if err := writeJSONLine(w, r); err != nil {
					return err
				}
			}
			return nil
		}
		return importer.WriteVerdictsCSV(w, rows)
	})
}

// writePreviewText says what the sheet holds and each row's verdict: every
// row (all), or those that are not plainly ok.
func writePreviewText(w io.Writer, path string, s *sheet.Sheet, list string, rows []importer.Row, counts importer.Counts, all bool) error {
	sep := map[rune]string{',': "comma", ';': "semicolon", '\t': "tab"}[s.Separator]
	var cols []string
	for _, c := range sheet.Columns {
		if _, ok := s.Columns[c]; ok {
			cols = append(cols, string(c))
		}
	}
	fmt.Fprintf(w, "%s: %s (%s-separated; columns %s", clean(importer.Name(path)), plural(counts.Rows, "row"), sep, strings.Join(cols, ", "))
	if len(s.Ignored) > 0 {
		fmt.Fprintf(w, "; not read: %s", clean(strings.Join(s.Ignored, ", ")))
	}
	fmt.Fprintf(w, ") → list %s\n", clean(list))
	var parts []string
	for _, v := range importer.Verdicts {
		if n := counts.By[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.Label()))
		}
	}
	fmt.Fprintf(w, "  %s · %s to send\n", strings.Join(parts, " · "), plural(counts.Sends, "row"))
	hidden := 0
	for _, r := range rows {
		if !all && r.Verdict == importer.OK && r.Detail == "" {
			hidden++
			continue
		}
		line := fmt.Sprintf("  line %-5d %-22s %s", r.Line, r.Verdict.Label(), clean(importer.Who(r.Email, r.Phone)))
		if r.Detail != "" {
			line += " — " + clean(r.Detail)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	if hidden > 0 {
		fmt.Fprintf(w, "  (%s not listed: --dry-run lists every row)\n", plural(hidden, "ok row"))
	}
	return nil
}

// writeReportText is the reconcile report as text: the tally, then every
// row sent that is not verified.
func writeReportText(w io.Writer, rep importer.Report) error {
	t := rep.Tally()
	fmt.Fprintf(w, "import %s: %s, %s, %.1f s\n", rep.ImportID, plural(len(rep.Rows), "row"), plural(rep.Jobs, "job"), rep.Took.Seconds())
	fmt.Fprintf(w, "  %d verified · %d pending double opt-in · %d not recorded · %d failed · %d unknown · %d not sent\n",
		t[importer.Verified], t[importer.PendingDoubleOptIn], t[importer.NotRecorded], t[importer.Failed], t[importer.Unknown], t[importer.NotSent])
	if rep.Unjournaled > 0 {
		fmt.Fprintf(w, "  %s of this import never reached the journal (it stopped while writing them) and were never sent: import %s again to send them; the rows sent are skipped as already subscribed\n",
			plural(rep.Unjournaled, "row"), clean(rep.File))
	}
	for _, r := range rep.Rows {
		switch r.Outcome {
		case importer.Verified, importer.PendingDoubleOptIn, importer.NotSent:
			continue
		}
		if _, err := fmt.Fprintf(w, "  line %-5d %-14s %s — %s\n", r.Line, strings.ReplaceAll(string(r.Outcome), "_", " "), clean(importer.Who(r.Email, r.Phone)), clean(r.Detail)); err != nil {
			return err
		}
	}
	return nil
}

// reportSummary is the last line of `consent import --json`.
type reportSummary struct {
	Summary struct {
		ImportID string `json:"import_id"`
		File     string `json:"file,omitempty"`
		Rows     int    `json:"rows"`
		Jobs     int    `json:"jobs"`
		TookMS   int64  `json:"took_ms"`
		// Unjournaled: see importer.Report.
		Unjournaled int                      `json:"unjournaled,omitempty"`
		By          map[importer.Outcome]int `json:"by_outcome"`
	} `json:"summary"`
}

// writeReportJSONLines is the reconcile report as JSON lines: a row each,
// then the summary.
func writeReportJSONLines(w io.Writer, rep importer.Report) error {
	for _, r := range rep.Rows {
		if err := writeJSONLine(w, r); err != nil {
			return err
		}
	}
	var s reportSummary
	s.Summary.ImportID, s.Summary.File, s.Summary.Rows, s.Summary.Jobs, s.Summary.TookMS, s.Summary.By =
		rep.ImportID, rep.File, len(rep.Rows), rep.Jobs, rep.Took.Milliseconds(), rep.Tally()
	s.Summary.Unjournaled = rep.Unjournaled
	return writeJSONLine(w, s)
}

// clean is text from a file or Klaviyo, safe on a terminal.
func clean(s string) string { return model.SanitizeText(s) }

// plural is "1 row", "2 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
