package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// checkInputLimit bounds the check input: longer than any phone number or
// email address (254).
const checkInputLimit = 256

// checkView is the spot-check: one input, a phone number or an email, with
// the live analysis under it on every keystroke; enter looks it up and
// shows the consent card of each profile found. The input keeps the keys
// after a lookup: typing is always typing (a new query), and the card's
// actions (l lists, u unsubscribe, enter the profile) are reached only by
// tab, deliberately, for one action at a time. A card is shown only while
// the input still says what was looked up. Nothing typed is cleared by a
// refusal or an error.
type checkView struct {
	c     *common
	input textinput.Model
	phone model.PhoneAnalysis
	email model.EmailAnalysis
	// onCard is set while the keys act on the card (after tab) rather
	// than on the input.
	onCard bool
	// lookup finds the profiles of what was typed.
	lookup request[[]client.Profile]
	// pending is what the running lookup asked for.
	pending string
	// refusal says why enter did not look the input up.
	refusal string
	// looked is set once a lookup answered; query, profiles and err are
	// its answer.
	looked   bool
	query    string
	profiles []client.Profile
	err      error
	cursor   int
	panel    *profilePanel
	width    int
	height   int
	// vp is the window of the view's lines on screen.
	vp viewport
}

// newCheckView returns an empty check with the input focused.
func newCheckView(c *common) *checkView {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = "+1 201 555 0123 or name@example.com"
	in.CharLimit = checkInputLimit
	in.SetStyles(c.styles.Input)
	v := &checkView{c: c, input: in}
	v.analyse()
	return v
}

// Init focuses the input.
func (v *checkView) Init() tea.Cmd { return v.input.Focus() }

// Update routes lookups' answers, the panel's answers and keys, and typing.
func (v *checkView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[[]client.Profile]:
		if a, ok := v.lookup.accept(msg); ok {
			v.lookedUp(a.value, a.err)
		}
		return nil
	case answer[[]client.List], answer[unsubscribeResult]:
		if v.panel == nil {
			return nil // the panel that asked is closed
		}
		cmd, accepted := v.panel.Update(msg)
		if accepted && v.panel.idle() {
			v.toInput() // the action is done: the input has the keys again
		}
		return cmd
	case tea.KeyPressMsg:
		return v.key(msg)
	case tea.PasteMsg:
		v.toInput() // a paste is always typing
	}
	return v.updateInput(msg)
}

// key handles a key press: on the card, the card's keys (and any typing
// goes back to the input); on the input, enter looks up, tab goes to the
// card, and everything else is typed.
func (v *checkView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if v.lookup.running() && key.Matches(msg, k.Back) {
		v.lookup.cancel()
		v.refusal = "Lookup cancelled."
		return nil
	}
	if v.onCard {
		return v.cardKey(msg)
	}
	if v.panel != nil && !v.panel.idle() {
		// An unsubscribe being sent: esc cancels it; typing goes on.
		if cmd, handled := v.panel.Update(msg); handled {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.Enter):
		return v.startLookup()
	case key.Matches(msg, k.CardActions):
		return v.toCard()
	case key.Matches(msg, k.Up) && v.showsCard():
		v.choose(v.cursor - 1)
		return nil
	case key.Matches(msg, k.Down) && v.showsCard():
		v.choose(v.cursor + 1)
		return nil
	}
	return v.updateInput(msg)
}

// cardKey handles a key while the card has the keys: the panel's first;
// tab or esc give the keys back to the input, and so does typing, which
// goes on into the input.
func (v *checkView) cardKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if cmd, handled := v.panel.Update(msg); handled {
		if v.panel.idle() {
			v.toInput() // the action is done, refused or cancelled: one action per tab
		}
		return cmd
	}
	switch {
	case key.Matches(msg, k.Open):
		v.toInput()
		return open(newProfileView(v.c, v.panel.profile.ID))
	case key.Matches(msg, k.Proof):
		v.toInput()
		return open(newProofView(v.c, v.panel.profile))
	case key.Matches(msg, k.RowUp) && len(v.profiles) == 1:
		v.vp.scroll(-1) // one profile: ↑/↓ scroll its card
		return nil
	case key.Matches(msg, k.RowDown) && len(v.profiles) == 1:
		v.vp.scroll(1)
		return nil
	case key.Matches(msg, k.RowUp):
		v.choose(v.cursor - 1)
		return nil
	case key.Matches(msg, k.RowDown):
		v.choose(v.cursor + 1)
		return nil
	case key.Matches(msg, k.CardActions), key.Matches(msg, k.Back):
		v.toInput()
		return nil
	}
	v.toInput()
	return v.updateInput(msg) // typing: a new query
}

