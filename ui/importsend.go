package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// send runs importer.Run on the preview's rows in a command; its progress
// comes back through a feed.
func (v *importView) send() tea.Cmd {
	d, rows, file := v.c.desk, v.plan.rows, importer.Name(v.plan.path)
	return v.start(v.plan.counts.Sends, func(ctx context.Context, progress func(importer.Progress)) (importer.Report, error) {
		return importer.Run(ctx, d, rows, importer.RunOptions{File: file, Progress: progress})
	})
}

// resume runs importer.Resume on the open import, as send does.
func (v *importView) resume() tea.Cmd {
	d, id := v.c.desk, v.open.id
	v.plan = importPlan{path: v.open.file}
	return v.start(v.open.rows, func(ctx context.Context, progress func(importer.Progress)) (importer.Report, error) {
		return importer.Resume(ctx, d, id, importer.RunOptions{Progress: progress})
	})
}

// start runs an import (Run or Resume) in a command, its progress fed
// back to the view, and shows the sending step.
func (v *importView) start(total int, run func(context.Context, func(importer.Progress)) (importer.Report, error)) tea.Cmd {
	f := newFeed[importer.Progress]()
	v.progFeed = f
	v.progress = importer.Progress{Phase: "sending", Total: total, Started: time.Now()}
	v.step, v.stopping, v.runErr = importSending, false, nil
	v.clearNotice()
	work := v.running.start(v.c.ctx, v, func(ctx context.Context) (importer.Report, error) {
		defer f.stop()
		return run(ctx, f.put)
	})
	return tea.Batch(work, f.next(v))
}

// finished shows the reconcile report: the tally, then every row that is
// not verified.
func (v *importView) finished(rep importer.Report, err error) {
	v.report, v.runErr = rep, err
	v.step = importReport
	v.open = openImport{}
	var rows []sheetRow
	for _, r := range rep.Rows {
		if r.Outcome == importer.Verified {
			continue
		}
		label := r.Outcome.Label()
		if r.Outcome == importer.NotSent {
			label = "held: " + r.Verdict.Label()
		}
		rows = append(rows, sheetRow{line: r.Line, kind: string(r.Outcome), kindLabel: r.Outcome.Label(), label: label, who: sheetWho(r.Email, r.Phone),
			detail: model.SanitizeText(r.Detail), tone: outcomeTone(r.Outcome)})
	}
	order := make([]string, len(importer.Outcomes))
	for i, o := range importer.Outcomes {
		order[i] = string(o)
	}
	v.results = newSheetTable(v.c, rows, order, "outcome", "Every row of the sheet is verified: nothing to review.")
	v.results.setWidth(v.width)
}

// outcomeTone is how an outcome is styled.
func outcomeTone(o importer.Outcome) tone {
	switch o {
	case importer.Verified:
		return toneGood
	case importer.PendingDoubleOptIn, importer.NotRecorded, importer.Unknown:
		return tonePending
	case importer.Failed:
		return toneBad
	}
	return toneMuted
}

// sendingView is the sending step: the phase, a bar, rows sent, verified
// and failed, the rate and what is left, and the stop question.
func (v *importView) sendingView() string {
	s := v.c.styles
	p := v.progress
	var lines []string
	add := func(text string) { lines = append(lines, strings.Split(text, "\n")...) }
	name := model.SanitizeText(importer.Name(v.plan.path))
	add(s.Label.Render(wrap(fmt.Sprintf("Importing %s into list %s", name, v.listName(v.listID())), v.width)))
	add("")
	done := p.Sent + p.Failed
	if p.Phase == "verifying" {
		done = p.Verified + p.Failed
	}
	add(progressBar(s, done, p.Total, min(v.width, 60)))
	add(wrap(fmt.Sprintf("%s: %d of %d %s sent · %d verified · %d failed", p.Phase, p.Sent, p.Total, present.Plural(p.Total, "row", "rows"), p.Verified, p.Failed), v.width))
	if rate := progressRate(p, time.Now()); rate != "" {
		add(s.Muted.Render(wrap(rate, v.width)))
	}
	add("")
	switch {
	case v.asking == askStop:
		add(s.Pending.Render(wrap("Stop the import? Rows already handed to Klaviyo are read back; the rest stay in the journal, and r (or consent import --resume) finishes them. y/N", v.width)))
	case v.stopping:
		add(s.Pending.Render(wrap("Stopping: the rows already sent are kept in the journal…", v.width)))
	case v.notice != "":
		add(s.Pending.Render(wrap(v.notice, v.width)))
	default:
		add(s.Muted.Render(wrap("Every row is in the journal before it is sent. esc asks whether to stop.", v.width)))
	}
	return strings.Join(lines, "\n")
}

