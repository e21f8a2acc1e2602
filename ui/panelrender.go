package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// View is the panel at width: the prompt or outcome of an unsubscribe, the
// consent card, then the lists when they were asked for.
func (p *profilePanel) View(width int) string { return strings.Join(p.body(width).lines, "\n") }

// body is the panel as lines for a viewport. Its focus is what asks or
// answers the agent (statusView: a step of an unsubscribe, its outcome, a
// notice) and, while a channel is being chosen, the channel under the
// cursor.
func (p *profilePanel) body(width int) body {
	s := p.c.styles
	var b body
	var status span
	if top := p.statusView(width); top != "" {
		status = b.add(top)
		b.focus = status
	}
	var choice *cardChoice
	if p.mode != panelIdle {
		choice = &cardChoice{cursor: p.cursor, selectable: p.canChoose, chosen: p.mode != panelChoosing}
	}
	if p.profile.Subscriptions == nil {
		b.add(renderConsentCard(p.profile, s, width, choice))
	} else {
		for _, ch := range model.Channels {
			sp := b.add(renderChannel(p.profile.Subscriptions.Channel(ch), s, width, choice))
			if p.mode == panelChoosing && ch == p.cursor {
				b.focus = span{sp.first, sp.first + 1} // its label, and the rows under it that fit
				b.context = status                     // the question, when it fits too
			}
		}
	}
	if lists := p.listsView(width); lists != "" && p.mode != panelScoping {
		b.add(lists)
	}
	return b
}

// statusView is what is above the card: the step of an unsubscribe being
// prepared or sent, its outcome, or the last notice.
func (p *profilePanel) statusView(width int) string {
	s := p.c.styles
	switch p.mode {
	case panelChoosing:
		q := "Unsubscribe which channel?"
		if why := p.notOffered(); why != "" {
			q += " (Not offered: " + why + ".)"
		}
		return s.Label.Render(wrap(q, width))
	case panelScoping:
		return p.scopeView(width)
	case panelConfirming:
		return s.Pending.Render(wrap(p.question(), width))
	case panelSending:
		return s.Pending.Render(wrap(fmt.Sprintf("Unsubscribing %s from %s %s, then reading the profile back… (esc cancels)",
			p.person(p.cursor), p.cursor.Label(), p.scopeWords()), width))
	}
	var lines []string
	if p.outcome != nil {
		lines = append(lines, renderChangeOutcome(*p.outcome, s, width))
	}
	if p.refreshErr != nil {
		lines = append(lines, s.Pending.Render(wrap("The card could not be read again: "+model.SanitizeText(p.refreshErr.Error()), width)))
	}
	if p.notice != "" {
		style := s.Pending
		if p.problem {
			style = s.Bad
		}
		lines = append(lines, style.Render(wrap(p.notice, width)))
	}
	return strings.Join(lines, "\n")
}

// question is the confirmation of the unsubscribe: who, which channel,
// where; No unless y.
func (p *profilePanel) question() string {
	q := fmt.Sprintf("Unsubscribe %s from %s %s?", p.person(p.cursor), p.cursor.Label(), p.scopeWords())
	if p.list != nil {
		q += " Klaviyo takes them off that list as it records the unsubscribe."
	}
	return q + " y/N"
}

// scopeWords is where the unsubscribe applies, in words.
func (p *profilePanel) scopeWords() string {
	if p.list == nil {
		return "on the whole account"
	}
	return fmt.Sprintf("through list %s (%s)", model.SanitizeText(p.list.Name), model.SanitizeText(p.list.ID))
}

