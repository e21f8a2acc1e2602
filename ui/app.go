// Package ui is Consent Desk's terminal UI on Bubble Tea v2: a root model
// that routes between views, one file per view, the keymap and the styles.
// It renders; it never builds HTTP requests (the client does).
package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// Options configure the UI.
type Options struct {
	// Context bounds every request the UI makes; nil means Background.
	Context context.Context
	// Client talks to Klaviyo or the sandbox.
	Client *client.Client
	// Rules analyse phone numbers: the account's SMS policy and default region.
	Rules model.PhoneRules
	// Backend names what the UI talks to, for the status line ("SANDBOX").
	Backend string
	// History records submits; nil means an in-memory history.
	History History
	// Origin is where changes go, as the journal records it: History
	// retries only entries made there.
	Origin journal.Origin
	// Agent is who makes the changes, for History's claims.
	Agent string
	// DefaultList is the list id the subscribe form starts with.
	DefaultList string
	// Now is the clock the UI's y/N questions time their answers by (see
	// question); nil means time.Now.
	Now func() time.Time
	// Waits receives the client's pauses (rate limits, retries) to show in
	// the status line; nil means none are shown.
	Waits <-chan client.Wait
}

// waitMsg carries one of the client's pauses to the status line.
type waitMsg client.Wait

// waitOverMsg clears the status line's wait notice.
type waitOverMsg struct{ seq int }

// App is the root model: it owns the stack of views, the status line and
// the help footer, and is the only model that returns a tea.View.
type App struct {
	c             *common
	stack         []component
	help          help.Model
	spinner       spinner.Model
	spinning      bool
	waits         <-chan client.Wait
	wait          string
	waitSeq       int
	width, height int

	// askingQuit is set while ctrl+c asks whether to quit, with what
	// quitting would lose in risks; interrupted is set once the agent
	// quit with ctrl+c, and leftAtRisk is what was at risk then.
	askingQuit   bool
	quitQuestion question
	risks        []string
	interrupted  bool
	leftAtRisk   []string

	// footerKey and footer cache the rendered help footer: the bindings
	// rarely change between frames, and rendering them is a fifth of a
	// keystroke's cost.
	footerKey string
	footer    string
}

// New returns the UI's root model, on the home view.
func New(opts Options) *App {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.History == nil {
		opts.History = NewMemoryHistory()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rules.Policy == nil {
		opts.Rules.Policy = model.DefaultSMSPolicy()
	}
	c := &common{ctx: opts.Context, styles: newStyles(initialDark()), keys: defaultKeyMap(), rules: opts.Rules,
		backend: opts.Backend, client: opts.Client, history: opts.History, defaultList: opts.DefaultList,
		desk: &desk.Desk{Store: opts.History, Client: opts.Client, Rules: opts.Rules, Origin: opts.Origin, Agent: opts.Agent},
		now:  opts.Now}
	h := help.New()
	h.Styles = c.styles.Help
	a := &App{c: c, stack: []component{newHomeView(c)}, help: h, waits: opts.Waits, width: 80, height: 24,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	a.resize()
	return a
}

// Init asks the terminal for its background colour, to pick light or dark
// styles, and starts listening for the client's waits.
func (a *App) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, a.current().Init(), a.listenWaits())
}

// current is the view on top of the stack, the one the agent sees.
func (a *App) current() component { return a.stack[len(a.stack)-1] }

// listenWaits delivers the next client wait as a message.
func (a *App) listenWaits() tea.Cmd {
	if a.waits == nil {
		return nil
	}
	return func() tea.Msg {
		w, ok := <-a.waits
		if !ok {
			return nil
		}
		return waitMsg(w)
	}
}

