package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// offlineForm is the subscribe form's "Entered later" part, for consent
// collected earlier (on paper, by phone, at an event): when it was given,
// who collected it and where, the wording's version and an evidence file.
// It stays folded, with no row and no tab stop (the form is as it was),
// and sends nothing, until the agent opens it with ctrl+o (shown in the
// footer); ctrl+o, or its toggle row, folds it again, keeping what was
// typed. The date is read on every
// keystroke; the evidence file is hashed when the form is submitted.
type offlineForm struct {
	open                        bool
	at, by, version, evidence   textinput.Model
	atText                      string // what at was read from
	atValue                     time.Time
	atErr                       error
	hashedPath, sum, name       string // the evidence as last hashed
	evidenceErr, evidenceErrFor string // why the file at evidenceErrFor could not be read
	hashing                     request[evidenceHash]
}

// evidenceHash is an evidence file's digest, read off the update loop.
type evidenceHash struct{ path, sum, name string }

// newOfflineForm is the folded part with empty inputs.
func newOfflineForm(v *formView) offlineForm {
	return offlineForm{at: v.newInput("e.g. 2026-03-14 or 2026-03-14 15:04"), by: v.newInput("e.g. Booth, Spring Fair"),
		version: v.newInput("e.g. fair-2026"), evidence: v.newInput("optional: a scan or photo, e.g. sheet.jpg")}
}

// isOfflineInput reports whether f is one of the part's inputs.
func isOfflineInput(f formField) bool { return f >= fieldConsentedAt && f <= fieldEvidence }

// step is the field d stops away from the focus in tab order, round,
// passing over the folded part's toggle and inputs.
func (v *formView) step(d int) formField {
	f := v.focus
	for {
		f = (f + formField(d) + fieldCount) % fieldCount
		if v.off.open || (f != fieldOffline && !isOfflineInput(f)) {
			return f
		}
	}
}

// input is the part's input for f, nil for another field.
func (o *offlineForm) input(f formField) *textinput.Model {
	switch f {
	case fieldConsentedAt:
		return &o.at
	case fieldCollectedBy:
		return &o.by
	case fieldTextVersion:
		return &o.version
	case fieldEvidence:
		return &o.evidence
	}
	return nil
}

// focusOn blurs the part's inputs and focuses f's, if it is one.
func (o *offlineForm) focusOn(f formField) tea.Cmd {
	for _, g := range []formField{fieldConsentedAt, fieldCollectedBy, fieldTextVersion, fieldEvidence} {
		o.input(g).Blur()
	}
	if in := o.input(f); in != nil {
		return in.Focus()
	}
	return nil
}

// setWidth sets the inputs' widths.
func (o *offlineForm) setWidth(w int) {
	for _, g := range []formField{fieldConsentedAt, fieldCollectedBy, fieldTextVersion, fieldEvidence} {
		o.input(g).SetWidth(w)
	}
}

// reset clears, for a new entry, the date and the evidence, and keeps the
// part open with who collected and the wording: a stack of sheets from one
// event is entered one after another.
func (o *offlineForm) reset() {
	o.at.SetValue("")
	o.evidence.SetValue("")
	o.read()
	o.hashedPath, o.sum, o.name, o.evidenceErr, o.evidenceErrFor = "", "", "", "", ""
}

// read parses the date typed, in the agent's zone.
func (o *offlineForm) read() {
	o.atText = strings.TrimSpace(o.at.Value())
	o.atValue, o.atErr = time.Time{}, nil
	if o.atText != "" {
		o.atValue, o.atErr = model.ParseConsentedAt(o.atText, "", time.Local)
	}
}

// consent is what the part asks, nil while it is folded.
func (o *offlineForm) consent() *model.OfflineConsent {
	if !o.open {
		return nil
	}
	c := &model.OfflineConsent{ConsentedAt: o.atValue, CollectedBy: o.by.Value(), TextVersion: o.version.Value()}
	if p := strings.TrimSpace(o.evidence.Value()); p != "" && p == o.hashedPath {
		c.EvidenceSHA256, c.EvidenceName = o.sum, o.name
	}
	return c
}

// mend puts the part's own reasons in problems: a date that does not
// parse says why (not that none was given), and an evidence file that
// could not be read says so.
func (o *offlineForm) mend(problems []model.Problem) []model.Problem {
	if !o.open {
		return problems
	}
	if o.atErr != nil {
		for i, p := range problems {
			if p.Field == "consented_at" {
				problems[i].Reason = o.atErr.Error()
			}
		}
	}
	if o.evidenceErr != "" && o.evidenceErrFor == strings.TrimSpace(o.evidence.Value()) {
		problems = append(problems, model.Problem{Field: "evidence", Reason: o.evidenceErr})
	}
	return problems
}

// offlineFieldFor is the part's field a problem is about, fieldSubmit for
// another.
func offlineFieldFor(field string) formField {
	switch field {
	case "consented_at":
		return fieldConsentedAt
	case "collected_by":
		return fieldCollectedBy
	case "consent_text_version":
		return fieldTextVersion
	case "evidence":
		return fieldEvidence
	}
	return fieldSubmit
}

