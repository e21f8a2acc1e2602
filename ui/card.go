package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// The consent card's layout: a two-column gutter for the choice marker, the
// channel label, then the channel's facts. Below cardWideEnough the facts go
// under the label instead of beside it.
const (
	cardGutter       = 2
	cardLabelWidth   = 19
	cardWideEnough   = 56
	cardNarrowIndent = 4
)

// renderProfileSummary is who a profile is: name and id, then email and
// phone (formatted, with its region: present.DescribePhone). With
// phoneVerdict, a number that cannot take SMS consent says why.
func renderProfileSummary(p client.Profile, phone present.Phone, s *styles, width int, phoneVerdict bool) string {
	name := model.SanitizeText(p.Name())
	if name == "" {
		name = "(no name)"
	}
	var lines []string
	lines = append(lines, s.Label.Render(name)+s.Muted.Render(" · "+model.SanitizeText(p.ID)))
	var facts []string
	if p.Email != "" {
		facts = append(facts, model.SanitizeText(p.Email))
	}
	if phone.Text != "" {
		facts = append(facts, phone.Text)
	}
	if len(facts) == 0 {
		facts = append(facts, "no email or phone on the profile")
	}
	lines = append(lines, strings.Join(facts, " · "))
	if phoneVerdict && phone.NotEligible != "" {
		lines = append(lines, s.Bad.Render("✗ "+phone.NotEligible))
	}
	return lipgloss.NewStyle().Width(max(width, 1)).Render(strings.Join(lines, "\n"))
}

// cardChoice marks the consent card's rows while a channel is being chosen:
// the channel under the cursor, and which channels can be chosen at all.
type cardChoice struct {
	cursor     model.Channel
	selectable func(model.Channel) bool
	// chosen is set once the channel is chosen (the next step has the
	// cursor): it is marked "•", not "›".
	chosen bool
}

// renderConsentCard is one profile's consent, a block per channel: state,
// whether Klaviyo can send on it, since when, by which method and detail,
// and any suppressions. All API text is sanitised. choice is nil unless a
// channel is being chosen.
func renderConsentCard(p client.Profile, s *styles, width int, choice *cardChoice) string {
	if p.Subscriptions == nil {
		return s.Muted.Render("Klaviyo sent no subscriptions for this profile.")
	}
	blocks := make([]string, 0, len(model.Channels))
	for _, ch := range model.Channels {
		blocks = append(blocks, renderChannel(p.Subscriptions.Channel(ch), s, width, choice))
	}
	return strings.Join(blocks, "\n")
}

// renderChannel is one channel's block of the consent card.
func renderChannel(cc model.ChannelConsent, s *styles, width int, choice *cardChoice) string {
	marker, label := strings.Repeat(" ", cardGutter), cc.Channel.Label()
	labelStyle := s.Label
	if choice != nil {
		switch {
		case choice.cursor == cc.Channel && choice.chosen:
			marker, labelStyle = s.Key.Render("• "), s.Key.Bold(true)
		case choice.cursor == cc.Channel:
			marker, labelStyle = s.Key.Render("› "), s.Key.Bold(true)
		case !choice.selectable(cc.Channel):
			labelStyle = s.Muted
		}
	}
	if width < cardWideEnough {
		body := wrapFactLines(channelFacts(cc, s), max(width-cardNarrowIndent, 1))
		return marker + labelStyle.Render(label) + "\n" + indentBlock(body, cardNarrowIndent)
	}
	head := marker + labelStyle.Render(label)
	head += strings.Repeat(" ", max(cardLabelWidth+cardGutter-lipgloss.Width(head), 1))
	body := wrapFactLines(channelFacts(cc, s), width-lipgloss.Width(head))
	return lipgloss.JoinHorizontal(lipgloss.Top, head, body)
}

// factSeparator separates the facts on one line of the card.
const factSeparator = " · "

// wrapFactLines renders lines of facts to width: the facts of a line are
// joined by factSeparator and wrapped between facts, so that a date or a
// state is never broken; only a fact wider than width is wrapped inside.
func wrapFactLines(lines [][]string, width int) string {
	sep := lipgloss.Width(factSeparator)
	out := make([]string, 0, len(lines))
	for _, facts := range lines {
		line, lineWidth := "", 0
		for _, f := range facts {
			w := lipgloss.Width(f)
			switch {
			case line == "":
				line, lineWidth = f, w
			case lineWidth+sep+w <= width:
				line, lineWidth = line+factSeparator+f, lineWidth+sep+w
			default:
				out = append(out, line)
				line, lineWidth = f, w
			}
		}
		out = append(out, line)
	}
	return lipgloss.NewStyle().Width(max(width, 1)).Render(strings.Join(out, "\n"))
}

