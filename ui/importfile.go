package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// importLabelWidth is the width of the first step's labels.
const importLabelWidth = 8

// read reads the sheet at the path typed, in a command: its header, then
// every row's verdict (importer.PlanFile), then what only Klaviyo knows
// (importer.LookUp), with "looking up N of M" as it goes.
func (v *importView) read() tea.Cmd {
	typed := strings.TrimSpace(v.path.Value())
	switch {
	case typed == "":
		v.fileErr = "Type the path of the sign-up sheet (a CSV file): relative to the folder Consent Desk was started in, or from ~/."
		return v.setFocus(fieldImportPath)
	case v.list == nil:
		v.setNotice("Pick the list the rows are subscribed through first: enter on List.", true)
		return v.setFocus(fieldImportList)
	case v.c.client == nil:
		v.setNotice("There is no Klaviyo client to look the rows' people up with.", true)
		return nil
	}
	v.fileErr, v.needsChn = "", false
	v.clearNotice()
	opts := importer.Options{ListID: v.list.ID, Rules: v.c.rules, Channels: v.channels(), Location: time.Local}
	cl := v.c.client
	f := newFeed[lookupProgress]()
	v.lookups, v.looked = f, lookupProgress{}
	work := v.reading.start(v.c.ctx, v, func(ctx context.Context) (importPlan, error) {
		defer f.stop()
		return planSheet(ctx, cl, typed, opts, f.put)
	})
	return tea.Batch(work, f.next(v))
}

// planSheet is the CLI's preview of the sheet at typed: its header (a
// sheet with no consent column needs opts.Channels), the verdicts,
// back-dated when it has a consented_at column, and the look-ups.
func planSheet(ctx context.Context, cl *client.Client, typed string, opts importer.Options, progress func(lookupProgress)) (importPlan, error) {
	path, err := importer.ExpandHome(typed)
	if err != nil {
		return importPlan{}, err
	}
	p := importPlan{path: path}
	header, err := importer.ReadHeader(path, nil)
	if err != nil {
		return p, err
	}
	if !importer.HasConsentColumn(header.Sheet) && len(opts.Channels) == 0 {
		p.sheet, p.needsChannels = header.Sheet, true
		return p, nil
	}
	_, p.backDated = header.Columns[sheet.ConsentedAt]
	name := importer.Name(path)
	opts.File, opts.Source, opts.BackDated = name, present.Source+" import: "+name, p.backDated
	if p.sheet, p.rows, err = importer.PlanFile(path, nil, header, opts); err != nil {
		return p, err
	}
	progress(lookupProgress{total: importer.Count(p.rows).Sends})
	if err := importer.LookUp(ctx, cl, p.rows, func(done, total int) { progress(lookupProgress{done, total}) }); err != nil {
		return p, fmt.Errorf("nothing was sent: %w", err)
	}
	p.counts = importer.Count(p.rows)
	return p, nil
}

// hasConsentColumn reports whether the sheet says row by row which
// planned takes the sheet read: its preview, or why it cannot be used
// (shown under the path, the path kept as typed), or the consent the
// agent must choose first.
func (v *importView) planned(p importPlan, err error) {
	if text, ok := errFileOf(err); ok {
		v.fileErr = text
		v.setFocus(fieldImportPath)
		return
	}
	if err != nil {
		v.setNotice(model.SanitizeText(err.Error()), true)
		return
	}
	if p.needsChannels {
		v.needsChn = true
		v.plan = p
		v.setFocus(fieldImportEmail)
		return
	}
	v.plan, v.headLines = p, nil
	v.preview = newSheetTable(v.c, verdictRows(p.rows), verdictOrder(), "verdict", "The sheet has no rows.")
	v.preview.setWidth(v.width)
	v.step = importPreview
	v.clearNotice()
}

