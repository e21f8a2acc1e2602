package ui

import (
	"context"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// panelMode is what a profile panel is doing besides showing the card.
type panelMode int

// The modes of a profile panel. An unsubscribe goes through each of them in
// turn; every step holds the keys until it is answered, and any key that
// is not its own cancels it (the confirmation defaults to No).
const (
	panelIdle       panelMode = iota
	panelChoosing             // choosing the channel to unsubscribe
	panelScoping              // choosing where: the whole account, or one of the profile's lists
	panelConfirming           // asking y/N before sending
	panelSending              // the unsubscribe and its read-back are running
)

// unsubscribeResult is what came of a panel's unsubscribe, with the
// profile read again to refresh the card (fresh, or refreshErr).
type unsubscribeResult struct {
	out        changeOutcome
	fresh      *client.Profile
	refreshErr error
}

// consentChangedMsg says that a profile's consent changed and how Klaviyo
// now has it, and the list it left ("" for none): the root gives it to
// every view, so that none shows the old consent or membership
// (consentWatcher, listLeaver).
type consentChangedMsg struct {
	profile client.Profile
	left    string
}

// profilePanel is one profile's consent card and what can be done from it,
// shared by the check and profile views: the lists it is on (on request,
// since Klaviyo allows 3 such calls a second) and an unsubscribe of one
// channel that has consent to revoke, on the whole account or through one
// of the profile's lists, confirmed with a y/N that names the person and
// the scope. Its requests' answers go to host, the view showing the
// panel, which hands them on; one for another panel or an outdated request
// is dropped (request.accept).
type profilePanel struct {
	c       *common
	host    component
	profile client.Profile
	mode    panelMode
	// cursor is the channel under the cursor while choosing, and the
	// chosen one after.
	cursor model.Channel
	// scope is the scope under the cursor while scoping: 0 is the whole
	// account, i the profile's list i-1; list is the chosen list, nil for
	// the whole account.
	scope   int
	list    *client.List
	request model.CheckedRequest
	// confirmation is the y/N asked before sending.
	confirmation question
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
	listsReq request[[]client.List]
	unsubReq request[unsubscribeResult]
	// phone is the profile's number as read for phoneOf, kept so that a
	// frame does not parse it again.
	phone   present.Phone
	phoneOf string
	// focus is the value y copies (focusID, focusEmail, focusPhone): the
	// identifier the card was found by; "" is the profile id.
	focus string
}

// newProfilePanel returns an idle panel for p, shown by the view host.
func newProfilePanel(c *common, host component, p client.Profile) *profilePanel {
	return &profilePanel{c: c, host: host, profile: p}
}

// summary is the profile's summary (renderProfileSummary), its phone
// number read once per number rather than per frame.
func (p *profilePanel) summary(width int, phoneVerdict bool) string {
	if p.phoneOf != p.profile.PhoneNumber { // "" reads as no number: nothing to keep
		p.phone, p.phoneOf = present.DescribePhone(p.profile.PhoneNumber, p.c.rules), p.profile.PhoneNumber
	}
	return renderProfileSummary(p.profile, p.phone, p.c.styles, width, phoneVerdict)
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

// AtRisk says what quitting now would leave unfinished: an unsubscribe
// being sent.
func (p *profilePanel) AtRisk() string {
	if p.mode == panelSending {
		return "an unsubscribe being sent"
	}
	return ""
}

// EscIsMine reports whether esc cancels something of the panel's: a choice,
// a confirmation or a request.
func (p *profilePanel) EscIsMine() bool { return p.mode != panelIdle || p.listsReq.running() }

// Update handles the panel's answers and keys. handled is false for an
// answer that is not to the panel's current request (dropped), and for a
// key the panel leaves to its view (one that is not the panel's, which
// also cancels a step of an unsubscribe: the check view types it).
func (p *profilePanel) Update(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case answer[[]client.List]:
		a, ok := p.listsReq.accept(msg)
		if ok {
			p.listsLoaded(a.value, a.err)
		}
		return nil, ok
	case answer[unsubscribeResult]:
		a, ok := p.unsubReq.accept(msg)
		if !ok {
			return nil, false
		}
		return p.unsubscribed(a.value), true
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
			return nil, true
		}
		return nil, !isTyping(msg) // typing goes to the view's input; nothing else while it runs
	case panelChoosing:
		return p.chooseKey(msg)
	case panelScoping:
		return p.scopeKey(msg)
	case panelConfirming:
		yes, tooSoon := p.confirmation.answer(msg, k.Yes, p.c.now())
		if yes {
			return p.send(), true
		}
		p.cancel()
		if tooSoon {
			p.notice += tooSoonNotice
		}
		return nil, !isTyping(msg) || key.Matches(msg, k.No) // No; a letter other than n is typed on
	}
	switch {
	case key.Matches(msg, k.Back) && p.listsReq.running():
		p.listsReq.cancel()
		p.setNotice("Stopped loading the lists.", false)
		return nil, true
	case key.Matches(msg, k.Lists):
		return p.loadLists(), true
	case key.Matches(msg, k.Unsubscribe):
		p.startChoosing()
		return nil, true
	}
	return p.askedForKey(msg)
}

