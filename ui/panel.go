package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// panelMode is what a profile panel is doing besides showing the card.
type panelMode int

// The modes of a profile panel.
const (
	panelIdle       panelMode = iota
	panelChoosing             // choosing the channel to unsubscribe
	panelConfirming           // asking y/n before sending
	panelSending              // the unsubscribe and its read-back are running
)

// panelListsMsg answers a panel's request (seq) for the profile's lists.
type panelListsMsg struct {
	panel *profilePanel
	seq   int
	lists []client.List
	err   error
}

// panelUnsubscribedMsg is what came of a panel's unsubscribe (seq), with
// the profile read again to refresh the card.
type panelUnsubscribedMsg struct {
	panel      *profilePanel
	seq        int
	out        changeOutcome
	fresh      *client.Profile
	refreshErr error
}

// profilePanel is one profile's consent card and what can be done from it,
// shared by the check and profile views: the lists it is on (on request,
// since Klaviyo allows 3 such calls a second) and an unsubscribe of one
// channel, chosen on the card and confirmed with y/n. Answers carry the
// panel and a sequence number, so one for another panel or an outdated
// request is dropped.
type profilePanel struct {
	c       *common
	profile client.Profile
	mode    panelMode
	// cursor is the channel under the cursor while choosing, and the
	// chosen one while confirming and sending.
	cursor  model.Channel
	request model.CheckedRequest
	// notice is one line about the last thing refused or cancelled.
	notice  string
	problem bool
	outcome *changeOutcome
	// refreshErr is set when the card could not be read again after an
	// unsubscribe.
	refreshErr error
	lists      []client.List
	listsShown bool
	listsErr   error
	// listsReq and unsubReq are the two kinds of request a panel makes;
	// they run independently.
	listsReq inflight
	unsubReq inflight
	// phone is the profile's number as read for phoneOf, kept so that a
	// frame does not parse it again.
	phone   profilePhone
	phoneOf string
}

// summary is the profile's summary (renderProfileSummary), its phone
// number read once per number rather than per frame.
func (p *profilePanel) summary(width int, phoneVerdict bool) string {
	if p.phoneOf != p.profile.PhoneNumber { // "" reads as no number: nothing to keep
		p.phone, p.phoneOf = describeProfilePhone(p.profile.PhoneNumber, p.c.rules), p.profile.PhoneNumber
	}
	return renderProfileSummary(p.profile, p.phone, p.c.styles, width, phoneVerdict)
}

// newProfilePanel returns an idle panel for p.
func newProfilePanel(c *common, p client.Profile) *profilePanel {
	return &profilePanel{c: c, profile: p}
}

// Busy says what the panel is waiting on, "" when nothing.
func (p *profilePanel) Busy() string {
	switch {
	case p.mode == panelSending:
		return "unsubscribing, then reading the profile back"
	case p.listsReq.running():
		return "loading the profile's lists"
	}
	return ""
}

// EscIsMine reports whether esc cancels something of the panel's: a choice,
// a confirmation or a request.
func (p *profilePanel) EscIsMine() bool { return p.mode != panelIdle || p.listsReq.running() }

// Update handles the panel's answers and keys; handled is false for a key
// the panel leaves to its view.
func (p *profilePanel) Update(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case panelListsMsg:
		if p.listsReq.answers(msg.seq) {
			p.listsLoaded(msg)
		}
		return nil, true
	case panelUnsubscribedMsg:
		if p.unsubReq.answers(msg.seq) {
			p.unsubscribed(msg)
		}
		return nil, true
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil, false
}

// key handles a key press according to the panel's mode.
func (p *profilePanel) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.c.keys
	switch p.mode {
	case panelSending:
		if key.Matches(msg, k.Back) {
			p.cancelUnsubscribe()
		}
		return nil, true // nothing else while the request runs
	case panelChoosing:
		return p.chooseKey(msg), true
	case panelConfirming:
		switch {
		case key.Matches(msg, k.Yes):
			return p.send(), true
		case key.Matches(msg, k.No):
			p.mode = panelIdle
			p.setNotice("Not unsubscribed: nothing was sent.", false)
		}
		return nil, true
	}
	switch {
	case key.Matches(msg, k.Back) && p.listsReq.running():
		p.listsReq.abandon()
		p.setNotice("Stopped loading the lists.", false)
		return nil, true
	case key.Matches(msg, k.Lists):
		return p.loadLists(), true
	case key.Matches(msg, k.Unsubscribe):
		p.startChoosing()
		return nil, true
	}
	return nil, false
}

