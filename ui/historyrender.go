package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// The history list's layout: lines per entry, the state column's width
// ("– dismissed"), and the width below which when and action move to the
// entry's second line.
const (
	historyRowHeight  = 2
	historyStateWidth = 11
	historyWideEnough = 72
)

// View is the list of entries, then the selected one's detail: its result,
// a question being asked, or the last notice about it.
func (v *historyView) View() string {
	s := v.c.styles
	switch {
	case v.loadErr != nil:
		return s.Bad.Render(wrap("✗ The history could not be read: "+model.SanitizeText(v.loadErr.Error()), v.width))
	case len(v.entries) == 0:
		return s.Muted.Render(wrap("No subscribes or unsubscribes yet. Each one sent from this desk is listed here, newest first, with its state.", v.width))
	}
	detail := v.detailView()
	start, end := v.win.span(v.listHeight(detail))
	var b strings.Builder
	b.WriteString(s.Muted.Render(v.countLine()) + "\n")
	if line := v.filterLine(); line != "" {
		b.WriteString(line + "\n")
	}
	for i := start; i < end; i++ {
		b.WriteString(v.rowView(v.entries[v.shown[i]], i == v.win.cursor) + "\n")
	}
	b.WriteString("\n" + detail)
	return b.String()
}

// listHeight is how many entries fit between the count line and the
// selected entry's detail.
func (v *historyView) listHeight(detail string) int {
	return max((v.height-1-v.filterHeight()-lipgloss.Height(detail)-1)/historyRowHeight, 1)
}

// countLine says how many entries there are and how many need attention.
func (v *historyView) countLine() string {
	// The rows' times are local; their zone is said once, here.
	line := fmt.Sprintf("%d %s, newest first, times %s", len(v.entries), present.Plural(len(v.entries), "entry", "entries"), present.Zone(time.Now()))
	if v.filter.query() != "" {
		line = fmt.Sprintf("%d of %d %s match", len(v.shown), len(v.entries), present.Plural(len(v.entries), "entry", "entries"))
	}
	t := v.retries.Tally(v.entries, v.c.desk.Origin)
	if t.Unverified > 0 {
		line += fmt.Sprintf(" · %d not verified", t.Unverified)
		if t.Awaiting > 0 {
			line += fmt.Sprintf(" (%d awaiting double opt-in)", t.Awaiting)
		}
	}
	if t.Elsewhere > 0 {
		line += fmt.Sprintf(" · %d made elsewhere", t.Elsewhere)
	}
	if w, ok := v.c.history.(teamJournal); ok && w.Team() {
		line += " · team journal " + model.SanitizeText(w.Where())
	}
	return line
}

// teamJournal is a history kept in a team's database: Where names it, its
// password redacted.
type teamJournal interface {
	Team() bool
	Where() string
}

// rowView is one entry in two lines: when, action, state and who; then the
// channels, the list, where it was made and the result. Below
// historyWideEnough, when and action move to the second line to leave room
// for who.
func (v *historyView) rowView(e HistoryEntry, selected bool) string {
	s := v.c.styles
	marker := "  "
	if selected {
		marker = s.Key.Render("› ")
	}
	state := v.stateView(e)
	if e.ID == v.retrying {
		state = s.Pending.Render("… retrying")
	}
	when := e.At.Local().Format("2006-01-02 15:04")
	action := model.SanitizeShort(string(e.Action), 11)
	head := fmt.Sprintf("%-16s  %-11s ", when, action)
	second := "    " + v.entryWhat(e)
	if v.width < historyWideEnough {
		head = ""
		second = "    " + when + " · " + action + " · " + v.entryWhat(e)
	}
	who := entryWho(e.Request)
	if selected {
		head, who = s.Label.Render(head), s.Label.Render(who)
	}
	first := marker + head + padRight(state, historyStateWidth) + " " + who
	return ansi.Truncate(first, v.width, "…") + "\n" + s.Muted.Render(ansi.Truncate(second, v.width, "…"))
}

// stateView is an entry's state with a mark and its style; an open entry
// a later one resent says so.
func (v *historyView) stateView(e HistoryEntry) string {
	s := v.c.styles
	if e.State.Open() && v.retries.ResentAs(e.ID) != "" {
		return s.Muted.Render("↻ resent")
	}
	switch e.State {
	case StateVerified:
		return s.Good.Render("✓ verified")
	case StateAwaitingConfirmation:
		return s.Pending.Render("… opt-in")
	case StateAccepted:
		return s.Pending.Render("→ accepted")
	case StatePending:
		return s.Pending.Render("… pending")
	case StateFailed:
		return s.Bad.Render("✗ failed")
	case StateRefused:
		return s.Bad.Render("✗ refused")
	case StateDismissed:
		return s.Muted.Render("– dismissed")
	}
	return model.SanitizeText(string(e.State))
}