// isTyping reports whether a key types text (a letter, a digit, a space),
// rather than being a key of its own.
func isTyping(msg tea.KeyPressMsg) bool { return msg.Text != "" }

// cancel ends the unsubscribe being prepared: nothing was sent.
func (p *profilePanel) cancel() {
	p.mode = panelIdle
	p.setNotice("Not unsubscribed: nothing was sent.", false)
}

// chooseKey moves between the channels that can be unsubscribed, picks one,
// or cancels.
func (p *profilePanel) chooseKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.c.keys
	choices := p.choices()
	i := max(slices.Index(choices, p.cursor), 0)
	switch {
	case key.Matches(msg, k.RowUp):
		p.cursor = choices[max(i-1, 0)]
	case key.Matches(msg, k.RowDown):
		p.cursor = choices[min(i+1, len(choices)-1)]
	case key.Matches(msg, k.Enter):
		return p.startScoping(), true
	default:
		p.cancel()
		return nil, !isTyping(msg)
	}
	return nil, true
}

// choices are the channels of this profile with consent to revoke.
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
func (p *profilePanel) canChoose(ch model.Channel) bool { return p.whyNot(ch) == "" }

// whyNot says why ch cannot be unsubscribed for this profile ("" when it
// can): no identifier for it, or no consent to revoke (already
// unsubscribed; never subscribed, and cannot receive).
func (p *profilePanel) whyNot(ch model.Channel) string {
	cc := p.profile.Subscriptions.Channel(ch)
	switch {
	case ch.IsSMS() && p.profile.PhoneNumber == "":
		return "no phone number on the profile"
	case !ch.IsSMS() && p.profile.Email == "":
		return "no email address on the profile"
	case cc.Consent == model.Unsubscribed:
		return "already unsubscribed"
	case cc.Consent == model.Subscribed, cc.CanReceive:
		return "" // consent to revoke (for email, implied consent when it can receive)
	}
	return "never subscribed: nothing to revoke"
}

// startChoosing enters the choice of a channel, with the cursor on the
// first one that can be unsubscribed; with none, it says why.
func (p *profilePanel) startChoosing() {
	choices := p.choices()
	if len(choices) == 0 {
		p.setNotice("Nothing to unsubscribe: "+p.notOffered()+".", true)
		return
	}
	p.cursor = choices[0]
	p.mode, p.notice, p.outcome, p.refreshErr = panelChoosing, "", nil, nil
}

// startScoping asks where to unsubscribe the chosen channel; the lists the
// profile is on are loaded for it when they are not yet.
func (p *profilePanel) startScoping() tea.Cmd {
	p.mode, p.scope = panelScoping, 0
	if !p.listsShown && !p.listsReq.running() {
		return p.loadLists()
	}
	return nil
}

// scopeKey moves between the scopes, picks one, or cancels.
func (p *profilePanel) scopeKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.RowUp):
		p.scope = max(p.scope-1, 0)
	case key.Matches(msg, k.RowDown):
		p.scope = min(p.scope+1, len(p.lists))
	case key.Matches(msg, k.Enter):
		p.list = nil
		if p.scope > 0 && p.scope <= len(p.lists) {
			l := p.lists[p.scope-1]
			p.list = &l
		}
		p.confirm()
	default:
		p.cancel()
		return nil, !isTyping(msg)
	}
	return nil, true
}

