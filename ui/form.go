package ui

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// formField is a stop in the subscribe form's tab order (DESIGN.md).
type formField int

const (
	fieldEmail formField = iota
	fieldPhone
	fieldEmailMarketing
	fieldSMSMarketing
	fieldSMSTransactional
	fieldList
	fieldOffline // "Entered later": the toggle of the folded part (formoffline.go)
	fieldConsentedAt
	fieldCollectedBy
	fieldTextVersion
	fieldEvidence
	fieldSubmit
	fieldCount
)

// toggleChannel is the channel of a toggle field.
var toggleChannel = map[formField]model.Channel{
	fieldEmailMarketing:   model.EmailMarketing,
	fieldSMSMarketing:     model.SMSMarketing,
	fieldSMSTransactional: model.SMSTransactional,
}

// formInputLimit bounds what a form input takes: more than any email (254)
// or phone number needs.
const formInputLimit = 256

// formResetMsg clears the form for a new entry, keeping the list.
type formResetMsg struct{}

// formView is the subscribe form: Email, Phone, the three consent toggles,
// List and Submit. The phone is re-analysed on every keystroke and the line
// under it says what the number is and whether SMS consent can be recorded;
// the SMS toggles cannot be turned on while it cannot. Nothing typed is ever
// cleared by an error.
type formView struct {
	c      *common
	email  textinput.Model
	phone  textinput.Model
	on     map[model.Channel]bool
	list   *client.List
	focus  formField
	phoneA model.PhoneAnalysis
	emailA model.EmailAnalysis
	// problems are what the last submit attempt was refused for, or, once
	// one was refused, what is still wrong (recheck).
	problems []model.Problem
	// refused is set when a submit was refused, until one is sent or the
	// form is cleared: from then on every change re-checks the form.
	refused bool
	notice  string
	// submission sends the entry and verifies it; while it runs, input
	// is locked and esc cancels it (its outcome says what came of that).
	submission request[changeOutcome]
	// defaultListRead reads the account's default list when the form
	// opens.
	defaultListRead request[client.List]
	width, height   int
	// vp is the window of the form's lines on screen.
	vp viewport
	// sending is the entry being submitted; sent is the last one Klaviyo
	// accepted (hasSent), which the form does not count as unsent input.
	sending, sent model.ConsentRequest
	hasSent       bool
	// filled is what the form was opened with ("subscribe this person"),
	// which is not input the agent would lose; nil for an empty form.
	filled *model.ConsentRequest
	// discarding is set while esc's "Discard this entry?" prompt shows:
	// every key answers it (formdiscard.go).
	discarding bool
	// discardQuestion is the discard prompt's y/N.
	discardQuestion question
	// region is the region chosen with ctrl+r for a number typed without
	// "+" when no default region is set (formregion.go), "" until then.
	region string
	// off is the "Entered later" part, folded until asked (formoffline.go).
	off offlineForm
	// choice is the agent's answer to the guard's last refusal, for the
	// person it was made for (formguard.go).
	choice formChoice
}

// newFormView returns an empty subscribe form.
func newFormView(c *common) *formView {
	v := &formView{c: c, on: map[model.Channel]bool{}}
	v.email = v.newInput("name@example.com")
	v.phone = v.newInput("+1 201 555 0123")
	v.off = newOfflineForm(v)
	v.analyse()
	return v
}

// newInput is one of the form's text inputs.
func (v *formView) newInput(placeholder string) textinput.Model {
	return newFormInput(v.c, placeholder)
}

// newFormInput is a text input as the form's fields are: no prompt, the
// placeholder, formInputLimit, the input styles (the form and the guard's
// evidence).
func newFormInput(c *common, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = formInputLimit
	in.SetStyles(c.styles.Input)
	return in
}