// Update routes a message: window and terminal facts, navigation and the
// global keys are the root's; an answer to a request goes to the view that
// made it (see reply); everything else goes to the current view.
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
		return a, tea.Batch(msg.view.Init(), a.spin())
	case replaceMsg:
		a.stack[len(a.stack)-1] = msg.view
		a.resize()
		return a, tea.Batch(msg.view.Init(), a.spin())
	case backMsg:
		if len(a.stack) > 1 {
			a.stack = a.stack[:len(a.stack)-1]
			a.resize()
			if r, ok := a.current().(revealer); ok {
				return a, tea.Batch(r.Revealed(), a.spin())
			}
		}
		return a, nil
	case waitMsg:
		a.waitSeq++
		a.wait = describeWait(client.Wait(msg))
		seq := a.waitSeq
		a.resize() // a wait may take a line of its own in a narrow window
		return a, tea.Batch(a.listenWaits(), tea.Tick(max(msg.Duration, time.Second), func(time.Time) tea.Msg { return waitOverMsg{seq} }))
	case consentChangedMsg:
		for _, v := range a.stack {
			if w, ok := v.(consentWatcher); ok {
				w.ConsentChanged(msg.profile)
			}
			if l, ok := v.(listLeaver); ok && msg.left != "" {
				l.ListLeft(msg.profile.ID, msg.left)
			}
		}
		return a, nil
	case reply:
		// An answer goes to the view that asked, even under another.
		for _, v := range slices.Backward(a.stack) {
			if msg.isFor(v) {
				return a, tea.Batch(v.Update(msg), a.spin())
			}
		}
		return a, nil // the view that asked is closed
	case waitOverMsg:
		if msg.seq == a.waitSeq {
			a.wait = ""
			a.resize()
		}
		return a, nil
	case spinner.TickMsg:
		if !a.spinning {
			return a, nil
		}
		var cmd tea.Cmd
		a.spinner, cmd = a.spinner.Update(msg)
		if a.busy() == "" {
			a.spinning = false
			return a, nil
		}
		return a, cmd
	case tea.KeyPressMsg:
		if a.askingQuit {
			return a, a.answerQuit(msg)
		}
		capturing := a.capturesText()
		switch {
		case key.Matches(msg, a.c.keys.Quit):
			return a, a.askQuit()
		case key.Matches(msg, a.c.keys.Help) && !capturing:
			a.help.ShowAll = !a.help.ShowAll
			a.resize()
			return a, nil
		case key.Matches(msg, a.c.keys.Back) && len(a.stack) > 1 && !a.escIsViews():
			return a, back
		case key.Matches(msg, a.c.keys.LeaveView) && len(a.stack) > 1 && !capturing && !a.escIsViews():
			return a, back // q backs out as esc does; at Home it quits (homeView)
		}
	}
	cmd := a.current().Update(msg)
	return a, tea.Batch(cmd, a.spin())
}

// askQuit quits, unless a view holds work quitting would lose or leave
// unfinished: then it asks first (y/N, or ctrl+c again).
func (a *App) askQuit() tea.Cmd {
	if risks := a.atRisk(); len(risks) > 0 {
		a.askingQuit, a.risks = true, risks
		a.quitQuestion.open(a.c.now())
		a.resize()
		return nil
	}
	return a.quit()
}

// answerQuit takes the answer to askQuit's question: ctrl+c again, or y
// once the question could be read (question), quits; any other key stays,
// with nothing changed.
func (a *App) answerQuit(msg tea.KeyPressMsg) tea.Cmd {
	a.askingQuit = false
	a.resize()
	yes, _ := a.quitQuestion.answer(msg, a.c.keys.Yes, a.c.now())
	if yes || key.Matches(msg, a.c.keys.Quit) {
		return a.quit()
	}
	return nil
}

// quit ends the program on the agent's ctrl+c, keeping what was at risk.
func (a *App) quit() tea.Cmd {
	a.interrupted, a.leftAtRisk = true, a.atRisk()
	return tea.Quit
}

// atRisk is what every open view would lose or leave unfinished.
func (a *App) atRisk() []string {
	var out []string
	for _, v := range a.stack {
		if r, ok := v.(atRisk); ok {
			if what := r.AtRisk(); what != "" {
				out = append(out, what)
			}
		}
	}
	return out
}

// Interrupted reports whether the agent quit with ctrl+c (the command
// exits 130), and what was at risk then: an unsent entry, a change being
// sent (it stays pending in the journal).
func (a *App) Interrupted() (bool, []string) { return a.interrupted, a.leftAtRisk }

// spin starts the spinner when the current view became busy.
func (a *App) spin() tea.Cmd {
	if a.spinning || a.busy() == "" {
		return nil
	}
	a.spinning = true
	return a.spinner.Tick
}

// busy is what the current view waits on, "" when nothing.
func (a *App) busy() string {
	if b, ok := a.current().(busyView); ok {
		return b.Busy()
	}
	return ""
}

// escIsViews reports whether the current view uses esc itself now.
func (a *App) escIsViews() bool {
	e, ok := a.current().(escHandler)
	return ok && e.EscIsMine()
}

// capturesText reports whether the current view takes letters as typing.
func (a *App) capturesText() bool {
	t, ok := a.current().(textCapturer)
	return ok && t.CapturesText()
}