// progressRate is the rows per second and the time left, "" before the
// first rows went.
func progressRate(p importer.Progress, now time.Time) string {
	elapsed := now.Sub(p.Started).Seconds()
	if elapsed <= 0 || p.Sent == 0 {
		return ""
	}
	rate := float64(p.Sent) / elapsed
	text := fmt.Sprintf("%.0f rows/s", rate)
	if left := p.Total - p.Sent - p.Failed; left > 0 && p.Phase == "sending" {
		text += fmt.Sprintf(" · about %d s left", int(float64(left)/rate+0.5))
	}
	return text
}

// progressBar is done of total as a bar width cells wide, with its
// percentage.
func progressBar(s *styles, done, total, width int) string {
	pct := 0
	if total > 0 {
		pct = min(done*100/total, 100)
	}
	label := fmt.Sprintf(" %3d%%", pct)
	cells := max(width-len(label), 1)
	full := cells * pct / 100
	return s.Good.Render(strings.Repeat("█", full)) + s.Muted.Render(strings.Repeat("░", cells-full)) + label
}

// reportHead is the report's lines above its table: the import, the
// tally by outcome, rows the journal never got, and how it stopped.
func (v *importView) reportHead() []string {
	s := v.c.styles
	rep := v.report
	var out []string
	add := func(style func(...string) string, text string) { out = addWrapped(out, style, text, v.width) }
	add(s.Label.Render, fmt.Sprintf("Import %s of %s: %d %s, %d %s, %.1f s", model.SanitizeText(rep.ImportID), model.SanitizeText(rep.File),
		len(rep.Rows), present.Plural(len(rep.Rows), "row", "rows"), rep.Jobs, present.Plural(rep.Jobs, "job", "jobs"), rep.Took.Seconds()))
	t := rep.Tally()
	var parts []string
	for _, o := range importer.Outcomes {
		parts = append(parts, fmt.Sprintf("%d %s", t[o], o.Label()))
	}
	add(fmtPlain, strings.Join(parts, " · "))
	if rep.Unjournaled > 0 {
		add(s.Bad.Render, fmt.Sprintf("%d %s never reached the journal and were never sent: import %s again to send them.",
			rep.Unjournaled, present.Plural(rep.Unjournaled, "row", "rows"), model.SanitizeText(rep.File)))
	}
	if v.runErr != nil {
		add(s.Bad.Render, "✗ "+model.SanitizeText(v.runErr.Error())+". The journal keeps every row: r resumes it (or consent import --resume "+model.SanitizeText(rep.ImportID)+").")
	}
	if v.asking == askResume {
		add(s.Pending.Render, v.resumeQuestion())
	} else if v.notice != "" {
		style := s.Pending.Render
		if v.problem {
			style = s.Bad.Render
		}
		add(style, v.notice)
	}
	return out
}

// addWrapped is lines with text appended, wrapped to width and styled.
func addWrapped(lines []string, style func(...string) string, text string, width int) []string {
	return append(lines, strings.Split(style(wrap(text, width)), "\n")...)
}

// fmtPlain is text as it is, for lines with no style.
func fmtPlain(text ...string) string { return strings.Join(text, " ") }
