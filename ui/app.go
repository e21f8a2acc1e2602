// Package ui is Consent Desk's terminal UI on Bubble Tea v2: a root model
// that routes between views, one file per view, the keymap and the styles.
// It renders; it never builds HTTP requests.
package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/consentdesk/consent/model"
)

// Options configure the UI.
type Options struct {
	// Rules analyse phone numbers: the account's SMS policy and default region.
	Rules model.PhoneRules
	// Backend names what the UI talks to, for the status line.
	Backend string
}

// openMsg asks the root to push a view.
type openMsg struct{ view component }

func open(v component) tea.Cmd { return func() tea.Msg { return openMsg{v} } }

// App is the root model: it owns the stack of views, the status line and
// the help footer, and is the only model that returns a tea.View.
type App struct {
	c             *common
	stack         []component
	help          help.Model
	width, height int
}

// New returns the UI's root model, on the home view.
func New(opts Options) *App {
	c := &common{styles: newStyles(true), keys: defaultKeyMap(), rules: opts.Rules, backend: opts.Backend}
	if c.rules.Policy == nil {
		c.rules.Policy = model.DefaultSMSPolicy()
	}
	h := help.New()
	h.Styles = c.styles.Help
	return &App{c: c, stack: []component{newHomeView(c)}, help: h, width: 80, height: 24}
}

// Init asks the terminal for its background colour, to pick light or dark
// styles.
func (a *App) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, a.current().Init())
}

func (a *App) current() component { return a.stack[len(a.stack)-1] }

// Update routes a message: window and terminal facts and the global keys are
// the root's; everything else goes to the current view.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case tea.BackgroundColorMsg:
		a.restyle(msg.IsDark())
		return a, nil
	case openMsg:
		a.stack = append(a.stack, msg.view)
		a.resize()
		return a, msg.view.Init()
	case backMsg:
		if len(a.stack) > 1 {
			a.stack = a.stack[:len(a.stack)-1]
		}
		return a, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, a.c.keys.Quit):
			return a, tea.Quit
		case key.Matches(msg, a.c.keys.Help):
			a.help.ShowAll = !a.help.ShowAll
			a.resize()
			return a, nil
		case key.Matches(msg, a.c.keys.Back) && len(a.stack) > 1:
			return a, back
		}
	}
	return a, a.current().Update(msg)
}

// View lays out the title and status line, the current view, and the help
// footer, in the alternate screen.
func (a *App) View() tea.View {
	s := a.c.styles
	body := a.current().View()
	bodyHeight := a.bodyHeight()
	body = lipgloss.NewStyle().Width(a.innerWidth()).MaxHeight(bodyHeight).Height(bodyHeight).Render(body)
	content := strings.Join([]string{a.statusLine(), "", body, a.help.View(a.current())}, "\n")
	content = s.App.MaxWidth(a.width).MaxHeight(a.height).Render(content)
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "Consent Desk"
	return v
}

// statusLine is the title on the left and the backend on the right.
func (a *App) statusLine() string {
	s := a.c.styles
	left := s.Title.Render("Consent Desk")
	right := s.Status.Render(a.c.backend)
	gap := a.innerWidth() - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left+" "+right, a.innerWidth(), "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

// innerWidth is the width inside the app's padding.
func (a *App) innerWidth() int { return max(a.width-2, 1) }

// bodyHeight is what is left for the view under the status line and above
// the help footer.
func (a *App) bodyHeight() int {
	footer := lipgloss.Height(a.help.View(a.current()))
	return max(a.height-2-footer-1, 1)
}

func (a *App) resize() {
	a.help.SetWidth(a.innerWidth())
	h := a.bodyHeight()
	for _, v := range a.stack {
		v.SetSize(a.innerWidth(), h)
	}
}

// restyle rebuilds the styles for the terminal's background.
func (a *App) restyle(isDark bool) {
	*a.c.styles = *newStyles(isDark)
	a.help.Styles = a.c.styles.Help
}