// describeWait says why the client is pausing, for the status line.
func describeWait(w client.Wait) string {
	secs := max(1, int(w.Duration.Round(time.Second)/time.Second))
	switch w.Reason {
	case "throttled":
		return fmt.Sprintf("Klaviyo asked us to wait %d s", secs)
	case "limit":
		return fmt.Sprintf("waiting %d s to stay under Klaviyo's rate limit", secs)
	}
	return fmt.Sprintf("retrying in %d s", secs)
}

// View lays out the status line, the current view and the help footer, in
// the alternate screen. It is on every keystroke's path, so it cuts and pads
// lines itself instead of restyling the whole screen: views wrap their own
// text, and the root only fits each line to the window.
func (a *App) View() tea.View {
	footer := a.footerView()
	footerHeight := lipgloss.Height(footer)
	status := a.statusLines()
	bodyHeight := a.bodyHeight(footer, len(status))
	var b strings.Builder
	a.writeLines(&b, strings.Join(status, "\n"), min(len(status), a.height))
	if len(status) == 1 && a.height > footerHeight+2 {
		b.WriteByte('\n')
	}
	a.writeLines(&b, a.current().View(), bodyHeight)
	a.writeLines(&b, footer, min(footerHeight, max(a.height-bodyHeight-max(len(status), 2), 0)))
	v := tea.NewView(strings.TrimSuffix(b.String(), "\n"))
	v.AltScreen = true
	v.WindowTitle = "Consent Desk"
	return v
}

// footerView renders the help footer of the current view, reusing the last
// rendering while the bindings, the width and the help mode are the same.
func (a *App) footerView() string {
	if a.askingQuit {
		return a.c.styles.Pending.Render(wrap("Quit now, leaving "+strings.Join(a.risks, " and ")+
			"? A change being sent stays in History as pending, to retry; what is unsent is lost. y/N (ctrl+c again quits)", a.innerWidth()))
	}
	var k strings.Builder
	fmt.Fprintf(&k, "%d/%t", a.help.Width(), a.help.ShowAll)
	if a.help.ShowAll {
		for _, group := range a.current().FullHelp() {
			writeBindingsKey(&k, group)
			k.WriteByte('|')
		}
	} else {
		writeBindingsKey(&k, a.current().ShortHelp())
	}
	if key := k.String(); key != a.footerKey || a.footer == "" {
		a.footerKey = key
		if a.help.ShowAll {
			a.footer = a.help.View(a.current())
		} else { // whole bindings give way from the right, never esc and ?
			a.footer = a.help.ShortHelpView(fitShortHelp(a.current().ShortHelp(), a.innerWidth(), a.help.ShortSeparator))
		}
	}
	return a.footer
}

// writeBindingsKey writes what the footer shows of bindings.
func writeBindingsKey(b *strings.Builder, bindings []key.Binding) {
	for _, kb := range bindings {
		h := kb.Help()
		fmt.Fprintf(b, "%s\x00%s\x00%t\x00", h.Key, h.Desc, kb.Enabled())
	}
}

// writeLines writes exactly n lines of text (cut, or padded with empty
// lines), each indented by one column and cut to the window's width.
func (a *App) writeLines(b *strings.Builder, text string, n int) {
	width := a.innerWidth()
	for i := 0; i < n; i++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		// A line no longer in bytes than the width cannot be wider in
		// cells; only longer ones need measuring.
		if len(line) > width && ansi.StringWidth(line) > width {
			line = ansi.Truncate(line, width, "…")
		}
		b.WriteByte(' ')
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

// innerWidth is the width inside the app's padding.
func (a *App) innerWidth() int { return max(a.width-2, 1) }

// bodyHeight is what is left for the view under the status lines (one
// and a blank line, or two or three when the window is narrow), and above
// the footer.
func (a *App) bodyHeight(footer string, statusHeight int) int {
	return max(a.height-max(statusHeight, 2)-lipgloss.Height(footer), 1)
}

// resize gives every view in the stack the body's size, under the status
// line and above the footer.
func (a *App) resize() {
	a.help.SetWidth(a.innerWidth())
	h := a.bodyHeight(a.footerView(), len(a.statusLines()))
	for _, v := range a.stack {
		v.SetSize(a.innerWidth(), h)
	}
}

// restyle rebuilds the styles for the terminal's background.
func (a *App) restyle(isDark bool) {
	*a.c.styles = *newStyles(isDark)
	a.help.Styles = a.c.styles.Help
	a.footerKey = "" // the cached footer has the old colours
}
