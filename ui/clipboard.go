package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/model"
)

// cardTextWidth is the width a card is laid out at when copied as text.
const cardTextWidth = 78

// The values of a card that y copies: the one the card is focused on.
const (
	focusID    = "id"
	focusEmail = "email"
	focusPhone = "phone"
)

// copyToClipboard is the command that puts text on the terminal's
// clipboard. tea.SetClipboard writes OSC 52, which the terminal (not this
// machine) acts on, so it works over SSH in terminals that allow it.
func copyToClipboard(text string) tea.Cmd { return tea.SetClipboard(text) }

// focusedValue is the value y copies from the card and what it is: the
// identifier the card was found by (the check's email or E.164 number),
// else the profile id. An identifier the profile lacks falls back to the
// id.
func (p *profilePanel) focusedValue() (value, what string) {
	switch p.focus {
	case focusEmail:
		if p.profile.Email != "" {
			return model.SanitizeText(p.profile.Email), "email address"
		}
	case focusPhone:
		if p.profile.PhoneNumber != "" {
			return model.SanitizeText(p.profile.PhoneNumber), "phone number"
		}
	}
	return model.SanitizeText(p.profile.ID), "profile id"
}

// cardText is the profile's summary and consent card as plain text, as the
// card shows them (no colours, no trailing spaces).
func (p *profilePanel) cardText() string {
	text := ansi.Strip(p.summary(cardTextWidth, true) + "\n\n" + renderConsentCard(p.profile, p.c.styles, cardTextWidth, nil))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// askedForKey handles the idle card's keys agents asked for: y copies the
// focused value, Y the whole card, s opens the subscribe form filled in
// with the person's email and phone. handled is false for other keys.
func (p *profilePanel) askedForKey(msg tea.KeyPressMsg) (cmd tea.Cmd, handled bool) {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Copy):
		value, what := p.focusedValue()
		p.outcome, p.refreshErr = nil, nil
		p.setNotice("Copied the "+what+" "+value+" to the clipboard.", false)
		return copyToClipboard(value), true
	case key.Matches(msg, k.CopyCard):
		p.outcome, p.refreshErr = nil, nil
		p.setNotice("Copied "+p.personName()+"'s card to the clipboard.", false)
		return copyToClipboard(p.cardText()), true
	case key.Matches(msg, k.SubscribePerson):
		return open(newFormViewFor(p.c, p.profile.Email, p.profile.PhoneNumber)), true
	}
	return nil, false
}

// newFormViewFor is the subscribe form with a person's email and phone
// filled in: the agent still chooses the channels and the list, and
// nothing is sent but by the form's own submit.
func newFormViewFor(c *common, email, phone string) *formView {
	v := newFormView(c)
	v.email.SetValue(model.SanitizeText(email))
	v.phone.SetValue(model.SanitizeText(phone))
	v.analyse()
	filled := v.request()
	v.filled = &filled
	return v
}
