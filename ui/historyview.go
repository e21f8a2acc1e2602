package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// The history list's layout: lines per entry, and the state column's width
// ("… retrying").
const (
	historyRowHeight  = 2
	historyStateWidth = 10
	historyWideEnough = 72
)

// historyRetriedMsg is what came of a history view's retry (seq) of an
// entry: the new submit's outcome, or why it was not sent.
type historyRetriedMsg struct {
	view    *historyView
	seq     int
	entryID string
	// newID is the entry the retry recorded, "" when none was found.
	newID string
	out   changeOutcome
	// notSent says why nothing was sent (the list could not be read).
	notSent error
}

// historyView lists the history's entries, newest first: when, what, for
// whom, which channels and list, its state and result. r retries a pending
// or failed entry: the stored request is checked again with the account's
// rules and, if it passes, sent again through submitChange, which records a
// new entry.
type historyView struct {
	c       *common
	entries []HistoryEntry
	// retries says which entries a retry still has something to do for.
	retries journal.Retries
	loadErr error
	cursor  int
	retry   inflight
	// retrying is the id of the entry being retried.
	retrying string
	// notice is about the last retry: refused, or what came of it.
	notice  string
	problem bool
	outcome *changeOutcome
	width   int
	height  int
}

// newHistoryView returns the history view; it reads the entries on Init.
func newHistoryView(c *common) *historyView { return &historyView{c: c} }

// Init reads the entries.
func (v *historyView) Init() tea.Cmd {
	v.reload()
	return nil
}

// reload reads the entries again, keeping the cursor on the same entry.
func (v *historyView) reload() {
	var keep string
	if e, ok := v.selected(); ok {
		keep = e.ID
	}
	v.entries, v.loadErr = v.c.history.Entries()
	v.retries = journal.NewRetries(v.entries)
	v.cursor = max(slices.IndexFunc(v.entries, func(e HistoryEntry) bool { return e.ID == keep }), 0)
}

// selected is the entry under the cursor.
func (v *historyView) selected() (HistoryEntry, bool) {
	if v.cursor < 0 || v.cursor >= len(v.entries) {
		return HistoryEntry{}, false
	}
	return v.entries[v.cursor], true
}

// Update routes the retry's answer and keys.
func (v *historyView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyRetriedMsg:
		if v.retry.answers(msg.seq) {
			v.retried(msg)
		}
		return nil
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil
}

