package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/proof"
)

// guardView is what the form shows when the desk's guard refused a
// subscribe before sending (desk.Guard): for an email and a number on two
// profiles, both consent cards side by side and what Klaviyo would do,
// with the agent's choice to send as typed (a, after a y/N), change the
// input (e) or stop (esc); for a number that opted out of SMS by STOP or
// carrier deactivation, why, and the new evidence that lifts it (the
// wording's version and who collected it, or an evidence file), sent
// with ctrl+s. Nothing is sent from here: the choice goes back to the
// form (guardChoiceMsg), which sends it.
type guardView struct {
	c             *common
	out           changeOutcome
	conflict      *desk.ConflictError
	optOut        *desk.OptOutError
	width, height int
	vp            viewport

	asking       bool
	confirmation question
	notice       string

	// The evidence for an opt-out: its inputs, the one focused, and the
	// file's hash once read.
	version, by, evidence textinput.Model
	focus                 int
	hashing               request[evidenceHash]
}

// guardChoiceMsg is the agent's choice on a guard, for the form that
// opened it: send again to the chosen profile, or with new evidence.
type guardChoiceMsg struct {
	chosenProfile string
	override      *model.Override
	people        *desk.People
}

// newGuardView shows the guard's refusal in out.
func newGuardView(c *common, out changeOutcome) *guardView {
	v := &guardView{c: c, out: out}
	errors.As(out.Err, &v.conflict)
	errors.As(out.Err, &v.optOut)
	v.version, v.by, v.evidence = newFormInput(c, "e.g. sms-2026-11"), newFormInput(c, "e.g. Dana, phone call"), newFormInput(c, "or a file: a recording, a scan")
	if o := out.Request.Override; o != nil { // what the form carried, to amend
		v.version.SetValue(o.TextVersion)
		v.by.SetValue(o.CollectedBy)
	}
	return v
}

func (v *guardView) inputs() []*textinput.Model {
	return []*textinput.Model{&v.version, &v.by, &v.evidence}
}

// Init focuses the first evidence input of an opt-out.
func (v *guardView) Init() tea.Cmd {
	if v.optOut != nil && v.conflict == nil {
		return v.version.Focus()
	}
	return nil
}

func (v *guardView) Update(msg tea.Msg) tea.Cmd {
	if a, ok := v.hashing.accept(msg); ok {
		if a.err != nil {
			v.notice = "The evidence file could not be read: " + model.SanitizeText(a.err.Error())
			return nil
		}
		return v.sendOverride(a.value)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return v.updateInput(msg)
	}
	keys := v.c.keys
	if v.asking {
		v.asking = false
		yes, tooSoon := v.confirmation.answer(k, keys.Yes, v.c.now())
		switch {
		case yes:
			return v.choose(guardChoiceMsg{chosenProfile: v.conflict.People.ByEmail.ID, people: v.out.People})
		case tooSoon:
			v.notice = "Not sent." + tooSoonNotice
		default:
			v.notice = "Not sent."
		}
		return nil
	}
	switch {
	case key.Matches(k, keys.StopSending):
		return back
	case v.conflict != nil && key.Matches(k, keys.SendAsTyped):
		v.asking, v.notice = true, ""
		v.confirmation.open(v.c.now())
		return nil
	case v.conflict != nil && key.Matches(k, keys.ChangeInput), v.conflict == nil && v.optOut == nil:
		return back
	case v.conflict != nil && key.Matches(k, keys.Up):
		v.vp.scroll(-1)
	case v.conflict != nil && key.Matches(k, keys.Down):
		v.vp.scroll(1)
	case v.optOut != nil && v.conflict == nil && key.Matches(k, keys.SendOnEvidence):
		return v.submitEvidence()
	case v.optOut != nil && v.conflict == nil && key.Matches(k, keys.Next, keys.Prev):
		d := 1
		if key.Matches(k, keys.Prev) {
			d = -1
		}
		ins := v.inputs()
		ins[v.focus].Blur()
		v.focus = (v.focus + d + len(ins)) % len(ins)
		return ins[v.focus].Focus()
	default:
		return v.updateInput(msg)
	}
	return nil
}

// updateInput gives msg to the focused evidence input of an opt-out.
func (v *guardView) updateInput(msg tea.Msg) tea.Cmd {
	if v.optOut == nil || v.conflict != nil {
		return nil
	}
	in := v.inputs()[v.focus]
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd
}

// choose closes the guard and gives the form the agent's choice.
func (v *guardView) choose(m guardChoiceMsg) tea.Cmd {
	return tea.Sequence(back, func() tea.Msg { return m })
}

// submitEvidence sends with the evidence typed when it is enough: the
// evidence file, if one is named, is hashed first, off the update loop.
func (v *guardView) submitEvidence() tea.Cmd {
	path := strings.TrimSpace(v.evidence.Value())
	if path == "" {
		return v.sendOverride(evidenceHash{})
	}
	path, err := importer.ExpandHome(path)
	if err != nil {
		v.notice = "The evidence file could not be read: " + model.SanitizeText(err.Error())
		return nil
	}
	return v.hashing.start(v.c.ctx, v, func(context.Context) (evidenceHash, error) {
		sum, name, err := desk.HashEvidence(path)
		return evidenceHash{path: path, sum: sum, name: name}, err
	})
}