// channelFacts are the lines of one channel's facts (present.ChannelFacts),
// each a list of facts: the state line, then how consent was given and any
// suppressions, styled by what they mean.
func channelFacts(cc model.ChannelConsent, s *styles) [][]string {
	f := present.ChannelFacts(cc)
	state := f.State
	switch cc.Consent {
	case model.Subscribed:
		state = s.Good.Render(state)
	case model.Unsubscribed:
		state = s.Bad.Render(state)
	default:
		state = s.Muted.Render(state)
	}
	first := []string{state}
	if f.CanReceive {
		first = append(first, s.Good.Render("✓ can receive"))
	} else {
		first = append(first, s.Bad.Render("✗ cannot receive"))
	}
	if f.Since != "" {
		first = append(first, f.Since)
	}
	if !cc.Present {
		first = append(first, s.Muted.Render("not on the profile"))
	}
	lines := [][]string{first}
	if len(f.How) > 0 {
		lines = append(lines, styleAll(s.Muted, f.How))
	}
	if f.OptOut != "" {
		lines = append(lines, []string{s.Bad.Render(f.OptOut)})
	}
	if len(f.Suppressions) > 0 {
		lines = append(lines, styleAll(s.Pending, f.Suppressions))
	}
	return lines
}

// styleAll renders every fact with style.
func styleAll(style lipgloss.Style, facts []string) []string {
	out := make([]string, len(facts))
	for i, f := range facts {
		out[i] = style.Render(f)
	}
	return out
}

// indentBlock indents every line of block by n spaces.
func indentBlock(block string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(block, "\n", "\n"+pad)
}

// cancelledNotice is what a change cancelled while it ran says.
const cancelledNotice = "You cancelled it. It may or may not have reached Klaviyo: History has it as pending, to retry."

// renderChangeOutcome is what came of a subscribe or unsubscribe, a line per
// channel, or the API's error verbatim (sanitised).
func renderChangeOutcome(out changeOutcome, s *styles, width int) string {
	if out.Cancelled() {
		return s.Pending.Render(wrap(cancelledNotice, width))
	}
	var lines []string
	for _, ch := range out.Verification.Channels {
		lines = append(lines, channelOutcomeLine(ch, s, width))
	}
	if out.Err != nil {
		lines = append(lines, outcomeErrorLine(out, s, width))
	}
	if out.JournalErr != nil {
		lines = append(lines, journalErrorLine(out, s, width))
	}
	return strings.Join(lines, "\n")
}

// journalErrorLine says that the journal could not record what came of a
// change: History may show an older state of it.
func journalErrorLine(out changeOutcome, s *styles, width int) string {
	return s.Bad.Render(wrap("✗ The journal could not record what came of this: "+model.SanitizeText(out.JournalErr.Error())+
		". History may show it as it was before; free some disk space, then retry it from History.", width))
}

// outcomeErrorLine is an outcome's error, verbatim (sanitised), said as
// what it means for the change, by the state it leaves the entry in:
// refused (nothing changed; not retried), not sent (retried from History),
// not confirmed (it may have arrived: History checks before resending), or
// accepted and not verified (History reads it back again).
func outcomeErrorLine(out changeOutcome, s *styles, width int) string {
	text := model.SanitizeText(out.ErrText())
	switch {
	case len(out.Verification.Channels) > 0:
		return s.Bad.Render(wrap(text, width))
	case out.Sent:
		return s.Pending.Render(wrap("… Accepted by Klaviyo, not verified: reading the profile back did not finish. "+text+". History has it as accepted, to read back again.", width))
	}
	switch out.State() {
	case StateRefused:
		return s.Bad.Render(wrap("✗ Refused: nothing was changed. "+text, width))
	case StatePending:
		return s.Pending.Render(wrap("… Not confirmed: it may or may not have reached Klaviyo. "+text+". History has it as pending: a retry checks the profile before sending again.", width))
	}
	return s.Bad.Render(wrap("✗ Not sent. "+text+". History has it as failed, to retry.", width))
}

// channelOutcomeLine is one channel's outcome after a change
// (present.Outcome), styled by its tone; a channel verified SUBSCRIBED
// that Klaviyo cannot send to says so under it, and why.
func channelOutcomeLine(ch client.ChannelResult, s *styles, width int) string {
	text, tone := present.Outcome(ch)
	mark, rest, _ := strings.Cut(text, " ") // "✓ Email marketing: verified …"
	line := toneStyle(s, tone).Render(wrap(mark+" "+ch.Channel.Label()+": "+rest, width))
	if w := present.Warning(ch); w != "" {
		line += "\n" + s.Bad.Render(wrap(w, width))
	}
	return line
}

// toneStyle is the style of an outcome's tone.
func toneStyle(s *styles, t present.Tone) lipgloss.Style {
	switch t {
	case present.Good:
		return s.Good
	case present.Waiting:
		return s.Pending
	}
	return s.Bad
}
