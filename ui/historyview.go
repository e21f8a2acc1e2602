package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// historyMode is what the history view is doing besides listing entries.
type historyMode int

// The history view's modes: each question holds the keys until answered,
// and defaults to No.
const (
	historyBrowsing       historyMode = iota
	historyConfirmRetry               // "Retry entry …? y/N": a retry that may send
	historyConfirmResend              // "Resend entry …? y/N": an accepted entry, after desk.ResendAfter
	historyNoting                     // typing the note of a dismissal
	historyConfirmDismiss             // "Dismiss entry … with the note …? y/N"
)

// historyNoteLimit bounds a dismissal's note, as the journal does.
const historyNoteLimit = 500

// retryResult is what came of a retry of entry entryID (its error says
// why nothing was sent).
type retryResult struct {
	entryID string
	// newID is the entry the retry recorded, "" when none was.
	newID string
	out   changeOutcome
}

// historyView lists the history's entries, newest first: when, what, for
// whom, which channels and list, where it was made, its state and result.
// r retries an entry that is not verified (made here: desk.Desk.Retry),
// after a y/N when it may send; R resends an accepted entry Klaviyo does
// not show after desk.ResendAfter; d dismisses an open entry with a
// note. A notice is about one entry and shows only while it is selected.
type historyView struct {
	c       *common
	entries []HistoryEntry
	// shown are the indexes of the entries the filter lets through, in
	// order; filter is its line (historyfilter.go).
	shown  []int
	filter historyFilter
	// lookup finds the profile of the entry enter opens.
	lookup request[[]client.Profile]
	// retries says which entries a retry still has something to do for.
	retries journal.Retries
	loadErr error
	// stamp is the journal's stamp when it was read (stamper).
	stamp string
	// win is the cursor and the screen over entries.
	win  window
	mode historyMode
	// confirmation is the y/N of the question being asked.
	confirmation question
	note         textinput.Model
	retry        request[retryResult]
	// retrying is the id of the entry being retried.
	retrying string
	// notice is about entry noticeFor: refused, or what came of a retry.
	notice    string
	noticeFor string
	problem   bool
	outcome   *changeOutcome
	width     int
	height    int
}

// newHistoryView returns the history view; it reads the entries on Init.
func newHistoryView(c *common) *historyView {
	in := textinput.New()
	in.Prompt = "note: "
	in.Placeholder = "why it needs nothing more (journaled with your name)"
	in.CharLimit = historyNoteLimit
	in.SetStyles(c.styles.Input)
	return &historyView{c: c, note: in, filter: newHistoryFilter(c)}
}

// Init reads the entries.
func (v *historyView) Init() tea.Cmd {
	v.reload()
	return nil
}

// stamper is a history that says when it changed (journal.File.Stamp).
type stamper interface{ Stamp() string }

// reloadIfChanged reads the entries again when the journal changed since
// they were read (another process retried or added one).
func (v *historyView) reloadIfChanged() {
	if st, ok := v.c.history.(stamper); ok && st.Stamp() != v.stamp {
		v.reload()
	}
}

// reload reads the entries again, keeping the cursor on the same entry.
func (v *historyView) reload() {
	if st, ok := v.c.history.(stamper); ok {
		v.stamp = st.Stamp()
	}
	var keep string
	if e, ok := v.selected(); ok {
		keep = e.ID
	}
	v.entries, v.loadErr = v.c.history.Entries()
	v.retries = journal.NewRetries(v.entries)
	v.refilter()
	v.win.moveTo(max(slices.IndexFunc(v.shown, func(i int) bool { return v.entries[i].ID == keep }), 0))
	v.win.scroll(v.listHeight(v.detailView()))
}

// selected is the entry under the cursor.
func (v *historyView) selected() (HistoryEntry, bool) {
	if v.win.cursor >= len(v.shown) {
		return HistoryEntry{}, false
	}
	return v.entries[v.shown[v.win.cursor]], true
}

// Update routes the retry's answer, keys and, while a note is typed, the
// note's input.
func (v *historyView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[retryResult]:
		if a, ok := v.retry.accept(msg); ok {
			v.retried(a.value, a.err)
		}
		return nil
	case answer[[]client.Profile]:
		if a, ok := v.lookup.accept(msg); ok {
			return v.foundProfile(a.value, a.err)
		}
		return nil
	case tea.KeyPressMsg:
		if v.mode == historyBrowsing && !v.retry.running() && !v.filter.typing {
			v.reloadIfChanged()
		}
		if v.filter.typing {
			return v.filterKey(msg)
		}
		return v.key(msg)
	}
	if v.filter.typing {
		return v.filter.update(msg, v.refilter)
	}
	if v.mode == historyNoting {
		var cmd tea.Cmd
		v.note, cmd = v.note.Update(msg)
		return cmd
	}
	return nil
}