// sendOverride gives the form the evidence typed, with the file's hash,
// when it lifts an opt-out; otherwise it says what is missing.
func (v *guardView) sendOverride(h evidenceHash) tea.Cmd {
	o := &model.Override{TextVersion: strings.TrimSpace(v.version.Value()), CollectedBy: strings.TrimSpace(v.by.Value()),
		EvidenceSHA256: h.sum, EvidenceName: h.name}
	if !o.Enough() {
		v.notice = "Not sent: give " + model.OverrideNeeds + "."
		return nil
	}
	return v.choose(guardChoiceMsg{override: o, people: v.out.People})
}

// CapturesText: the evidence inputs take typed text.
func (v *guardView) CapturesText() bool { return v.optOut != nil && v.conflict == nil }

// EscIsMine is false: esc stops, as back.
func (v *guardView) EscIsMine() bool { return false }

// Busy says when the evidence file is being read.
func (v *guardView) Busy() string {
	if v.hashing.running() {
		return "reading the evidence file"
	}
	return ""
}

func (v *guardView) Title() string {
	if v.conflict != nil {
		return "two profiles"
	}
	return "opted out"
}

func (v *guardView) SetSize(width, height int) { v.width, v.height = width, height }

// View is the guard's words, the cards or the evidence inputs, in the
// shared viewport: the focused input kept on screen, the notice and a
// question pinned under them.
func (v *guardView) View() string { return v.vp.render(v.body(), v.height, v.c.styles) }

// body is the guard's lines.
func (v *guardView) body() body {
	s, w := v.c.styles, max(v.width, 1)
	var b body
	para := func(text string) span {
		if len(b.lines) > 0 {
			b.add("")
		}
		return b.add(text)
	}
	if c := v.conflict; c != nil {
		para(s.Bad.Render(wrap("✗ Not sent: the email and the phone number are on two different profiles.", w)))
		para(wrap(model.SanitizeText(c.Words)+".", w))
		para(s.Muted.Render(wrap("a: send as typed to the email's profile · e: change the input · esc: stop, nothing sent", w)))
		para(v.cards(c.People))
		if v.asking {
			b.pinned = append(b.pinned, strings.Split(s.Key.Render(wrap("Send as typed to "+model.SanitizeText(c.People.ByEmail.ID)+
				", the email's profile? SMS consent would not be recorded. y/N", w)), "\n")...)
		}
	}
	if o := v.optOut; o != nil {
		var channels []model.Channel
		for _, oe := range desk.OptOutsIn(v.out.Err) {
			channels = append(channels, oe.Channel)
		}
		b.context = para(s.Bad.Render(wrap("✗ Not sent: "+model.SanitizeText(o.Profile.PhoneNumber)+" opted out of "+proof.ChannelWords(channels)+
			" ("+o.How+present.SinceDate(o.Since)+").", w)))
		para(wrap("SMS consent is given again only with new evidence that the person asked for it: "+model.OverrideNeeds+
			". It is journaled as an override and shown in their proof of consent.", w))
		if v.conflict == nil {
			b.add("")
			labels := []string{"Wording version", "Collected by", "Evidence file"}
			for i, in := range v.inputs() {
				label := s.Label
				if i == v.focus {
					label = s.Key.Bold(true)
				}
				var line span
				if w >= formIndent+formMinLineWidth {
					in.SetWidth(w - formIndent - 1)
					line = b.add(padRight(label.Render(labels[i]), formIndent) + in.View())
				} else { // narrow: the input under its label
					in.SetWidth(max(w-formNarrowIndent-1, 1))
					line = b.add(label.Render(labels[i]) + "\n" + strings.Repeat(" ", formNarrowIndent) + in.View())
				}
				if i == v.focus {
					b.focus = line
				}
			}
		}
	}
	if v.notice != "" {
		b.pinned = append(b.pinned, strings.Split(s.Pending.Render(wrap(v.notice, w)), "\n")...)
	}
	return b
}

// cards are the two profiles' consent cards: side by side when the
// window has room for two, else one under the other; each headed by whose
// identifier it holds.
func (v *guardView) cards(p desk.People) string {
	s := v.c.styles
	gap := 3
	side := v.width >= 2*cardWideEnough+gap
	w := v.width
	if side {
		w = (v.width - gap) / 2
	}
	card := func(head string, pr client.Profile) string {
		phone := present.DescribePhone(pr.PhoneNumber, v.c.rules)
		block := []string{s.Label.Render(head), renderProfileSummary(pr, phone, s, w, false), renderConsentCard(pr, s, w, nil)}
		return lipgloss.NewStyle().Width(w).Render(strings.Join(block, "\n"))
	}
	a := card("A · has the email", *p.ByEmail)
	b := card("B · has the number", *p.ByPhone)
	if side {
		return lipgloss.JoinHorizontal(lipgloss.Top, a, strings.Repeat(" ", gap), b)
	}
	return a + "\n\n" + b
}

// ShortHelp is the footer: the choices.
func (v *guardView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.asking:
		return []key.Binding{k.Yes, k.AnyOtherKeyNo}
	case v.conflict != nil:
		return []key.Binding{k.SendAsTyped, k.ChangeInput, k.StopSending, k.Help}
	}
	return []key.Binding{k.SendOnEvidence, k.Next, k.StopSending, k.Help}
}

// FullHelp is the footer's keys.
func (v *guardView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