// toCard gives the keys to the card, when one is shown.
func (v *checkView) toCard() tea.Cmd {
	switch {
	case v.panel != nil && !v.panel.idle():
		return nil // an unsubscribe is being sent
	case !v.showsCard():
		if v.looked && len(v.profiles) > 0 {
			v.refusal = "The number or email changed since the lookup: enter looks it up first."
		}
		return nil
	}
	v.onCard = true
	v.refusal = ""
	v.input.Blur()
	return nil
}

// toInput gives the keys back to the input.
func (v *checkView) toInput() {
	if v.onCard {
		v.onCard = false
		v.input.Focus()
	}
}

// showsCard reports whether a profile's card is shown: a lookup found one,
// and the input still says what was looked up.
func (v *checkView) showsCard() bool {
	return v.looked && v.panel != nil && !v.stale()
}

// stale reports whether the last lookup's answer is no longer about what
// the input says: it is then hidden, so that no card stands under another
// person's number.
func (v *checkView) stale() bool {
	if !v.looked {
		return false
	}
	query, _, refusal := v.target()
	return refusal != "" || query != v.query
}

// updateInput gives a message to the input and re-analyses it.
func (v *checkView) updateInput(msg tea.Msg) tea.Cmd {
	before := v.input.Value()
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	if v.input.Value() != before {
		v.analyse()
		v.refusal = ""
	}
	return cmd
}

// isEmail reports whether the input is being read as an email address.
func (v *checkView) isEmail() bool { return strings.Contains(v.input.Value(), "@") }

// analyse re-reads the input: a phone number, or an email once it has an @.
func (v *checkView) analyse() {
	if v.isEmail() {
		v.email = model.AnalyzeEmail(v.input.Value())
		return
	}
	v.phone = v.c.rules.Analyze(v.input.Value())
}

// target is what the input is looked up as (an E.164 number or a
// normalised email), or why it cannot be.
func (v *checkView) target() (query string, isEmail bool, refusal string) {
	switch {
	case strings.TrimSpace(v.input.Value()) == "":
		return "", false, "Type a phone number (with + and the country code) or an email address."
	case v.isEmail() && !v.email.Valid:
		return "", true, "Not looked up: " + v.email.Reason
	case v.isEmail():
		return v.email.Normalized, true, ""
	case v.phone.Status == model.PhoneIncomplete:
		return "", false, "Not looked up: " + v.phone.Unfinished() + "."
	case !v.phone.Valid:
		return "", false, "Not looked up: " + v.phone.Reason
	}
	return v.phone.E164, false, ""
}

// startLookup looks the input up, or refuses it with the reason.
func (v *checkView) startLookup() tea.Cmd {
	if v.panel != nil && v.panel.mode == panelSending {
		v.refusal = "An unsubscribe is being sent for the card below: wait for it (esc cancels it), then enter looks this up."
		return nil
	}
	query, isEmail, refusal := v.target()
	if refusal != "" {
		v.refusal = refusal
		return nil
	}
	v.refusal = ""
	v.pending = query
	cl := v.c.client
	return v.lookup.start(v.c.ctx, v, func(ctx context.Context) ([]client.Profile, error) {
		if isEmail {
			return cl.LookupEmail(ctx, query)
		}
		return cl.LookupPhone(ctx, query)
	})
}

// Revealed looks the same number or email up again when the view above
// (the profile, where consent may have changed) closes, so the card is not
// stale.
func (v *checkView) Revealed() tea.Cmd {
	if !v.looked || len(v.profiles) == 0 || v.lookup.running() || v.stale() {
		return nil
	}
	return v.startLookup()
}

