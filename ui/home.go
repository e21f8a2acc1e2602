package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// homeView lists the actions and anything pending in the history. It is
// the bottom of the view stack.
type homeView struct {
	c      *common
	width  int
	height int
	// vp keeps the actions on screen in a short window, the warnings
	// (journal damage, entries to retry) pinned under them.
	vp viewport
	// tally counts the history's entries a retry still has something
	// to do for (journal.Retries), read when home is shown (not on every
	// frame, and off the UI's goroutine: the history is a file that only
	// grows); historyErr is why it could not be read; counting is the
	// read, of which only the latest is shown.
	tally      journal.Tally
	historyErr error
	// damage is the journal's lines that could not be read (skipped).
	damage   []journal.Problem
	counting request[historyCount]
}

// historyCount is what a read of the history found: the tally of the
// entries that need attention, and the lines that could not be read.
type historyCount struct {
	tally  journal.Tally
	damage []journal.Problem
}

// damageReporter is a history that says which of its lines it had to skip
// (the journal file: a line torn by a crash, or damaged).
type damageReporter interface {
	Read() ([]journal.Entry, []journal.Problem, error)
}

// newHomeView returns home; Init counts the history.
func newHomeView(c *common) *homeView { return &homeView{c: c} }

// Init counts the history's entries that are not verified.
func (h *homeView) Init() tea.Cmd { return h.count() }

// Revealed counts them again when the agent comes back.
func (h *homeView) Revealed() tea.Cmd { return h.count() }

// count reads the history in the background and counts the entries that
// are not verified and not resent by a later one.
func (h *homeView) count() tea.Cmd {
	history, here := h.c.history, h.c.desk.Origin
	return h.counting.start(h.c.ctx, h, func(context.Context) (historyCount, error) {
		var entries []journal.Entry
		var damage []journal.Problem
		var err error
		if r, ok := history.(damageReporter); ok {
			entries, damage, err = r.Read()
		} else {
			entries, err = history.Entries()
		}
		return historyCount{tally: journal.NewRetries(entries).Tally(entries, here), damage: damage}, err
	})
}

// Update takes the history's count and the keys of the actions.
func (h *homeView) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(answer[historyCount]); ok {
		if a, ok := h.counting.accept(msg); ok {
			h.tally, h.historyErr, h.damage = a.value.tally, a.err, a.value.damage
		}
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, h.c.keys.Subscribe):
		return open(newFormView(h.c))
	case key.Matches(k, h.c.keys.Members):
		c := h.c
		return open(newListPicker(c, "members of which list?", func(l client.List) tea.Cmd {
			return replace(newMembersView(c, l))
		}))
	case key.Matches(k, h.c.keys.Check):
		return open(newCheckView(h.c))
	case key.Matches(k, h.c.keys.History):
		return open(newHistoryView(h.c))
	case key.Matches(k, h.c.keys.Import):
		return open(newImportView(h.c))
	case key.Matches(k, h.c.keys.Leave):
		return tea.Quit
	}
	return nil
}

// View is the actions, what in the journal needs attention and the
// account's SMS countries.
func (h *homeView) View() string {
	s := h.c.styles
	var warnings []string
	if line := h.damageLine(); line != "" {
		warnings = append(warnings, strings.Split(s.Bad.Render(wrap(line, h.width)), "\n")...)
	}
	if h.historyErr != nil {
		warnings = append(warnings, strings.Split(s.Bad.Render(wrap("✗ The history cannot be read: "+model.SanitizeText(h.historyErr.Error()), h.width)), "\n")...)
	} else if line := h.tallyLine(); line != "" {
		warnings = append(warnings, strings.Split(s.Pending.Render(wrap(line, h.width)), "\n")...)
	}
	b := h.body(homeDescriptions[:])
	if h.height > 0 && b.focus.end+1+len(warnings) > h.height {
		// The full descriptions would push an action or a warning off
		// the window: a few words each.
		b = h.body(homeBriefly[:])
	}
	b.pinned = warnings
	if h.height <= 0 {
		return strings.Join(append(append(b.lines, blankIf(len(b.pinned) > 0)...), b.pinned...), "\n")
	}
	return h.vp.render(b, h.height, s)
}

// body is home's lines with descriptions for its actions, which have the
// focus: a short window keeps them on screen.
func (h *homeView) body(descriptions []string) body {
	s := h.c.styles
	var b body
	b.add(s.Label.Render("What would you like to do?"))
	b.add("")
	first := len(b.lines)
	for i, k := range h.actions() {
		indent := 4 + lipgloss.Width(k.Help().Key) // wrapped under the description, not cut
		b.add("  " + s.Key.Render(k.Help().Key) + "  " + indentWrap(descriptions[i], h.width-indent, indent))
	}
	b.focus = span{first, len(b.lines)}
	b.add("")
	b.add(s.Muted.Render(wrap("SMS countries for this account: "+strings.ReplaceAll(h.c.rules.Policy.String(), ",", ", "), h.width)))
	return b
}

// damageLine says which journal lines could not be read, "" when none:
// what was on them is not in History.
func (h *homeView) damageLine() string {
	if len(h.damage) == 0 {
		return ""
	}
	first := model.SanitizeShort(h.damage[0].String(), 120)
	more := ""
	if len(h.damage) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(h.damage)-1)
	}
	return fmt.Sprintf("✗ The journal has %d %s it could not read, skipped: %s%s. History does not show what %s; consent history names them.",
		len(h.damage), present.Plural(len(h.damage), "line", "lines"), first, more, present.Plural(len(h.damage), "it held", "they held"))
}

// tallyLine says what in the history needs attention, "" when nothing.
func (h *homeView) tallyLine() string {
	t := h.tally
	var parts []string
	if n := t.Unverified - t.Awaiting; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not verified", n, present.Plural(n, "entry is", "entries are")))
	}
	if t.Awaiting > 0 {
		parts = append(parts, fmt.Sprintf("%d %s for the person's double opt-in confirmation", t.Awaiting, present.Plural(t.Awaiting, "waits", "wait")))
	}
	if t.Elsewhere > 0 {
		parts = append(parts, fmt.Sprintf("%d made on another backend or account %s not retried here", t.Elsewhere, present.Plural(t.Elsewhere, "is", "are")))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ": press h to review."
}

// homeDescriptions say what each of actions() does, in full.
var homeDescriptions = [...]string{
	"subscribe someone to a list, with email and SMS consent",
	"browse a list's members",
	"check a phone number's or email's consent",
	"history: what you submitted, and retry what did not go through",
	"import a sign-up sheet (CSV): a verdict for every row, then send",
	"quit",
}

// homeBriefly say the same in a few words each, for a window too short
// for the full descriptions.
var homeBriefly = [...]string{
	"subscribe someone",
	"a list's members",
	"check a number or email",
	"history and retries",
	"import a sheet",
	"quit",
}

// actions are home's keys, in the order homeDescriptions describes them.
func (h *homeView) actions() []key.Binding {
	k := h.c.keys
	return []key.Binding{k.Subscribe, k.Members, k.Check, k.History, k.Import, k.Leave}
}

// Title names the view in the status line.
func (h *homeView) Title() string { return "home" }

// SetSize sets the width the view renders to.
func (h *homeView) SetSize(width, height int) { h.width, h.height = width, height }

// ShortHelp is the footer: the actions.
func (h *homeView) ShortHelp() []key.Binding { return append(h.actions(), h.c.keys.Help) }

// FullHelp is every key of home.
func (h *homeView) FullHelp() [][]key.Binding {
	return [][]key.Binding{h.actions(), {h.c.keys.Help, h.c.keys.Quit}}
}