// chooseKey moves between the channels that can be unsubscribed, picks one,
// or cancels.
func (p *profilePanel) chooseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.keys
	choices := p.choices()
	i := max(slices.Index(choices, p.cursor), 0)
	switch {
	case key.Matches(msg, k.Back):
		p.mode = panelIdle
		p.setNotice("Not unsubscribed: nothing was sent.", false)
	case key.Matches(msg, k.Up):
		p.cursor = choices[max(i-1, 0)]
	case key.Matches(msg, k.Down):
		p.cursor = choices[min(i+1, len(choices)-1)]
	case key.Matches(msg, k.Enter):
		p.confirm()
	}
	return nil
}

// choices are the channels this profile has an identifier for: email for
// email marketing, a phone number for the SMS channels.
func (p *profilePanel) choices() []model.Channel {
	var out []model.Channel
	for _, ch := range model.Channels {
		if p.canChoose(ch) {
			out = append(out, ch)
		}
	}
	return out
}

// canChoose reports whether ch can be unsubscribed for this profile.
func (p *profilePanel) canChoose(ch model.Channel) bool {
	if ch.IsSMS() {
		return p.profile.PhoneNumber != ""
	}
	return p.profile.Email != ""
}

// startChoosing enters the choice of a channel, with the cursor on the
// first one that is subscribed.
func (p *profilePanel) startChoosing() {
	choices := p.choices()
	if len(choices) == 0 {
		p.setNotice("This profile has no email address or phone number to unsubscribe.", true)
		return
	}
	p.cursor = choices[0]
	for _, ch := range choices {
		if p.profile.Subscriptions.Channel(ch).Consent == model.Subscribed {
			p.cursor = ch
			break
		}
	}
	p.mode, p.notice, p.outcome, p.refreshErr = panelChoosing, "", nil, nil
}

// unsubscribeRequest is the request revoking one channel of this profile,
// checked with the account's rules.
func (p *profilePanel) unsubscribeRequest(ch model.Channel) (model.CheckedRequest, []model.Problem) {
	r := model.ConsentRequest{Channels: []model.Channel{ch}, Source: changeSource}
	if ch.IsSMS() {
		r.Phone = p.profile.PhoneNumber
	} else {
		r.Email = p.profile.Email
	}
	return r.Check(p.c.rules)
}

// confirm checks the chosen channel's request and asks for confirmation,
// or says why it cannot be sent.
func (p *profilePanel) confirm() {
	req, problems := p.unsubscribeRequest(p.cursor)
	if len(problems) > 0 {
		p.mode = panelIdle
		p.setNotice("Cannot unsubscribe "+p.cursor.Label()+": "+model.SanitizeText(model.JoinProblems(problems)), true)
		return
	}
	p.request, p.mode = req, panelConfirming
}

// who is the identifier an unsubscribe is sent for.
func (p *profilePanel) who() string {
	if p.request.Phone != "" {
		return p.request.Phone
	}
	return p.request.Email
}

// send unsubscribes the confirmed channel through submitChange, then reads
// the profile again for the card.
func (p *profilePanel) send() tea.Cmd {
	ctx, seq := p.unsubReq.begin(p.c.ctx)
	p.mode = panelSending
	panel, c, req, id := p, p.c, p.request, p.profile.ID
	return func() tea.Msg {
		msg := panelUnsubscribedMsg{panel: panel, seq: seq, out: submitChange(ctx, c, journal.ActionUnsubscribe, req, nil)}
		if msg.out.Cancelled() {
			return msg
		}
		if fresh, err := c.client.Profile(ctx, id); err != nil {
			msg.refreshErr = err
		} else {
			msg.fresh = &fresh
		}
		return msg
	}
}

// unsubscribed shows what came of the unsubscribe and the refreshed card.
func (p *profilePanel) unsubscribed(msg panelUnsubscribedMsg) {
	p.unsubReq.done()
	p.mode = panelIdle
	out := msg.out
	p.outcome, p.refreshErr = &out, msg.refreshErr
	if msg.fresh != nil {
		p.profile = *msg.fresh
	}
}