// toggleOffline opens the part, on its date, or folds it, keeping what
// was typed; a focus inside it goes to its toggle's place, List.
func (v *formView) toggleOffline() tea.Cmd {
	v.off.open = !v.off.open
	v.notice = ""
	v.recheck()
	switch {
	case v.off.open:
		return v.setFocus(fieldConsentedAt)
	case v.focus == fieldOffline || isOfflineInput(v.focus):
		return v.setFocus(fieldList)
	}
	return nil
}

// updateOfflineInput gives msg to the focused input of the part, reading
// the date again when it changed.
func (v *formView) updateOfflineInput(msg tea.Msg) tea.Cmd {
	in := v.off.input(v.focus)
	if in == nil {
		return nil
	}
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if in.Value() != before {
		if v.focus == fieldConsentedAt {
			v.off.read()
		}
		v.recheck()
	}
	return cmd
}

// hashEvidence starts hashing the evidence file named, when the part is
// open and the file was not hashed yet (nil otherwise): submit waits for
// it and goes on when it comes back (evidenceHashed).
func (v *formView) hashEvidence() tea.Cmd {
	path := strings.TrimSpace(v.off.evidence.Value())
	if !v.off.open || path == "" || path == v.off.hashedPath || path == v.off.evidenceErrFor || v.off.hashing.running() {
		return nil
	}
	v.notice = "Reading the evidence file…"
	return v.off.hashing.start(v.c.ctx, v, func(context.Context) (evidenceHash, error) {
		sum, name, err := desk.HashEvidence(path)
		return evidenceHash{path: path, sum: sum, name: name}, err
	})
}

// evidenceHashed keeps the file's digest and submits again, or shows why
// the file could not be read beside it, keeping everything typed.
func (v *formView) evidenceHashed(a answer[evidenceHash]) tea.Cmd {
	if a.err != nil {
		v.off.evidenceErr, v.off.evidenceErrFor = model.SanitizeText(a.err.Error()), strings.TrimSpace(v.off.evidence.Value())
		v.refused = true
		v.showProblems(v.checkProblems())
		return v.setFocus(fieldEvidence)
	}
	v.off.hashedPath, v.off.sum, v.off.name = a.value.path, a.value.sum, a.value.name
	v.notice = ""
	return v.submit()
}

// checkProblems is check's problems alone.
func (v *formView) checkProblems() []model.Problem {
	_, problems := v.check()
	return problems
}

// offlineBody adds the part's lines to the form: its toggle, and while it
// is open its inputs, each with its live line, and the warnings of a
// historical import while a date is set.
func (v *formView) offlineBody(line func(formField, string, string) span, under func(string) span, focus func(formField, span), lineWidth int) {
	s, o := v.c.styles, &v.off
	if !o.open {
		if o.atText != "" || o.by.Value() != "" || o.version.Value() != "" || o.evidence.Value() != "" {
			line(fieldOffline, "Entered later", s.Muted.Render("folded (ctrl+o): what you typed is kept, and not sent"))
		}
		return
	}
	focus(fieldOffline, line(fieldOffline, "Entered later", "[x] consent collected earlier"))
	sp := line(fieldConsentedAt, "Consent given on", o.at.View())
	sp.end = under(v.consentedAtLine(lineWidth)).end
	focus(fieldConsentedAt, sp)
	focus(fieldCollectedBy, line(fieldCollectedBy, "Collected by", o.by.View()))
	focus(fieldTextVersion, line(fieldTextVersion, "Wording version", o.version.View()))
	sp = line(fieldEvidence, "Evidence file", o.evidence.View())
	path := strings.TrimSpace(o.evidence.Value())
	switch {
	case o.evidenceErr != "" && o.evidenceErrFor == path:
		sp.end = under(s.Bad.Render(wrap("✗ "+o.evidenceErr, lineWidth))).end
	case path != "" && path == o.hashedPath:
		sp.end = under(s.Muted.Render(wrap("SHA-256 "+o.sum[:12]+"… journaled; the file is not copied", lineWidth))).end
	case path != "":
		sp.end = under(s.Muted.Render(wrap("hashed when you submit; only its SHA-256 is journaled", lineWidth))).end
	}
	focus(fieldEvidence, sp)
	if o.atText != "" && o.atErr == nil {
		for _, w := range present.BackDateWarnings(v.list) {
			under(s.Pending.Render(indentWrap("! "+w, lineWidth-2, 2)))
		}
	}
}

// consentedAtLine is the live line under the date: how to write one, why
// what is typed is not one (it is never cleared), or the date as read,
// with the agent's zone.
func (v *formView) consentedAtLine(width int) string {
	s, o := v.c.styles, &v.off
	zone := present.Zone(v.c.now().In(time.Local))
	switch {
	case o.atText == "":
		return s.Muted.Render(wrap("a date, a time if known; your zone ("+zone+")", width))
	case o.atErr != nil:
		return s.Bad.Render(wrap("✗ "+o.atErr.Error(), width))
	}
	_, problems := model.ConsentRequest{Offline: &model.OfflineConsent{ConsentedAt: o.atValue}}.Check(v.phoneRules())
	for _, p := range problems {
		if p.Field == "consented_at" {
			return s.Bad.Render(wrap("✗ "+p.Reason, width))
		}
	}
	return s.Good.Render(wrap("✓ "+present.ConsentedOn(o.atValue), width))
}