// Init focuses Email and reads the account's default list, if there is one.
func (v *formView) Init() tea.Cmd {
	focus := v.setFocus(fieldEmail)
	if v.c.defaultList == "" || v.c.client == nil {
		return focus
	}
	cl, id := v.c.client, v.c.defaultList
	return tea.Batch(focus, v.defaultListRead.start(v.c.ctx, v, func(ctx context.Context) (client.List, error) {
		return cl.List(ctx, id)
	}))
}

// analyse reads both inputs (a new or cleared form); a keystroke analyses
// only the field it changed (updateInput).
func (v *formView) analyse() {
	v.phoneA = v.phoneRules().Analyze(v.phone.Value())
	v.emailA = model.AnalyzeEmail(v.email.Value())
}

// smsBlocked says why SMS toggles cannot be turned on, "" when they can.
func (v *formView) smsBlocked() string {
	a := v.phoneA
	switch {
	case a.SMSEligible:
		return ""
	case a.Status == model.PhoneEmpty:
		return "enter a phone number first"
	case a.Status == model.PhoneIncomplete && !a.RegionRuledOut:
		return "finish the phone number first"
	}
	return "not for this number (see Phone)"
}

// request is what the form asks for now.
func (v *formView) request() model.ConsentRequest {
	r := model.ConsentRequest{Email: v.email.Value(), Phone: v.phone.Value(), Source: present.Source}
	for _, f := range []formField{fieldEmailMarketing, fieldSMSMarketing, fieldSMSTransactional} {
		if ch := toggleChannel[f]; v.on[ch] {
			r.Channels = append(r.Channels, ch)
		}
	}
	if v.list != nil {
		r.ListID = v.list.ID
	}
	r.Offline = v.off.consent()
	v.choice.apply(&r)
	return r
}

// Update routes the submit's and the default list's answers, the picked
// list, a reset for a new entry, keys and typing.
func (v *formView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[changeOutcome]:
		if a, ok := v.submission.accept(msg); ok {
			return v.submitted(a.value)
		}
		return nil
	case guardChoiceMsg:
		return v.guardChosen(msg)
	case answer[evidenceHash]:
		if a, ok := v.off.hashing.accept(msg); ok {
			return v.evidenceHashed(a)
		}
		return nil
	case answer[client.List]:
		a, ok := v.defaultListRead.accept(msg)
		switch {
		case !ok:
		case a.err != nil:
			v.notice = "The account's default list could not be read: " + model.SanitizeText(a.err.Error())
		case v.list == nil:
			l := a.value
			v.list = &l
			v.recheck()
		}
		return nil
	case listPickedMsg:
		l := msg.list
		v.list = &l
		v.recheck()
		return v.setFocus(fieldSubmit)
	case formResetMsg:
		v.email.SetValue("")
		v.phone.SetValue("")
		v.on = map[model.Channel]bool{}
		v.problems, v.notice, v.refused = nil, "", false
		v.region = ""
		v.off.reset()
		v.analyse()
		return v.setFocus(fieldEmail)
	case tea.KeyPressMsg:
		if v.submission.running() {
			if key.Matches(msg, v.c.keys.Back) {
				v.submission.interrupt()
			}
			return nil // input is locked while the request runs
		}
		if v.discarding {
			return v.answerDiscard(msg)
		}
		return v.key(msg)
	case tea.PasteMsg:
		if v.submission.running() || v.discarding {
			return nil // nothing is typed under a request or the prompt
		}
	}
	return v.updateInput(msg)
}

// key handles one key press outside a request.
func (v *formView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back):
		return v.leave()
	case key.Matches(msg, k.Submit):
		return v.submit()
	case key.Matches(msg, k.EnteredLater):
		return v.toggleOffline()
	case key.Matches(msg, k.Next):
		return v.setFocus(v.step(1))
	case key.Matches(msg, k.Prev):
		return v.setFocus(v.step(-1))
	case key.Matches(msg, k.Enter):
		switch v.focus {
		case fieldList:
			return open(newListPicker(v.c, "pick a list", pickForForm))
		case fieldSubmit:
			return v.submit()
		case fieldOffline:
			return v.toggleOffline()
		case fieldEmailMarketing, fieldSMSMarketing, fieldSMSTransactional:
			v.toggle()
			return nil
		}
		return v.setFocus(v.focus + 1)
	case key.Matches(msg, k.ReadAs) && v.regionOffer() != "":
		v.readAs(v.regionOffer())
		return nil
	case key.Matches(msg, k.Toggle) && v.focus == fieldOffline:
		return v.toggleOffline()
	case key.Matches(msg, k.Toggle) && toggleChannel[v.focus] != "":
		v.toggle()
		return nil
	}
	return v.updateInput(msg)
}