// unsubscribeRequest is the request revoking one channel of this profile,
// through list when it is not nil, checked with the account's rules.
func (p *profilePanel) unsubscribeRequest(ch model.Channel, list *client.List) (model.CheckedRequest, []model.Problem) {
	r := model.ConsentRequest{Channels: []model.Channel{ch}, Source: present.Source}
	if ch.IsSMS() {
		r.Phone = p.profile.PhoneNumber
	} else {
		r.Email = p.profile.Email
	}
	if list != nil {
		r.ListID = list.ID
	}
	return r.Check(p.c.rules)
}

// confirm checks the chosen channel's request and asks for confirmation,
// or says why it cannot be sent.
func (p *profilePanel) confirm() {
	req, problems := p.unsubscribeRequest(p.cursor, p.list)
	if len(problems) > 0 {
		p.mode = panelIdle
		p.setNotice("Cannot unsubscribe "+p.cursor.Label()+": "+model.SanitizeText(model.JoinProblems(problems)), true)
		return
	}
	p.request, p.mode = req, panelConfirming
	p.confirmation.open(p.c.now())
}

// send unsubscribes the confirmed channel through submitChange, then reads
// the profile again for the card.
func (p *profilePanel) send() tea.Cmd {
	p.mode = panelSending
	c, req, id, list := p.c, p.request, p.profile.ID, p.list
	return p.unsubReq.start(p.c.ctx, p.host, func(ctx context.Context) (unsubscribeResult, error) {
		r := unsubscribeResult{out: submitChange(ctx, c, journal.ActionUnsubscribe, req, list, nil)}
		if r.out.Cancelled() {
			return r, nil
		}
		if fresh, err := c.client.Profile(ctx, id); err != nil {
			r.refreshErr = err
		} else {
			r.fresh = &fresh
		}
		return r, nil
	})
}

// unsubscribed shows what came of the unsubscribe and the refreshed card,
// and tells every view how the profile's consent is now.
func (p *profilePanel) unsubscribed(msg unsubscribeResult) tea.Cmd {
	p.mode = panelIdle
	out := msg.out
	p.outcome, p.refreshErr = &out, msg.refreshErr
	if msg.fresh == nil {
		return nil
	}
	p.profile = *msg.fresh
	changed := consentChangedMsg{profile: *msg.fresh}
	if p.list != nil && msg.out.Sent {
		changed.left = p.list.ID // Klaviyo takes the person off the list it unsubscribes them through
	}
	cmds := []tea.Cmd{func() tea.Msg { return changed }}
	if p.listsShown && changed.left != "" {
		cmds = append(cmds, p.loadLists()) // the lists shown no longer hold
	}
	return tea.Batch(cmds...)
}

// loadLists asks for the lists the profile is on.
func (p *profilePanel) loadLists() tea.Cmd {
	if p.listsReq.running() {
		return nil
	}
	p.listsErr, p.notice = nil, ""
	cl, id := p.c.client, p.profile.ID
	return p.listsReq.start(p.c.ctx, p.host, func(ctx context.Context) ([]client.List, error) {
		return cl.ProfileLists(ctx, id)
	})
}

// listsLoaded shows the lists, or the error verbatim.
func (p *profilePanel) listsLoaded(lists []client.List, err error) {
	p.listsShown = true
	p.lists, p.listsErr = lists, err
	p.scope = min(p.scope, len(p.lists))
}

// cancelUnsubscribe cancels the running unsubscribe. submitChange has
// recorded it; the cancelled answer is dropped, so the notice says here
// what that means.
func (p *profilePanel) cancelUnsubscribe() {
	p.unsubReq.cancel()
	p.mode = panelIdle
	p.setNotice(cancelledNotice, false)
}

// setNotice sets the one-line notice; problem styles it as a refusal.
func (p *profilePanel) setNotice(text string, problem bool) {
	p.notice, p.problem = text, problem
}

// close abandons the panel's lists request when its view lets it go. An
// unsubscribe being sent is not abandoned: the agent confirmed it, and
// its views wait for it (see checkView.startLookup).
func (p *profilePanel) close() {
	p.listsReq.cancel()
	if p.mode != panelSending {
		p.unsubReq.cancel()
	}
}

// idle reports whether the panel is only showing the card.
func (p *profilePanel) idle() bool { return p.mode == panelIdle && !p.listsReq.running() }
