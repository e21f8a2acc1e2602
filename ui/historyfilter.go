package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// historyFilterLimit bounds History's filter line.
const historyFilterLimit = 100

// historyFilter is History's filter: / opens its line, typing narrows the
// entries to those whose person (email, phone), state, action, list, id or
// agent contain what is typed, and to the fields typed (agent:, since:,
// state:, account:, person:); enter keeps it, esc clears it.
type historyFilter struct {
	input  textinput.Model
	typing bool
}

// newHistoryFilter returns a closed, empty filter.
func newHistoryFilter(c *common) historyFilter {
	return newTextFilter(c, "email, phone, state, list; agent:NAME since:7d state:pending account:A")
}

// newTextFilter returns a closed, empty filter line whose placeholder
// says what it matches (History's, the import's tables).
func newTextFilter(c *common, placeholder string) historyFilter {
	in := textinput.New()
	in.Prompt = "filter: "
	in.Placeholder = placeholder
	in.CharLimit = historyFilterLimit
	in.SetStyles(c.styles.Input)
	return historyFilter{input: in}
}

// query is the filter as matched: folded (foldForMatch), "" for none.
func (f *historyFilter) query() string { return foldForMatch(strings.TrimSpace(f.input.Value())) }

// active reports whether the filter is open or narrows the entries.
func (f *historyFilter) active() bool { return f.typing || f.query() != "" }

// update gives msg to the line, and calls changed when its text changed.
func (f *historyFilter) update(msg tea.Msg, changed func()) tea.Cmd {
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		changed()
	}
	return cmd
}

// refilter recomputes which entries the filter lets through, keeping the
// cursor on a shown entry.
func (v *historyView) refilter() {
	fields, text := v.teamFilter(v.filter.input.Value())
	q := foldForMatch(text)
	digits := phoneDigits(q)
	v.shown = v.shown[:0]
	for i, e := range v.entries {
		if !fields.Match(e) {
			continue
		}
		if q == "" || strings.Contains(v.matchText(e), q) || (digits != "" && strings.Contains(phoneDigits(e.Request.Phone), digits)) {
			v.shown = append(v.shown, i)
		}
	}
	v.win.setCount(len(v.shown))
	v.win.scroll(v.listHeight(v.detailView()))
}

// teamFilter reads the filter's fields for a team's journal — agent:NAME,
// since:7d (or a date), state:pending, account:NAME, person:EMAIL|PHONE —
// and returns them with the rest of the text, matched as before. A field
// whose value cannot be read stays in the text (and so matches little).
func (v *historyView) teamFilter(typed string) (journal.Filter, string) {
	var f journal.Filter
	var rest []string
	for _, word := range strings.Fields(typed) {
		key, value, ok := strings.Cut(word, ":")
		var err error
		switch key = strings.ToLower(key); {
		case !ok || value == "":
			err = errNotAField
		case key == "agent":
			f.Agent = value
		case key == "account":
			f.Account = value
		case key == "since":
			f.Since, err = journal.ParseSince(value, v.c.now())
		case key == "state":
			err = f.SetState(value)
		case key == "person":
			err = f.SetPerson(value, v.c.rules)
		default:
			err = errNotAField
		}
		if err != nil {
			rest = append(rest, word)
		}
	}
	return f, strings.Join(rest, " ")
}

// errNotAField is a filter word that is not one of teamFilter's fields.
var errNotAField = errors.New("not a field")

// phoneDigits is the digits of s when s reads as (part of) a phone
// number, "+1 (617) 547-5595" or "617 547", so that a number is found
// however it is spaced; "" when s has anything else or no digit.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +-().", r):
		default:
			return ""
		}
	}
	return b.String()
}

// matchText is what the filter matches in an entry, as shown and folded.
func (v *historyView) matchText(e HistoryEntry) string {
	parts := []string{e.Request.Email, e.Request.Phone, e.State.Label(), string(e.State), string(e.Action), e.ID, e.Agent}
	if e.Request.ListID != "" {
		parts = append(parts, e.Request.ListID, v.listName(e.Request.ListID))
	}
	if a := v.c.rules.Analyze(e.Request.Phone); a.Valid {
		parts = append(parts, a.E164, a.Formatted)
	}
	return foldForMatch(model.SanitizeText(strings.Join(parts, "\x00")))
}

// listName is the name of list id as the app last loaded the lists, else
// the id.
func (v *historyView) listName(id string) string {
	if name, ok := v.c.lists.name(id); ok {
		return model.SanitizeShort(name, 40)
	}
	return model.SanitizeText(id)
}