// updateInput gives msg to the focused input and analyses its value again
// when it changed (not on a cursor move, nor the other field's value), and
// then re-checks a refused form.
func (v *formView) updateInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch v.focus {
	case fieldEmail:
		before := v.email.Value()
		v.email, cmd = v.email.Update(msg)
		v.notePasteCut(msg, "Email", before, v.email.Value())
		if v.email.Value() != before {
			v.emailA = model.AnalyzeEmail(v.email.Value())
			v.recheck()
		}
	case fieldPhone:
		before := v.phone.Value()
		v.phone, cmd = v.phone.Update(msg)
		v.notePasteCut(msg, "Phone", before, v.phone.Value())
		if v.phone.Value() != before {
			v.phoneA = v.phoneRules().Analyze(v.phone.Value())
			v.recheck()
		}
	default:
		cmd = v.updateOfflineInput(msg)
	}
	return cmd
}

// notePasteCut says so in the notice when a paste into field did not fit
// under the input's limit and was cut (before and after are the field's
// value around it): the end of what was pasted is missing.
func (v *formView) notePasteCut(msg tea.Msg, field, before, after string) {
	p, ok := msg.(tea.PasteMsg)
	if !ok {
		return
	}
	if utf8.RuneCountInString(before)+utf8.RuneCountInString(p.Content) > formInputLimit &&
		utf8.RuneCountInString(after) >= formInputLimit {
		v.notice = fmt.Sprintf("The paste into %s was cut at %d characters: check the end of what you pasted.", field, formInputLimit)
	}
}

// toggle flips the focused consent toggle; an SMS toggle cannot be turned
// on while the number cannot carry SMS consent.
func (v *formView) toggle() {
	ch := toggleChannel[v.focus]
	if ch.IsSMS() && !v.on[ch] {
		if why := v.smsBlocked(); why != "" {
			v.notice = ch.Label() + " is disabled: " + why
			return
		}
	}
	v.on[ch] = !v.on[ch]
	v.notice = ""
	v.recheck()
}

// setFocus moves the focus, focusing or blurring the text inputs.
func (v *formView) setFocus(f formField) tea.Cmd {
	v.focus = f
	v.email.Blur()
	v.phone.Blur()
	cmd := v.off.focusOn(f)
	switch f {
	case fieldEmail:
		return v.email.Focus()
	case fieldPhone:
		return v.phone.Focus()
	}
	return cmd
}

// submit refuses, with every reason, what the request cannot be; otherwise
// sends it and verifies it in the background.
func (v *formView) submit() tea.Cmd {
	if cmd := v.hashEvidence(); cmd != nil {
		return cmd // submit goes on when the file is hashed
	}
	checked, problems := v.check()
	if len(problems) > 0 {
		v.refused = true
		v.showProblems(problems)
		return v.setFocus(fieldFor(problems[0].Field))
	}
	v.problems, v.notice, v.refused = nil, "", false
	v.sending = v.request()
	c, list, people := v.c, v.list, v.choice.known(v.request())
	return v.submission.start(v.c.ctx, v, func(ctx context.Context) (changeOutcome, error) {
		return submitChange(ctx, c, journal.ActionSubscribe, checked, list, people), nil
	})
}

// check is what a submit now would be refused for (the form's own list
// check, then the request's), and the request as it would be sent.
func (v *formView) check() (model.CheckedRequest, []model.Problem) {
	problems := v.listProblems()
	checked, more := v.request().Check(v.phoneRules())
	return checked, append(problems, v.off.mend(more)...)
}