// ConsentChanged shows p's consent as it now is when its card is the one
// shown (or one of the profiles found).
func (v *checkView) ConsentChanged(p client.Profile) {
	for i := range v.profiles {
		if v.profiles[i].ID == p.ID {
			v.profiles[i] = p
		}
	}
	if v.panel != nil && v.panel.profile.ID == p.ID {
		v.panel.profile = p
	}
}

// lookedUp shows the answer to the lookup of pending: the first profile's
// card takes the keys; with none found, or an error, the input keeps them.
func (v *checkView) lookedUp(profiles []client.Profile, err error) {
	v.looked, v.query, v.profiles, v.err = true, v.pending, profiles, err
	v.cursor = 0
	v.closePanel()
	if err != nil || len(profiles) == 0 {
		return
	}
	v.panel = v.newPanel(profiles[0])
}

// choose moves to profile i of several, keeping what the panel learnt of
// the one it leaves (a refreshed card).
func (v *checkView) choose(i int) {
	if i < 0 || i >= len(v.profiles) || i == v.cursor {
		return
	}
	v.profiles[v.cursor] = v.panel.profile
	v.closePanel()
	v.cursor = i
	v.panel = v.newPanel(v.profiles[i])
}

// newPanel is the card of p, focused (for y) on what was looked up.
func (v *checkView) newPanel(p client.Profile) *profilePanel {
	panel := newProfilePanel(v.c, v, p)
	panel.focus = focusPhone
	if strings.Contains(v.query, "@") {
		panel.focus = focusEmail
	}
	return panel
}

// closePanel drops the current panel, abandoning what it is loading.
func (v *checkView) closePanel() {
	if v.panel != nil {
		v.panel.close()
		v.panel = nil
	}
}

// View is the input and its live line, then the lookup's answer, in a
// window of lines (viewport) that keeps the focus on screen: the input
// while it has the keys and nothing on the card asks or answers, else what
// the card's panel asks or answers. While a card is shown and the whole
// does not fit, the input is shown alone, without its analysis (it says
// what was looked up), to leave the room to the card.
func (v *checkView) View() string {
	var b body
	input := v.inputView(false)
	results := v.resultsBody()
	if len(results.lines) > 0 && v.showsCard() && lipgloss.Height(input)+1+len(results.lines) > v.height {
		input = v.inputView(true)
	}
	inputSpan := b.add(input)
	if len(results.lines) > 0 {
		b.add("")
		b.addBody(results)
	}
	if b.focus.empty() && !v.onCard {
		b.focus = inputSpan
	}
	return v.vp.render(b, v.height, v.c.styles)
}

// inputView is the input with its label and live line, or compact, the
// input alone.
func (v *checkView) inputView(compact bool) string {
	s := v.c.styles
	if compact {
		return v.input.View()
	}
	var b strings.Builder
	b.WriteString(s.Label.Render("Phone number or email"))
	b.WriteString("\n")
	b.WriteString(v.input.View())
	b.WriteString("\n\n")
	if v.isEmail() {
		b.WriteString(renderEmailLine(v.email, s, v.width))
	} else {
		b.WriteString(renderPhoneLine(v.phone, true, s, v.width))
	}
	if v.refusal != "" {
		b.WriteString("\n" + s.Bad.Render(wrap("✗ "+v.refusal, v.width)))
	}
	return b.String()
}

// resultsBody is the running lookup, or the last one's answer while the
// input still says what it was for; once the input says something else,
// only what is still happening to the card's profile (an unsubscribe
// being sent, its outcome) and how to look the new input up. Its focus is
// the panel's (profilePanel.body).
func (v *checkView) resultsBody() body {
	s := v.c.styles
	var b body
	switch {
	case v.lookup.running():
		b.add(s.Pending.Render(wrap("Looking up "+model.SanitizeText(v.pending)+"… (esc cancels)", v.width)))
	case !v.looked:
	case v.stale():
		if stale := v.staleView(); stale != "" {
			b.focus = b.add(stale)
		}
	case v.err != nil:
		b.focus = b.add(s.Bad.Render(wrap("✗ "+model.SanitizeText(v.err.Error()), v.width)))
	case len(v.profiles) == 0:
		b.add(s.Pending.Render(wrap("No profile found for "+model.SanitizeText(v.query)+".", v.width)))
	default:
		if len(v.profiles) > 1 {
			b.add(v.profileChooser())
		}
		b.add(v.panel.summary(v.width, false))
		b.addBody(v.panel.body(v.width))
	}
	return b
}