// key handles a key press in the view's mode.
func (v *historyView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if v.retry.running() {
		if key.Matches(msg, k.Back) {
			v.retry.cancel()
			id := v.retrying
			v.retrying = ""
			v.setNotice(id, "Retry cancelled. If it had been sent, History lists it as pending, to retry.", false)
			v.reload()
		}
		return nil
	}
	switch v.mode {
	case historyConfirmRetry, historyConfirmResend:
		resend := v.mode == historyConfirmResend
		v.mode = historyBrowsing
		yes, tooSoon := v.confirmation.answer(msg, k.Yes, v.c.now())
		if yes {
			return v.startRetry(resend)
		}
		v.setNotice(v.selectedID(), "Not retried: nothing was sent."+soonNote(tooSoon), false)
		return nil
	case historyNoting:
		return v.noteKey(msg)
	case historyConfirmDismiss:
		v.mode = historyBrowsing
		yes, tooSoon := v.confirmation.answer(msg, k.Yes, v.c.now())
		if yes {
			v.dismiss()
			return nil
		}
		v.setNotice(v.selectedID(), "Not dismissed."+soonNote(tooSoon), false)
		return nil
	}
	if cmd, handled := v.askedForKey(msg); handled {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Retry):
		return v.askRetry(false)
	case key.Matches(msg, k.Resend):
		return v.askRetry(true)
	case key.Matches(msg, k.Dismiss):
		return v.startNote()
	}
	return nil
}

// move selects the entry n rows down (up when n < 0); a notice about
// another entry goes with it.
func (v *historyView) move(n int) {
	v.win.moveBy(n)
	if v.noticeFor != v.selectedID() {
		v.clearNotice()
	}
	v.win.scroll(v.listHeight(v.detailView()))
}

// selectedID is the id of the entry under the cursor, "" when none.
func (v *historyView) selectedID() string {
	e, _ := v.selected()
	return e.ID
}

// whyNotRetried says why the selected entry cannot be retried here (or
// resent, with resend), "" when it can.
func (v *historyView) whyNotRetried(e HistoryEntry, resend bool) string {
	id := model.SanitizeText(e.ID)
	switch by := v.retries.ResentAs(e.ID); {
	case !e.State.Open():
		return fmt.Sprintf("Entry %s is %s: nothing to retry.", id, e.State.Label())
	case by != "":
		return fmt.Sprintf("Entry %s was resent as entry %s: retry that one.", id, model.SanitizeText(by))
	case !e.Origin.Same(v.c.desk.Origin):
		return fmt.Sprintf("Entry %s was made on %s: not retried here (this is %s).", id,
			model.SanitizeText(e.Origin.String()), model.SanitizeText(v.c.desk.Origin.String()))
	case resend && e.State != StateAccepted:
		return fmt.Sprintf("Entry %s is %s: R resends only an entry Klaviyo accepted but does not show; r retries it.", id, e.State.Label())
	case resend && time.Since(acceptedAt(e)) < desk.ResendAfter:
		return fmt.Sprintf("Klaviyo accepted entry %s %s ago; its jobs can take minutes, so r reads it back. R resends it from %s after it was accepted.",
			id, roundedSince(acceptedAt(e)), desk.ResendAfter)
	}
	return ""
}

// acceptedAt is when Klaviyo accepted e, as well as the journal knows.
func acceptedAt(e HistoryEntry) time.Time {
	if e.AcceptedAt.IsZero() {
		return e.Updated
	}
	return e.AcceptedAt
}

// askRetry retries the selected entry: at once when it is only read back
// (nothing is sent), else after a y/N that says what may be sent.
func (v *historyView) askRetry(resend bool) tea.Cmd {
	e, ok := v.selected()
	if !ok {
		return nil
	}
	if why := v.whyNotRetried(e, resend); why != "" {
		v.setNotice(e.ID, why, true)
		return nil
	}
	v.clearNotice()
	switch {
	case resend:
		v.ask(historyConfirmResend)
	case e.State.ReadBackOnly():
		return v.startRetry(false)
	default:
		v.ask(historyConfirmRetry)
	}
	return nil
}

// ask opens question mode.
func (v *historyView) ask(mode historyMode) {
	v.mode = mode
	v.confirmation.open(v.c.now())
}

// soonNote is tooSoonNotice when tooSoon.
func soonNote(tooSoon bool) string {
	if tooSoon {
		return tooSoonNotice
	}
	return ""
}

// startRetry retries the selected entry through the desk, in the
// background.
func (v *historyView) startRetry(resend bool) tea.Cmd {
	e, ok := v.selected()
	if !ok {
		return nil
	}
	v.retrying = e.ID
	v.clearNotice()
	d := v.c.desk
	return v.retry.start(v.c.ctx, v, func(ctx context.Context) (retryResult, error) {
		out, err := d.Retry(ctx, e, desk.RetryOptions{Resend: resend})
		r := retryResult{entryID: e.ID, out: out}
		if err == nil && out.EntryID != e.ID {
			r.newID = out.EntryID
		}
		return r, err
	})
}

// retried shows what came of a retry, or why nothing was sent (notSent),
// and reads the entries again.
func (v *historyView) retried(msg retryResult, notSent error) {
	v.retrying = ""
	v.reload()
	if notSent != nil {
		v.setNotice(msg.entryID, "Not retried: "+model.SanitizeText(notSent.Error()), true)
		return
	}
	head := "Retried entry " + model.SanitizeText(msg.entryID)
	if msg.newID != "" {
		head += " as entry " + model.SanitizeText(msg.newID)
	}
	v.setNotice(msg.entryID, head+":", false)
	out := msg.out
	v.outcome = &out
}