// recheck, once a submit was refused, checks the changed form again, so
// that the problems shown are the ones that remain and the notice says
// when there are none. Before a refusal it does nothing: the live lines
// under Email and Phone guide the typing, and a keystroke costs no more.
func (v *formView) recheck() {
	if !v.refused {
		return
	}
	_, problems := v.check()
	v.showProblems(problems)
}

// showProblems lists problems with their count in the notice, or says the
// form can be sent when there are none.
func (v *formView) showProblems(problems []model.Problem) {
	v.problems = problems
	if len(problems) == 0 {
		v.notice = readyNotice
		return
	}
	v.notice = fmt.Sprintf("Not sent: %d %s to fix.", len(problems), present.Plural(len(problems), "thing", "things"))
}

// readyNotice replaces a refusal once everything it named is fixed.
const readyNotice = "Ready to send: ctrl+s submits."

// listProblems: the form subscribes through a list, so one must be picked.
func (v *formView) listProblems() []model.Problem {
	if v.list == nil {
		return []model.Problem{{Field: "list", Reason: "pick a list (enter on List)"}}
	}
	return nil
}

// submitted shows the result of a submit, or stays on the form, with
// everything typed, when it was cancelled.
func (v *formView) submitted(out changeOutcome) tea.Cmd {
	if out.Sent {
		v.sent, v.hasSent = v.sending, true
	}
	if out.Cancelled() {
		v.notice = cancelledNotice
		return nil
	}
	if desk.IsGuardRefusal(out.Err) {
		return open(newGuardView(v.c, out))
	}
	return open(newResultView(v.c, out))
}

// View is the form in its window of lines (viewport): the focused field
// and the summary of a refusal stay on screen.
func (v *formView) View() string { return v.vp.render(v.body(), v.height, v.c.styles) }

// formIndent is where the fields' values and live lines start; in a narrow
// window the live lines go under the label instead, so that they keep
// room to wrap.
const (
	formIndent       = 20
	formNarrowIndent = 4
	formMinLineWidth = 16
)

// body is the fields in tab order, each input's live line under it; the
// running request, the notice and the problems of a refused submit are
// pinned under them. The focused field's lines (its live line with it)
// are the focus; the discard prompt is, while it asks.
func (v *formView) body() body {
	s := v.c.styles
	var b body
	indent := formIndent
	if v.width-indent < formMinLineWidth {
		indent = formNarrowIndent
	}
	lineWidth := max(v.width-indent, 1)
	line := func(f formField, label, value string) span {
		marker := "  "
		if v.focus == f && !v.submission.running() {
			marker = s.Key.Render("› ")
			label = s.Label.Render(fmt.Sprintf("%-18s", label))
		} else {
			label = fmt.Sprintf("%-18s", label)
		}
		// A value wider than its room (a disabled toggle's reason, a
		// list's name) wraps under itself, its styles kept.
		value = strings.ReplaceAll(lipgloss.Wrap(value, max(v.width-formIndent, 1), ""), "\n", "\n"+strings.Repeat(" ", formIndent))
		return b.add(marker + label + value)
	}
	under := func(text string) span {
		pad := strings.Repeat(" ", indent)
		return b.add(pad + strings.ReplaceAll(text, "\n", "\n"+pad))
	}
	focus := func(f formField, sp span) {
		if v.focus == f && !v.discarding {
			b.focus = sp
		}
	}

	if v.discarding {
		// On top; the form moves down under it until it is answered.
		b.focus = b.add(v.discardPrompt())
		b.add("")
	}
	sp := line(fieldEmail, "Email", v.email.View())
	if strings.TrimSpace(v.email.Value()) != "" {
		sp.end = under(renderEmailLine(v.emailA, s, lineWidth)).end
	}
	focus(fieldEmail, sp)
	sp = line(fieldPhone, "Phone", v.phone.View())
	sp.end = under(renderPhoneLine(v.phoneA, v.request().SendsEmail(), s, lineWidth)).end
	if offer := v.regionOffer(); offer != "" {
		sp.end = under(s.Muted.Render(wrap(fmt.Sprintf("ctrl+r reads it as a number of %s (%s)", model.CountryInSentence(offer), offer), lineWidth))).end
	}
	focus(fieldPhone, sp)
	for _, f := range []formField{fieldEmailMarketing, fieldSMSMarketing, fieldSMSTransactional} {
		focus(f, line(f, toggleChannel[f].Label(), v.toggleView(toggleChannel[f])))
	}
	focus(fieldList, line(fieldList, "List", v.listView()))
	v.offlineBody(line, under, focus, lineWidth)
	submit := "[ Submit ]"
	if v.focus == fieldSubmit {
		submit = s.Key.Render(submit)
	}
	focus(fieldSubmit, line(fieldSubmit, "", submit+s.Muted.Render("  ctrl+s")))
	var pinned []string
	if v.submission.running() {
		pinned = append(pinned, strings.Split(s.Pending.Render(wrap("Sending, then reading the profile back… (esc cancels)", v.width)), "\n")...)
	}
	if v.notice != "" {
		pinned = append(pinned, strings.Split(s.Pending.Render(wrap(v.notice, v.width)), "\n")...)
	}
	for _, p := range v.problems {
		pinned = append(pinned, strings.Split(s.Bad.Render(indentWrap("✗ "+p.Field+": "+p.Reason, v.width-2, 2)), "\n")...)
	}
	b.pinned = pinned
	return b
}