// filterHeight is the lines the filter takes above the entries.
func (v *historyView) filterHeight() int {
	if v.filterLine() == "" {
		return 0
	}
	return 1
}

// filterLine is the filter's line while it is open or narrows the list.
func (v *historyView) filterLine() string {
	switch {
	case v.filter.typing:
		return v.filter.input.View()
	case v.filter.active():
		return v.c.styles.Muted.Render(fmt.Sprintf("filter: %s (/ edits, esc clears)", model.SanitizeShort(v.filter.input.Value(), 40)))
	}
	return ""
}

// filterKey handles a key while the filter's line is open: enter keeps
// the filter, esc clears it, the rest is typed.
func (v *historyView) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back):
		v.clearFilter()
		return nil
	case key.Matches(msg, k.Enter):
		v.filter.typing = false
		v.filter.input.Blur()
		return nil
	}
	return v.filter.update(msg, v.refilter)
}

// clearFilter closes the filter's line and shows every entry again.
func (v *historyView) clearFilter() {
	v.filter.typing = false
	v.filter.input.Blur()
	v.filter.input.SetValue("")
	v.refilter()
}

// askedForKey handles the browsing keys agents asked for: j/k, paging,
// home/end, the filter, esc clearing it, and enter opening the entry's
// profile. handled is false for other keys.
func (v *historyView) askedForKey(msg tea.KeyPressMsg) (cmd tea.Cmd, handled bool) {
	k := v.c.keys
	page := max(v.listHeight(v.detailView()), 1)
	switch {
	case v.lookup.running():
		if key.Matches(msg, k.Back) {
			v.lookup.cancel()
			v.setNotice(v.selectedID(), "Lookup cancelled.", false)
		}
		return nil, true
	case key.Matches(msg, k.RowUp):
		v.move(-1)
	case key.Matches(msg, k.RowDown):
		v.move(1)
	case key.Matches(msg, k.PageUp):
		v.move(-page)
	case key.Matches(msg, k.PageDown):
		v.move(page)
	case key.Matches(msg, k.Top):
		v.move(-v.win.cursor)
	case key.Matches(msg, k.Bottom):
		v.move(v.win.count - 1 - v.win.cursor)
	case key.Matches(msg, k.Filter) && len(v.entries) > 0:
		v.filter.typing = true
		return v.filter.input.Focus(), true
	case key.Matches(msg, k.Back) && v.filter.active():
		v.clearFilter()
	case key.Matches(msg, k.OpenEntry):
		return v.openEntry(), true
	default:
		return nil, false
	}
	return nil, true
}

// openEntry opens the profile of the selected entry's person: looked up by
// email, else by phone, where this desk sends (an entry made elsewhere is
// about a person of another account or backend, so it is not looked up).
func (v *historyView) openEntry() tea.Cmd {
	e, ok := v.selected()
	if !ok {
		return nil
	}
	if !e.Origin.Same(v.c.desk.Origin) || v.c.client == nil {
		v.setNotice(e.ID, fmt.Sprintf("Entry %s was made on %s: its person is not looked up here.", model.SanitizeText(e.ID), model.SanitizeText(e.Origin.String())), true)
		return nil
	}
	email := model.AnalyzeEmail(e.Request.Email)
	phone := v.c.rules.Analyze(e.Request.Phone)
	if !email.Valid && !phone.Valid {
		v.setNotice(e.ID, "Entry "+model.SanitizeText(e.ID)+" has no email or phone to look the person up by.", true)
		return nil
	}
	v.setNotice(e.ID, "Looking up "+entryWho(e.Request)+"… (esc cancels)", false)
	cl := v.c.client
	return v.lookup.start(v.c.ctx, v, func(ctx context.Context) ([]client.Profile, error) {
		if email.Valid {
			return cl.LookupEmail(ctx, email.Normalized)
		}
		return cl.LookupPhone(ctx, phone.E164)
	})
}

// foundProfile opens the profile the lookup found, or says why not.
func (v *historyView) foundProfile(ps []client.Profile, err error) tea.Cmd {
	id := v.selectedID()
	switch {
	case err != nil:
		v.setNotice(id, "The profile could not be looked up: "+model.SanitizeText(err.Error()), true)
		return nil
	case len(ps) == 0:
		e, _ := v.selected()
		v.setNotice(id, "No profile at Klaviyo for "+entryWho(e.Request)+".", true)
		return nil
	}
	v.clearNotice()
	return open(newProfileView(v.c, ps[0].ID))
}