// startNote opens the note of a dismissal of the selected entry.
func (v *historyView) startNote() tea.Cmd {
	e, ok := v.selected()
	if !ok {
		return nil
	}
	if !e.State.Open() {
		v.setNotice(e.ID, fmt.Sprintf("Entry %s is %s: there is nothing to dismiss.", model.SanitizeText(e.ID), e.State.Label()), true)
		return nil
	}
	v.clearNotice()
	v.mode = historyNoting
	v.note.SetValue("")
	return v.note.Focus()
}

// noteKey types the note; enter asks to confirm, esc cancels.
func (v *historyView) noteKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back):
		v.mode = historyBrowsing
		v.note.Blur()
		v.setNotice(v.selectedID(), "Not dismissed.", false)
		return nil
	case key.Matches(msg, k.Enter):
		if strings.TrimSpace(v.note.Value()) == "" {
			v.setNotice(v.selectedID(), "A dismissal needs a note saying why.", true)
			return nil
		}
		v.note.Blur()
		v.ask(historyConfirmDismiss)
		return nil
	}
	var cmd tea.Cmd
	v.note, cmd = v.note.Update(msg)
	return cmd
}

// dismiss puts the selected entry to rest with the note, through the desk.
func (v *historyView) dismiss() {
	e, ok := v.selected()
	if !ok {
		return
	}
	err := v.c.desk.Dismiss(e.ID, v.note.Value())
	v.reload()
	if err != nil {
		v.setNotice(e.ID, "Not dismissed: "+model.SanitizeText(err.Error()), true)
		return
	}
	v.setNotice(e.ID, "Entry "+model.SanitizeText(e.ID)+" dismissed: it is not retried or counted again.", false)
}

// setNotice sets the line about entry id; problem styles it as a refusal.
func (v *historyView) setNotice(id, text string, problem bool) {
	v.noticeFor, v.notice, v.problem, v.outcome = id, text, problem, nil
}

// clearNotice removes the notice.
func (v *historyView) clearNotice() { v.setNotice("", "", false) }

// Title names the view in the status line.
func (v *historyView) Title() string { return "history" }

// Busy says what the view waits on.
func (v *historyView) Busy() string {
	switch {
	case v.retry.running():
		return "retrying"
	case v.lookup.running():
		return "looking up the person's profile"
	}
	return ""
}

// EscIsMine: while a retry runs, esc cancels it; in a question or the
// note, esc answers No; with a filter, esc clears it; while a profile is
// looked up, esc cancels it.
func (v *historyView) EscIsMine() bool {
	return v.retry.running() || v.mode != historyBrowsing || v.filter.active() || v.lookup.running()
}

// CapturesText: while the note or the filter is typed, letters are typed.
func (v *historyView) CapturesText() bool { return v.mode == historyNoting || v.filter.typing }

// SetSize sets the size the view renders to.
func (v *historyView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.note.SetWidth(max(width-len(v.note.Prompt)-1, 10))
	v.filter.input.SetWidth(max(width-len(v.filter.input.Prompt)-1, 10))
	v.win.scroll(v.listHeight(v.detailView()))
}

// ShortHelp is the footer: the list's keys, a question's, or cancel during
// a retry.
func (v *historyView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.retry.running():
		return []key.Binding{k.CancelRetry}
	case v.mode == historyNoting:
		return []key.Binding{k.DismissWithNote, k.Cancel}
	case v.mode != historyBrowsing:
		return []key.Binding{k.Yes, k.AnyOtherKeyNo}
	case v.filter.typing:
		return []key.Binding{relabel(k.Enter, "keep the filter"), relabel(k.Back, "clear it")}
	case v.lookup.running():
		return []key.Binding{k.Cancel}
	case len(v.entries) == 0:
		return []key.Binding{k.Back, k.Help}
	}
	return []key.Binding{k.Up, k.Down, relabel(k.OpenEntry, "profile"), k.Filter, k.Retry, relabel(k.Dismiss, "dismiss"), k.Help}
}

// FullHelp is every key the view answers to now.
func (v *historyView) FullHelp() [][]key.Binding {
	if v.mode != historyBrowsing || v.retry.running() || v.filter.typing || v.lookup.running() || len(v.entries) == 0 {
		return [][]key.Binding{v.ShortHelp(), {v.c.keys.Quit}}
	}
	k := v.c.keys
	return [][]key.Binding{{k.RowUp, k.RowDown, k.HistoryPageUp, k.HistoryPageDown, k.HistoryTop, k.HistoryBottom},
		{k.OpenEntry, k.Filter, k.Retry, k.Resend, k.Dismiss}, {k.Back, k.LeaveView, k.Help, k.Quit}}
}

// AtRisk says what quitting now would leave unfinished: a retry being
// sent.
func (v *historyView) AtRisk() string {
	if v.retry.running() {
		return "a retry being sent"
	}
	return ""
}
