package accessible

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// importSheet imports a sign-up sheet question by question: the file, the
// consent every row gives when the sheet has no column for it, the list;
// then it says the counts and, on request, every row with its line and
// verdict; and sends only after "Send N rows? y/N" is answered yes, saying
// its progress in plain lines, then the reconcile report.
func (s *session) importSheet() error {
	s.say("Import a sign-up sheet (CSV). Leave the file blank to go back.")
	var path string
	var header importer.Header
	for header.Sheet == nil {
		a, err := s.ask("Sheet file?")
		if err != nil || a == "" {
			return err
		}
		if path, err = importer.ExpandHome(a); err != nil {
			s.say("Not read: " + model.SanitizeText(err.Error()) + ". Give another file, or leave it blank.")
			continue
		}
		h, err := importer.ReadHeader(path, nil)
		var fe *importer.FileError
		switch {
		case errors.As(err, &fe):
			s.say("Not read: " + model.SanitizeText(fe.Error()) + ". Give another file, or leave it blank.")
		case err != nil:
			return err
		default:
			header = h
		}
	}
	opts := importer.Options{Rules: s.o.Rules, Source: present.Source + " import: " + importer.Name(path), File: importer.Name(path), Location: time.Local}
	if !importer.HasConsentColumn(header.Sheet) {
		s.say("The sheet has no consent column: say which consent every row gives.")
		for _, ch := range model.Channels {
			yes, err := s.yesNo(ch.Label()+" for every row?", false)
			if err != nil {
				return err
			}
			if yes {
				opts.Channels = append(opts.Channels, ch)
			}
		}
		if len(opts.Channels) == 0 {
			s.say("No consent chosen: nothing to import.")
			return nil
		}
	}
	if _, dated := header.Columns[sheet.ConsentedAt]; dated {
		opts.BackDated = true
		s.say("The sheet has consent dates: each row is sent as a historical import with its own date (ISO dates such as 2026-03-14, in your zone).")
	}
	list, err := s.chooseList("List?")
	if err != nil || list == nil {
		return err
	}
	opts.ListID = list.ID
	_, rows, err := importer.PlanFile(path, nil, header, opts)
	if err != nil {
		s.say("Not read: " + model.SanitizeText(err.Error()) + ".")
		return nil
	}
	s.say(fmt.Sprintf("Read %d rows. Looking the people up at Klaviyo...", len(rows)))
	if err := importer.LookUp(s.ctx, s.o.Client, rows, nil); err != nil {
		s.say("Nothing was sent: " + model.SanitizeText(err.Error()) + ".")
		return nil
	}
	counts := importer.Count(rows)
	s.say(countWords(counts))
	if err := s.listRows(rows); err != nil {
		return err
	}
	if counts.Sends == 0 {
		s.say("No row to send.")
		return nil
	}
	if opts.BackDated {
		for _, w := range present.BackDateWarnings(list) {
			s.say("Warning: " + w)
		}
	}
	send, err := s.yesNo(fmt.Sprintf("Send %d rows to %s (%d held back)?", counts.Sends, model.SanitizeText(list.Name), counts.Rows-counts.Sends), false)
	if err != nil {
		return err
	}
	if !send {
		s.say("Not sent.")
		return nil
	}
	s.say("Sending, then reading back what Klaviyo recorded...")
	last := ""
	rep, runErr := importer.Run(s.ctx, s.o.Desk, rows, importer.RunOptions{File: importer.Name(path), Progress: func(p importer.Progress) {
		// One line per phase and per tenth: enough to follow, not a flood.
		line := fmt.Sprintf("%s: %d of %d sent, %d verified, %d failed.", p.Phase, p.Sent, p.Total, p.Verified, p.Failed)
		key := fmt.Sprintf("%s %d %d", p.Phase, p.Sent*10/max(p.Total, 1), p.Verified*10/max(p.Total, 1))
		if key != last {
			last = key
			s.say(line)
		}
	}})
	t := rep.Tally()
	s.say(fmt.Sprintf("Import %s: %d verified, %d pending double opt-in, %d not recorded, %d failed, %d unknown, %d not sent.",
		rep.ImportID, t[importer.Verified], t[importer.PendingDoubleOptIn], t[importer.NotRecorded], t[importer.Failed], t[importer.Unknown], t[importer.NotSent]))
	for _, r := range rep.Rows {
		switch r.Outcome {
		case importer.Verified, importer.PendingDoubleOptIn, importer.NotSent:
			continue
		}
		s.say(fmt.Sprintf("Line %d, %s: %s, %s.", r.Line, model.SanitizeText(importer.Who(r.Email, r.Phone)), strings.ReplaceAll(string(r.Outcome), "_", " "), model.SanitizeText(r.Detail)))
	}
	if runErr != nil {
		s.say("The import stopped: " + model.SanitizeText(runErr.Error()) + ". Every row is in the journal: consent import --resume finishes it.")
	}
	return nil
}

// listRows says the rows on request: every one, only those not plainly
// ok, or none.
func (s *session) listRows(rows []importer.Row) error {
	for {
		a, err := s.ask("List the rows? 1 every row, 2 those not ok, 3 none:")
		if err != nil {
			return err
		}
		switch strings.ToLower(a) {
		case "1", "2":
			for _, r := range rows {
				if a == "2" && r.Verdict == importer.OK && r.Detail == "" {
					continue
				}
				line := fmt.Sprintf("Line %d, %s: %s", r.Line, model.SanitizeText(importer.Who(r.Email, r.Phone)), r.Verdict.Label())
				if r.Detail != "" {
					line += ": " + model.SanitizeText(r.Detail)
				}
				s.say(line + ".")
			}
			return nil
		case "3", "":
			return nil
		}
		s.say("Answer 1, 2 or 3.")
	}
}

// countWords is the preview's counts in one sentence.
func countWords(c importer.Counts) string {
	var parts []string
	for _, v := range importer.Verdicts {
		if n := c.By[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.Label()))
		}
	}
	return fmt.Sprintf("%s; %d rows to send.", strings.Join(parts, ", "), c.Sends)
}