// chooseBody is the first step: an import to finish, the path with its
// error under it, the list, the consent toggles and what they are for.
func (v *importView) chooseBody() body {
	s := v.c.styles
	var b body
	line := func(f importField, label, value string) span {
		marker := "  "
		label = fmt.Sprintf("%-*s", importLabelWidth, label)
		if v.focus == f && v.asking == askNothing {
			marker, label = s.Key.Render("› "), s.Label.Render(label)
		}
		sp := b.add(marker + label + value)
		if v.focus == f {
			b.focus = sp
		}
		return sp
	}
	under := func(sp *span, text string) {
		pad := strings.Repeat(" ", 2+importLabelWidth)
		sp.end = b.add(pad + strings.ReplaceAll(text, "\n", "\n"+pad)).end
		if v.focus == fieldImportPath && sp.first == b.focus.first {
			b.focus = *sp
		}
	}
	inner := max(v.width-2-importLabelWidth, 1)
	b.add(s.Label.Render(wrap("Import a sign-up sheet (CSV): every row gets a verdict before anything is sent.", v.width)))
	b.add("")
	if o := v.open; o.id != "" {
		text := fmt.Sprintf("import %s of %s has %d %s to finish: r resume", model.SanitizeText(o.id), model.SanitizeText(o.file),
			o.rows, present.Plural(o.rows, "row", "rows"))
		line(fieldImportResume, "Resume", s.Pending.Render(wrap(text, inner)))
	}
	sp := line(fieldImportPath, "File", v.path.View())
	if v.fileErr != "" {
		under(&sp, s.Bad.Render(wrap("✗ "+v.fileErr, inner)))
	}
	list := s.Muted.Render("none yet — enter to pick")
	if v.list != nil {
		list = fmt.Sprintf("%s (%s) · %s", model.SanitizeText(v.list.Name), model.SanitizeText(v.list.ID), v.list.OptInName()) + s.Muted.Render("  enter to change")
	}
	line(fieldImportList, "List", list)
	b.add("")
	b.add(s.Muted.Render(wrap("Consent every row gives where the sheet has no column for it (email_consent, sms_consent):", v.width)))
	for _, f := range []importField{fieldImportEmail, fieldImportSMS, fieldImportSMSTransactional} {
		box := "[ ] "
		if v.on[importChannel[f]] {
			box = "[x] "
		}
		line(f, "", box+importChannel[f].Label())
	}
	b.pinned = v.choosePinned()
	return b
}

// choosePinned are the lines under the first step: the consent a sheet
// without a column needs, the reading's progress, the notice, a question.
func (v *importView) choosePinned() []string {
	s := v.c.styles
	var out []string
	add := func(style func(...string) string, text string) { out = addWrapped(out, style, text, v.width) }
	if v.needsChn && v.plan.path != "" {
		add(s.Bad.Render, fmt.Sprintf("%s has no consent column (email_consent, sms_consent): say which consent every row gives (space on Email marketing, SMS marketing or SMS transactional), then enter on File again.",
			model.SanitizeText(importer.Name(v.plan.path))))
	}
	if v.reading.running() {
		text := "Reading " + model.SanitizeText(importer.Name(strings.TrimSpace(v.path.Value()))) + "…"
		if l := v.looked; l.total > 0 {
			text = fmt.Sprintf("Looking up %d of %d %s at Klaviyo…", l.done, l.total, present.Plural(l.total, "row", "rows"))
		}
		add(s.Pending.Render, text+" (esc stops; nothing is sent)")
	}
	if v.asking == askResume {
		add(s.Pending.Render, v.resumeQuestion())
	}
	if v.notice != "" {
		style := s.Pending.Render
		if v.problem {
			style = s.Bad.Render
		}
		add(style, v.notice)
	}
	return out
}

// resumeQuestion is the y/N before finishing the open import.
func (v *importView) resumeQuestion() string {
	o := v.open
	return fmt.Sprintf("Resume import %s of %s: read back its %d unfinished %s and send those Klaviyo never got, to list %s? No row is sent twice. y/N",
		model.SanitizeText(o.id), model.SanitizeText(o.file), o.rows, present.Plural(o.rows, "row", "rows"), v.listName(o.listID))
}