// Title names the view in the status line.
func (v *formView) Title() string { return "subscribe" }

// Busy says what the view waits on.
func (v *formView) Busy() string {
	if v.submission.running() {
		return "submitting"
	}
	return ""
}

// EscIsMine: while a request runs, esc cancels it instead of leaving; while
// the form holds unsent input, esc asks before discarding it; and esc
// answers that question No.
func (v *formView) EscIsMine() bool { return v.submission.running() || v.discarding || v.unsent() }

// CapturesText: in the Email and Phone fields, letters are typed; while the
// discard prompt shows, every key is its answer.
func (v *formView) CapturesText() bool {
	return v.discarding || v.focus == fieldEmail || v.focus == fieldPhone || isOfflineInput(v.focus)
}

// SetSize sets the width the view renders to and its inputs' widths.
func (v *formView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.email.SetWidth(max(width-22, 10))
	v.phone.SetWidth(max(width-22, 10))
	v.off.setWidth(max(width-22, 10))
}

// ShortHelp is the footer: the keys of the focused field, the discard
// question's, or cancel while a submit runs.
func (v *formView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.submission.running():
		return []key.Binding{k.Cancel, k.Quit}
	case v.discarding:
		return v.discardHelp()
	}
	switch v.focus {
	case fieldEmailMarketing, fieldSMSMarketing, fieldSMSTransactional, fieldOffline:
		return []key.Binding{k.Toggle, k.Next, k.Submit, k.EnteredLater, k.Back, k.Help}
	case fieldList:
		return []key.Binding{k.PickList, k.EnteredLater, k.Next, k.Submit, k.Back, k.Help}
	case fieldSubmit:
		return []key.Binding{k.SubmitButton, k.EnteredLater, k.Prev, k.Back, k.Help}
	}
	if v.regionOffer() != "" {
		return []key.Binding{k.ReadAs, k.Next, k.Submit, k.Back}
	}
	return []key.Binding{k.Next, k.Prev, k.Submit, k.EnteredLater, k.Back}
}

// FullHelp is every key of the form.
func (v *formView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.discarding {
		return [][]key.Binding{v.discardHelp(), {k.Quit}}
	}
	return [][]key.Binding{{k.Next, k.Prev, k.Toggle}, {k.Enter, k.Submit, k.EnteredLater}, {k.Back, k.Quit}}
}

// plural is one when n is 1, else many.
