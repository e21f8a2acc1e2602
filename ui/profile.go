package ui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// profileView is one profile, read by id: who it is (name, email, phone with
// its region), its consent card, the lists it is on (on request) and an
// unsubscribe of a channel, confirmed first.
type profileView struct {
	c  *common
	id string
	// load reads the profile.
	load  request[client.Profile]
	err   error
	panel *profilePanel
	width int
	// height is the room for the view's lines; vp is their window on
	// screen.
	height int
	vp     viewport
}

// newProfileView returns the view of profile id; it loads on Init.
func newProfileView(c *common, id string) *profileView { return &profileView{c: c, id: id} }

// Init reads the profile.
func (v *profileView) Init() tea.Cmd { return v.fetch() }

// fetch asks for the profile with its subscriptions.
func (v *profileView) fetch() tea.Cmd {
	v.err = nil
	cl, id := v.c.client, v.id
	return v.load.start(v.c.ctx, v, func(ctx context.Context) (client.Profile, error) {
		return cl.Profile(ctx, id)
	})
}

// Update routes the load's answer, the panel's answers and keys.
func (v *profileView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[client.Profile]:
		if a, ok := v.load.accept(msg); ok {
			v.loaded(a.value, a.err)
		}
		return nil
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	if v.panel != nil {
		cmd, _ := v.panel.Update(msg)
		return cmd
	}
	return nil
}

// loaded shows the profile's card, or the error.
func (v *profileView) loaded(p client.Profile, err error) {
	if err != nil {
		v.err = err
		return
	}
	v.panel = newProfilePanel(v.c, v, p)
}

// key handles a key press: cancelling or retrying the load, else the
// panel's keys.
func (v *profileView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case v.load.running():
		if key.Matches(msg, k.Back) {
			v.load.cancel()
			return back
		}
		return nil
	case v.panel == nil:
		if key.Matches(msg, k.Retry) {
			return v.fetch()
		}
		return nil
	}
	cmd, handled := v.panel.Update(msg)
	if !handled && v.panel.idle() {
		switch {
		case key.Matches(msg, k.Proof):
			return open(newProofView(v.c, v.panel.profile))
		case key.Matches(msg, k.Up):
			v.vp.scroll(-1)
		case key.Matches(msg, k.Down):
			v.vp.scroll(1)
		}
	}
	return cmd
}

// View is the profile's summary and card in a window of lines (viewport)
// that keeps what the panel asks or answers on screen, the load running,
// or its error. Idle, ↑/↓ scroll it.
func (v *profileView) View() string {
	s := v.c.styles
	switch {
	case v.load.running():
		return s.Muted.Render("Loading profile " + model.SanitizeText(v.id) + "…")
	case v.err != nil:
		return s.Bad.Render(wrap("✗ Profile "+model.SanitizeText(v.id)+" could not be read: "+model.SanitizeText(v.err.Error()), v.width)) +
			"\n\n" + s.Muted.Render("r tries again.")
	case v.panel == nil:
		return ""
	}
	var b body
	b.add(v.panel.summary(v.width, true))
	b.add("")
	b.addBody(v.panel.body(v.width))
	return v.vp.render(b, v.height, v.c.styles)
}

// Title names the view in the status line.
func (v *profileView) Title() string { return "profile" }

// Busy says what the view waits on.
func (v *profileView) Busy() string {
	switch {
	case v.load.running():
		return "loading the profile"
	case v.panel != nil:
		return v.panel.Busy()
	}
	return ""
}

// EscIsMine: esc cancels the panel's request or sub-mode rather than
// leaving. (Esc while the profile loads cancels and leaves.)
func (v *profileView) EscIsMine() bool {
	return v.load.running() || (v.panel != nil && v.panel.EscIsMine())
}

// SetSize sets the width the view renders to.
func (v *profileView) SetSize(width, height int) { v.width, v.height = width, height }

// ShortHelp is the footer for the view's state.
func (v *profileView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.load.running():
		return []key.Binding{k.Back}
	case v.panel == nil:
		return []key.Binding{k.Retry, k.Back, k.Help}
	case !v.panel.idle():
		return v.panel.ShortHelp()
	}
	return append(v.panel.ShortHelp(), k.Back, k.Help)
}

// FullHelp is every key the view answers to now.
func (v *profileView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.panel != nil && v.panel.idle() {
		return [][]key.Binding{append(v.panel.FullHelp(), k.Proof), {k.Back, k.Help, k.Quit}}
	}
	return [][]key.Binding{v.ShortHelp(), {k.Quit}}
}

// AtRisk says what quitting now would leave unfinished.
func (v *profileView) AtRisk() string {
	if v.panel != nil {
		return v.panel.AtRisk()
	}
	return ""
}

// ConsentChanged shows p's consent as it now is when it is this profile.
func (v *profileView) ConsentChanged(p client.Profile) {
	if v.panel != nil && v.panel.profile.ID == p.ID {
		v.panel.profile = p
	}
}
