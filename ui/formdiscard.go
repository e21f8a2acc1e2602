package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/model"
)

// The subscribe form's guard on leaving: esc on a form that holds unsent
// input asks "Discard this entry (…)? y/N" instead of going back, and
// AtRisk tells the root what quitting would lose.

// discardQuoteLimit bounds each value the discard prompt quotes.
const discardQuoteLimit = 40

// unsent reports whether the form holds input the agent would lose by
// leaving: an email or phone typed, or a consent toggle on, that is not the
// entry Klaviyo last accepted from this form. A list chosen alone (the
// account's default list, or one kept for a new entry) is not input.
func (v *formView) unsent() bool {
	r := v.request()
	if strings.TrimSpace(r.Email) == "" && strings.TrimSpace(r.Phone) == "" && len(r.Channels) == 0 {
		return false
	}
	if v.filled != nil && sameEntry(r, *v.filled) {
		return false // as it was opened: the agent typed nothing
	}
	return !v.hasSent || !sameEntry(r, v.sent)
}

// sameEntry reports whether two of the form's requests ask for the same
// thing, as typed.
func sameEntry(a, b model.ConsentRequest) bool {
	return a.Email == b.Email && a.Phone == b.Phone && a.ListID == b.ListID && slices.Equal(a.Channels, b.Channels) &&
		(a.Offline == nil) == (b.Offline == nil) && (a.Offline == nil || *a.Offline == *b.Offline)
}

// leave goes back, or, when that would throw away unsent input, asks first.
func (v *formView) leave() tea.Cmd {
	if v.unsent() {
		v.discarding = true
		v.discardQuestion.open(v.c.now())
		return nil
	}
	return back
}

// answerDiscard takes the key that answers the discard prompt: y (once the
// prompt could be read: question) discards the entry and goes back; any
// other key (n, esc, enter, a letter, a y typed ahead) is No and leaves the
// form as it was, the key typed into nothing.
func (v *formView) answerDiscard(msg tea.KeyPressMsg) tea.Cmd {
	v.discarding = false
	yes, tooSoon := v.discardQuestion.answer(msg, v.c.keys.Yes, v.c.now())
	switch {
	case yes:
		return back
	case tooSoon:
		v.notice = "Not discarded." + tooSoonNotice
	}
	return nil
}

// discardPrompt is the question esc asks, naming what would be lost.
func (v *formView) discardPrompt() string {
	q := "Discard this entry (" + v.entrySummary() + ")? y/N"
	return v.c.styles.Pending.Render(wrap(q, max(v.width, 20)))
}

// entrySummary names the entry: its email and phone as typed, or, with
// neither, the consent toggles that are on.
func (v *formView) entrySummary() string {
	var parts []string
	for _, in := range []string{v.email.Value(), v.phone.Value()} {
		if in = strings.TrimSpace(in); in != "" {
			parts = append(parts, model.SanitizeShort(in, discardQuoteLimit))
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, ", ")
	}
	for _, ch := range v.request().Channels {
		parts = append(parts, ch.Label())
	}
	return strings.Join(parts, ", ") + " on"
}

// discardHelp is the footer while the discard prompt shows.
func (v *formView) discardHelp() []key.Binding {
	return []key.Binding{v.c.keys.DiscardEntry, v.c.keys.KeepEditing}
}

// AtRisk says what quitting now would lose or leave unfinished: "a
// subscribe being sent" while a submit runs, "an unsent entry in the
// subscribe form" while the form holds unsent input, "" when nothing.
func (v *formView) AtRisk() string {
	switch {
	case v.submission.running():
		return "a subscribe being sent"
	case v.unsent():
		return "an unsent entry in the subscribe form"
	}
	return ""
}