// detailView is the selected entry in full (state, where and by whom, its
// result), then the question being asked of it or the last notice and
// retry outcome about it.
func (v *historyView) detailView() string {
	s := v.c.styles
	var lines []string
	e, ok := v.selected()
	if ok {
		lines = append(lines, firstLines(wrap(v.entryDetail(e), v.width), max(v.height/4, 1), v.width))
	}
	switch v.mode {
	case historyConfirmRetry:
		lines = append(lines, s.Pending.Render(wrap(v.retryQuestion(e), v.width)))
	case historyConfirmResend:
		lines = append(lines, s.Pending.Render(wrap(fmt.Sprintf("Resend entry %s to Klaviyo: %s %s (%s)? Klaviyo accepted it %s ago and the profile still does not show it. y/N",
			model.SanitizeText(e.ID), model.SanitizeText(string(e.Action)), entryWho(e.Request), channelLabels(e.Request.Channels), roundedSince(acceptedAt(e))), v.width)))
	case historyNoting:
		lines = append(lines, s.Label.Render(wrap("Dismiss entry "+model.SanitizeText(e.ID)+": it will not be retried or counted again.", v.width)), v.note.View())
	case historyConfirmDismiss:
		lines = append(lines, s.Pending.Render(wrap(fmt.Sprintf("Dismiss entry %s (%s %s) with the note %q? y/N",
			model.SanitizeText(e.ID), model.SanitizeText(string(e.Action)), entryWho(e.Request), model.SanitizeText(v.note.Value())), v.width)))
	}
	if v.notice != "" && v.noticeFor == e.ID {
		style := s.Pending
		if v.problem {
			style = s.Bad
		}
		lines = append(lines, style.Render(wrap(v.notice, v.width)))
		if v.outcome != nil {
			lines = append(lines, renderChangeOutcome(*v.outcome, s, v.width))
		}
	}
	return strings.Join(lines, "\n")
}

// retryQuestion asks before a retry that may send e again.
func (v *historyView) retryQuestion(e HistoryEntry) string {
	return fmt.Sprintf("Retry entry %s: %s %s (%s)? Klaviyo's profile is read first; it is sent again only if Klaviyo does not show it and the person's consent has not changed since. y/N",
		model.SanitizeText(e.ID), model.SanitizeText(string(e.Action)), entryWho(e.Request), channelLabels(e.Request.Channels))
}

// entryDetail is the selected entry in words.
func (v *historyView) entryDetail(e HistoryEntry) string {
	parts := []string{"Entry " + model.SanitizeText(e.ID), present.Stamp(e.At.Local(), "2006-01-02 15:04:05"), model.SanitizeText(e.State.Label())}
	if by := v.retries.ResentAs(e.ID); by != "" {
		parts = append(parts, "resent as "+model.SanitizeText(by))
	}
	made := "made on " + model.SanitizeText(e.Origin.String())
	if e.Agent != "" {
		made += " by " + model.SanitizeText(e.Agent)
	}
	if !e.Origin.Same(v.c.desk.Origin) {
		made += " (not here: not retried)"
	}
	parts = append(parts, made)
	if e.Request.ListID != "" {
		parts = append(parts, "list "+v.listName(e.Request.ListID)+" ("+model.SanitizeText(e.Request.ListID)+")")
	}
	if e.Request.Source != "" {
		parts = append(parts, "source "+model.SanitizeText(e.Request.Source))
	}
	if e.Note != "" {
		by := ""
		if e.NoteBy != "" {
			by = " by " + model.SanitizeText(e.NoteBy)
		}
		parts = append(parts, "dismissed"+by+": "+model.SanitizeText(e.Note))
	} else if e.Result != "" {
		parts = append(parts, model.SanitizeText(e.Result))
	} else {
		parts = append(parts, "no result recorded")
	}
	return strings.Join(parts, " · ")
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

// channelLabels lists channels as a person reads them.
func channelLabels(chs []model.Channel) string {
	labels := make([]string, len(chs))
	for i, ch := range chs {
		labels[i] = model.SanitizeText(ch.Label())
	}
	return strings.Join(labels, ", ")
}

// entryWhat is an entry's channels, list, origin, agent and result on one
// line.
func (v *historyView) entryWhat(e HistoryEntry) string {
	list := "no list"
	if e.Request.ListID != "" {
		list = "list " + v.listName(e.Request.ListID)
	}
	on := "on " + model.SanitizeText(e.Origin.Short())
	if !e.Origin.Same(v.c.desk.Origin) {
		on += " (not here)"
	}
	parts := []string{channelLabels(e.Request.Channels), list, on}
	if e.Agent != "" { // a team's journal holds every agent's entries
		parts = append(parts, "by "+model.SanitizeText(e.Agent))
	}
	switch {
	case e.Note != "":
		parts = append(parts, "dismissed: "+model.SanitizeText(e.Note))
	case e.Result != "":
		parts = append(parts, model.SanitizeText(e.Result))
	}
	return strings.Join(parts, " · ")
}

// padRight pads a styled string with spaces to n cells.
func padRight(styled string, n int) string {
	return styled + strings.Repeat(" ", max(n-lipgloss.Width(styled), 0))
}

// roundedSince is how long ago t was, to the minute: "3h10m0s" reads "3h10m".
func roundedSince(t time.Time) string {
	d := time.Since(t).Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	return strings.TrimSuffix(d.String(), "0s")
}