// person names the profile for a confirmation: its name, with the
// identifier the channel is unsubscribed for ("James Walker (+1
// 617-547-5595)"), or the identifier alone.
func (p *profilePanel) person(ch model.Channel) string {
	id := model.SanitizeText(p.profile.Email)
	if ch.IsSMS() {
		id = model.SanitizeText(p.profile.PhoneNumber)
		if a := p.c.rules.Analyze(id); a.Valid {
			id = a.Formatted
		}
	}
	name := model.SanitizeShort(p.profile.Name(), 60)
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

// personName names the profile: its name, else its email or number.
func (p *profilePanel) personName() string {
	for _, s := range []string{p.profile.Name(), p.profile.Email, p.profile.PhoneNumber} {
		if s = model.SanitizeShort(s, 60); s != "" {
			return s
		}
	}
	return model.SanitizeText(p.profile.ID)
}

// notOffered says which channels cannot be unsubscribed and why, "" when
// every one can.
func (p *profilePanel) notOffered() string {
	var parts []string
	for _, ch := range model.Channels {
		if why := p.whyNot(ch); why != "" {
			parts = append(parts, ch.Label()+": "+why)
		}
	}
	return strings.Join(parts, "; ")
}

// scopeView is the choice of where to unsubscribe: the whole account, or
// one of the lists the profile is on (Klaviyo unsubscribes a person on the
// whole account through a list they are not on, so only theirs are
// offered).
func (p *profilePanel) scopeView(width int) string {
	s := p.c.styles
	lines := []string{s.Label.Render(wrap("Unsubscribe "+p.cursor.Label()+" where?", width))}
	option := func(i int, text string) {
		marker := "  "
		if i == p.scope {
			marker = s.Key.Render("› ")
			text = s.Label.Render(text)
		}
		lines = append(lines, marker+text)
	}
	option(0, indentWrap("on the whole account", max(width-2, 1), 2))
	for i, l := range p.lists {
		option(i+1, indentWrap(fmt.Sprintf("through list %s (%s), taking them off it", model.SanitizeText(l.Name), model.SanitizeText(l.ID)), max(width-2, 1), 2))
	}
	switch {
	case p.listsReq.running():
		lines = append(lines, s.Muted.Render("  loading the lists the profile is on…"))
	case p.listsErr != nil:
		lines = append(lines, s.Bad.Render(wrap("✗ The profile's lists could not be read: "+model.SanitizeText(p.listsErr.Error()), width)))
	case p.listsShown && len(p.lists) == 0:
		lines = append(lines, s.Muted.Render(wrap("  (the profile is on no list)", width)))
	}
	return strings.Join(lines, "\n")
}

// listsView is the lists the profile is on, once asked for.
func (p *profilePanel) listsView(width int) string {
	s := p.c.styles
	switch {
	case p.listsReq.running():
		return s.Muted.Render("Loading the lists…")
	case p.listsErr != nil:
		return s.Bad.Render(wrap("✗ Lists: "+model.SanitizeText(p.listsErr.Error()), width))
	case !p.listsShown:
		return ""
	case len(p.lists) == 0:
		return "On no lists."
	}
	names := make([]string, len(p.lists))
	for i, l := range p.lists {
		names[i] = fmt.Sprintf("%s (%s, %s)", model.SanitizeText(l.Name), model.SanitizeText(l.ID), l.OptInName())
	}
	head := fmt.Sprintf("On %d %s: ", len(p.lists), present.Plural(len(p.lists), "list", "lists"))
	return wrap(head+strings.Join(names, " · "), width)
}

// ShortHelp is the panel's keys in its current mode, the one that does
// the step first (a narrow footer drops bindings from the right); idle is
// what the panel adds to its view's keys.
func (p *profilePanel) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.mode == panelChoosing:
		return []key.Binding{k.ChooseChannel, k.Up, k.Down, k.Cancel}
	case p.mode == panelScoping:
		return []key.Binding{k.ChooseScope, k.Up, k.Down, k.Cancel}
	case p.mode == panelConfirming:
		return []key.Binding{k.Yes, k.AnyOtherKeyNo}
	case p.mode == panelSending:
		return []key.Binding{k.Cancel}
	case p.listsReq.running():
		return []key.Binding{k.Unsubscribe, k.Cancel}
	}
	return []key.Binding{relabel(k.Lists, "lists"), relabel(k.Unsubscribe, "unsubscribe")}
}

// FullHelp is the panel's keys with their full descriptions, idle.
func (p *profilePanel) FullHelp() []key.Binding {
	if !p.idle() {
		return p.ShortHelp()
	}
	k := p.c.keys
	return []key.Binding{k.Lists, k.Unsubscribe, k.Copy, k.CopyCard, k.SubscribePerson}
}