// key moves the cursor, retries, or cancels a running retry.
func (v *historyView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if v.retry.running() {
		if key.Matches(msg, k.Back) {
			v.retry.abandon()
			v.retrying = ""
			v.setNotice("Retry cancelled. If it had been sent, History lists it as pending, to retry.", false)
			v.reload()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		v.cursor = max(v.cursor-1, 0)
	case key.Matches(msg, k.Down):
		v.cursor = min(v.cursor+1, max(len(v.entries)-1, 0))
	case key.Matches(msg, k.Retry):
		return v.startRetry()
	}
	return nil
}

// startRetry checks the selected entry's request again and, if it passes,
// sends it again; otherwise says why not.
func (v *historyView) startRetry() tea.Cmd {
	e, ok := v.selected()
	if !ok {
		return nil
	}
	if !v.retries.Needed(e) {
		reason := fmt.Sprintf("Entry %s is %s: nothing to retry.", model.SanitizeText(e.ID), e.State)
		if by := v.retries.ResentAs(e.ID); by != "" {
			reason = fmt.Sprintf("Entry %s was resent as entry %s: retry that one.", model.SanitizeText(e.ID), model.SanitizeText(by))
		}
		v.setNotice(reason, true)
		return nil
	}
	ctx, seq := v.retry.begin(v.c.ctx)
	v.retrying, v.notice, v.outcome = e.ID, "", nil
	view, c := v, v.c
	return func() tea.Msg {
		out, err := journal.Retry(ctx, c.history, c.client, c.rules, e)
		msg := historyRetriedMsg{view: view, seq: seq, entryID: e.ID, out: out, notSent: err}
		if out.EntryID != e.ID {
			msg.newID = out.EntryID
		}
		return msg
	}
}

// retried shows what came of a retry and reads the entries again.
func (v *historyView) retried(msg historyRetriedMsg) {
	v.retry.done()
	v.retrying = ""
	v.reload()
	if msg.notSent != nil {
		v.setNotice("Not retried: "+model.SanitizeText(msg.notSent.Error()), true)
		return
	}
	head := "Retried entry " + model.SanitizeText(msg.entryID)
	if msg.newID != "" {
		head += " as entry " + model.SanitizeText(msg.newID)
	}
	v.setNotice(head+":", false)
	out := msg.out
	v.outcome = &out
}

// setNotice sets the line about the last retry; problem styles it as a
// refusal.
func (v *historyView) setNotice(text string, problem bool) {
	v.notice, v.problem, v.outcome = text, problem, nil
}

// View is the list of entries, then the selected one's result and the last
// retry's outcome.
func (v *historyView) View() string {
	s := v.c.styles
	switch {
	case v.loadErr != nil:
		return s.Bad.Render(wrap("✗ The history could not be read: "+model.SanitizeText(v.loadErr.Error()), v.width))
	case len(v.entries) == 0:
		return s.Muted.Render(wrap("No subscribes or unsubscribes yet. Each one sent from this desk is listed here, newest first, with its state.", v.width))
	}
	detail := v.detailView()
	rows := max((v.height-1-lipgloss.Height(detail)-1)/historyRowHeight, 1)
	start := max(0, min(v.cursor-rows/2, len(v.entries)-rows))
	var b strings.Builder
	b.WriteString(s.Muted.Render(v.countLine()) + "\n")
	for i := start; i < len(v.entries) && i < start+rows; i++ {
		b.WriteString(v.rowView(v.entries[i], i == v.cursor) + "\n")
	}
	b.WriteString("\n" + detail)
	return b.String()
}

// countLine says how many entries there are and how many need attention.
func (v *historyView) countLine() string {
	line := fmt.Sprintf("%d %s, newest first", len(v.entries), plural(len(v.entries), "entry", "entries"))
	if open := v.retries.Count(v.entries); open > 0 {
		line += fmt.Sprintf(" · %d not verified", open)
	}
	return line
}

// rowView is one entry in two lines: when, action, state and who; then the
// channels, the list and the result. Below historyWideEnough, when and
// action move to the second line to leave room for who.
func (v *historyView) rowView(e HistoryEntry, selected bool) string {
	s := v.c.styles
	marker := "  "
	if selected {
		marker = s.Key.Render("› ")
	}
	state := v.stateView(e.State)
	if e.ID == v.retrying {
		state = s.Pending.Render("… retrying")
	}
	head := fmt.Sprintf("%-16s  %-11s ", e.At.Local().Format("2006-01-02 15:04"), model.SanitizeText(e.Action))
	second := "    " + entryWhat(e)
	if v.width < historyWideEnough {
		head = ""
		second = "    " + e.At.Local().Format("2006-01-02 15:04") + " · " + model.SanitizeText(e.Action) + " · " + entryWhat(e)
	}
	who := entryWho(e.Request)
	if selected {
		head, who = s.Label.Render(head), s.Label.Render(who)
	}
	first := marker + head + padRight(state, historyStateWidth) + " " + who
	return ansi.Truncate(first, v.width, "…") + "\n" + s.Muted.Render(ansi.Truncate(second, v.width, "…"))
}

// stateView is an entry's state with a mark and its style.
func (v *historyView) stateView(state string) string {
	s := v.c.styles
	switch state {
	case StateVerified:
		return s.Good.Render("✓ verified")
	case StateFailed:
		return s.Bad.Render("✗ failed")
	case StateSent:
		return s.Pending.Render("→ sent")
	case StatePending:
		return s.Pending.Render("… pending")
	}
	return model.SanitizeText(state)
}

// detailView is the selected entry's full result, and the last retry's
// notice and outcome.
func (v *historyView) detailView() string {
	s := v.c.styles
	var lines []string
	if e, ok := v.selected(); ok {
		result := model.SanitizeText(e.Result)
		if result == "" {
			result = "no result recorded"
		}
		text := wrap(fmt.Sprintf("Entry %s · %s · %s", model.SanitizeText(e.ID), e.At.Local().Format("2006-01-02 15:04:05"), result), v.width)
		lines = append(lines, firstLines(text, max(v.height/4, 1), v.width))
	}
	if v.notice != "" {
		style := s.Pending
		if v.problem {
			style = s.Bad
		}
		lines = append(lines, style.Render(wrap(v.notice, v.width)))
	}
	if v.outcome != nil {
		lines = append(lines, renderChangeOutcome(*v.outcome, s, v.width))
	}
	return strings.Join(lines, "\n")
}

// firstLines is text cut to its first n lines, with an ellipsis ending the
// last within width when cut.
func firstLines(text string, n, width int) string {
	lines := strings.SplitN(text, "\n", n+1)
	if len(lines) <= n {
		return text
	}
	last := lines[n-1] + " …"
	if ansi.StringWidth(last) > width {
		last = ansi.Truncate(lines[n-1], width, "…")
	}
	return strings.Join(append(lines[:n-1], last), "\n")
}

// entryWho is whom an entry was for: its email and phone.
func entryWho(r model.ConsentRequest) string {
	var who []string
	for _, id := range []string{r.Email, r.Phone} {
		if id != "" {
			who = append(who, model.SanitizeText(id))
		}
	}
	if len(who) == 0 {
		return "(nobody)"
	}
	return strings.Join(who, ", ")
}

// entryWhat is an entry's channels, list and result on one line.
func entryWhat(e HistoryEntry) string {
	labels := make([]string, len(e.Request.Channels))
	for i, ch := range e.Request.Channels {
		labels[i] = model.SanitizeText(ch.Label())
	}
	list := "no list"
	if e.Request.ListID != "" {
		list = "list " + model.SanitizeText(e.Request.ListID)
	}
	parts := []string{strings.Join(labels, ", "), list}
	if e.Result != "" {
		parts = append(parts, model.SanitizeText(e.Result))
	}
	return strings.Join(parts, " · ")
}

// padRight pads a styled string with spaces to n cells.
func padRight(styled string, n int) string {
	return styled + strings.Repeat(" ", max(n-lipgloss.Width(styled), 0))
}

// Title names the view in the status line.
func (v *historyView) Title() string { return "history" }

// Busy says what the view waits on.
func (v *historyView) Busy() string {
	if v.retry.running() {
		return "retrying"
	}
	return ""
}

// EscIsMine: while a retry runs, esc cancels it instead of leaving.
func (v *historyView) EscIsMine() bool { return v.retry.running() }

// SetSize sets the size the view renders to.
func (v *historyView) SetSize(width, height int) { v.width, v.height = width, height }

// ShortHelp is the footer: the list's keys, or cancel during a retry.
func (v *historyView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.retry.running():
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel the retry"))}
	case len(v.entries) == 0:
		return []key.Binding{k.Back, k.Help}
	}
	return []key.Binding{k.Up, k.Down, k.Retry, k.Back, k.Help}
}

// FullHelp is every key the view answers to now.
func (v *historyView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.keys.Quit}}
}