// staleView is what stands in for an answer the input no longer matches.
func (v *checkView) staleView() string {
	s := v.c.styles
	var lines []string
	if v.panel != nil {
		if status := v.panel.statusView(v.width); status != "" {
			lines = append(lines, s.Muted.Render(wrap("For "+v.panel.personName()+":", v.width)), status)
		}
	}
	if _, _, refusal := v.target(); refusal == "" {
		lines = append(lines, s.Muted.Render(wrap("enter looks this up (the card of "+model.SanitizeText(v.query)+" is put away).", v.width)))
	}
	return strings.Join(lines, "\n")
}

// profileChooser lists the profiles found when there are several.
func (v *checkView) profileChooser() string {
	s := v.c.styles
	lines := []string{s.Muted.Render(fmt.Sprintf("%d profiles for %s (↑/↓ to choose):", len(v.profiles), model.SanitizeText(v.query)))}
	for i, p := range v.profiles {
		line := model.SanitizeShort(strings.TrimSpace(p.Name()+" "+p.Email+" "+p.ID), max(v.width-2, 10))
		if i == v.cursor {
			lines = append(lines, s.Key.Render("› ")+s.Label.Render(line))
		} else {
			lines = append(lines, "  "+line)
		}
	}
	return strings.Join(lines, "\n")
}

// Title names the view in the status line.
func (v *checkView) Title() string { return "check" }

// Busy says what the view waits on.
func (v *checkView) Busy() string {
	switch {
	case v.lookup.running():
		return "looking up"
	case v.panel != nil:
		return v.panel.Busy()
	}
	return ""
}

// AtRisk says what quitting now would leave unfinished.
func (v *checkView) AtRisk() string {
	if v.panel != nil {
		return v.panel.AtRisk()
	}
	return ""
}

// EscIsMine: esc cancels a lookup, the panel's request or step, or gives
// the keys back from the card to the input.
func (v *checkView) EscIsMine() bool {
	return v.lookup.running() || v.onCard || (v.panel != nil && !v.panel.idle())
}

// CapturesText: while the input has the keys, letters are typed.
func (v *checkView) CapturesText() bool { return !v.onCard }

// SetSize sets the width the view renders to.
func (v *checkView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.input.SetWidth(max(width-len(v.input.Prompt)-1, 10))
}

// ShortHelp is the footer: the input's keys, or the card's.
func (v *checkView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.lookup.running():
		return []key.Binding{k.Cancel, k.Quit}
	case v.panel != nil && !v.panel.idle():
		return v.panel.ShortHelp()
	case v.onCard:
		bs := append([]key.Binding{relabel(k.Open, "profile")}, v.panel.ShortHelp()...)
		bs = append(bs, relabel(k.Proof, "proof"))
		if len(v.profiles) > 1 {
			bs = append(bs, k.Up, k.Down)
		}
		return append(bs, k.BackToTyping, k.Help)
	case v.showsCard():
		return []key.Binding{k.LookUp, k.CardActions, k.Back, k.Quit}
	}
	return []key.Binding{k.LookUp, k.Back, k.Quit}
}

// FullHelp is every key the view answers to now.
func (v *checkView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if !v.onCard || !v.panel.idle() || v.lookup.running() {
		return [][]key.Binding{v.ShortHelp()}
	}
	cols := [][]key.Binding{append([]key.Binding{k.Open, k.Proof}, v.panel.FullHelp()...)}
	if len(v.profiles) > 1 {
		cols = append(cols, []key.Binding{k.Up, k.Down})
	}
	return append(cols, []key.Binding{k.BackToTyping, k.Help, k.Quit})
}