// loadLists asks for the lists the profile is on.
func (p *profilePanel) loadLists() tea.Cmd {
	if p.listsReq.running() {
		return nil
	}
	ctx, seq := p.listsReq.begin(p.c.ctx)
	p.listsErr, p.notice = nil, ""
	panel, cl, id := p, p.c.client, p.profile.ID
	return func() tea.Msg {
		lists, err := cl.ProfileLists(ctx, id)
		return panelListsMsg{panel: panel, seq: seq, lists: lists, err: err}
	}
}

// listsLoaded shows the lists, or the error verbatim.
func (p *profilePanel) listsLoaded(msg panelListsMsg) {
	p.listsReq.done()
	p.listsShown = true
	p.lists, p.listsErr = msg.lists, msg.err
}

// cancelUnsubscribe cancels the running unsubscribe. submitChange has
// recorded it; the cancelled answer is dropped, so the notice says here
// what that means.
func (p *profilePanel) cancelUnsubscribe() {
	p.unsubReq.abandon()
	p.mode = panelIdle
	p.setNotice(cancelledNotice, false)
}

// setNotice sets the one-line notice; problem styles it as a refusal.
func (p *profilePanel) setNotice(text string, problem bool) {
	p.notice, p.problem = text, problem
}

// View is the panel at width: the prompt or outcome of an unsubscribe, the
// consent card, then the lists when they were asked for.
func (p *profilePanel) View(width int) string {
	s := p.c.styles
	var parts []string
	if top := p.statusView(width); top != "" {
		parts = append(parts, top)
	}
	var choice *cardChoice
	if p.mode == panelChoosing || p.mode == panelConfirming || p.mode == panelSending {
		choice = &cardChoice{cursor: p.cursor, selectable: p.canChoose}
	}
	parts = append(parts, renderConsentCard(p.profile, s, width, choice))
	if lists := p.listsView(width); lists != "" {
		parts = append(parts, lists)
	}
	return strings.Join(parts, "\n")
}

// statusView is the line above the card: the choice or confirmation
// prompt, the running request, the outcome, or the last notice.
func (p *profilePanel) statusView(width int) string {
	s := p.c.styles
	switch p.mode {
	case panelChoosing:
		return s.Label.Render(wrap("Unsubscribe which channel?", width))
	case panelConfirming:
		return s.Pending.Render(wrap(fmt.Sprintf("Unsubscribe %s for %s? y/n", p.cursor.Label(), model.SanitizeText(p.who())), width))
	case panelSending:
		return s.Pending.Render(wrap(fmt.Sprintf("Unsubscribing %s for %s, then reading the profile back… (esc cancels)",
			p.cursor.Label(), model.SanitizeText(p.who())), width))
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
	head := fmt.Sprintf("On %d %s: ", len(p.lists), plural(len(p.lists), "list", "lists"))
	return wrap(head+strings.Join(names, " · "), width)
}

// ShortHelp is the panel's keys in its current mode; idle is what the
// panel adds to its view's keys.
func (p *profilePanel) ShortHelp() []key.Binding {
	k := p.c.keys
	cancel := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	switch {
	case p.mode == panelChoosing:
		return []key.Binding{k.Up, k.Down, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose channel")), cancel}
	case p.mode == panelConfirming:
		return []key.Binding{k.Yes, k.No}
	case p.mode == panelSending:
		return []key.Binding{cancel}
	case p.listsReq.running():
		return []key.Binding{k.Unsubscribe, cancel}
	}
	return []key.Binding{relabel(k.Lists, "lists"), relabel(k.Unsubscribe, "unsubscribe")}
}

// FullHelp is the panel's keys with their full descriptions, idle.
func (p *profilePanel) FullHelp() []key.Binding {
	if !p.idle() {
		return p.ShortHelp()
	}
	return []key.Binding{p.c.keys.Lists, p.c.keys.Unsubscribe}
}

// relabel is binding b with a shorter description, for a footer that
// must fit 80 columns.
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// close abandons the panel's requests when its view lets it go.
func (p *profilePanel) close() {
	p.listsReq.abandon()
	p.unsubReq.abandon()
}

// idle reports whether the panel is only showing the card.
func (p *profilePanel) idle() bool { return p.mode == panelIdle && !p.listsReq.running() }
