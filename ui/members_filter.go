package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/model"
)

// The lookup line's two uses: / asks Klaviyo for an exact email or number
// over the whole list; f filters the rows loaded, as typed.
const (
	membersLookupPrompt      = "find: "
	membersLookupPlaceholder = "a whole email address, or a phone number with +country code"
	membersFilterPrompt      = "filter loaded rows: "
	membersFilterPlaceholder = "part of a name, email or number (only the rows loaded)"
)

// startFilter opens the line that filters the loaded rows.
func (v *membersView) startFilter() tea.Cmd {
	v.typing, v.filtering, v.refusal = true, true, ""
	v.input.Prompt, v.input.Placeholder = membersFilterPrompt, membersFilterPlaceholder
	v.input.SetWidth(max(v.width-len(v.input.Prompt)-1, 10))
	return v.input.Focus()
}

// startLookup opens the line of the exact lookup.
func (v *membersView) startLookup() tea.Cmd {
	v.typing, v.filtering, v.refusal = true, false, ""
	v.input.Prompt, v.input.Placeholder = membersLookupPrompt, membersLookupPlaceholder
	v.input.SetWidth(max(v.width-len(v.input.Prompt)-1, 10))
	return v.input.Focus()
}

// filterKey handles a key while the filter's line is open: esc puts the
// whole list back, enter keeps the filter and gives the keys to the
// table, the rest is typed and filters at once.
func (v *membersView) filterKey(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, v.c.keys.Back):
			return v.leaveLookup()
		case key.Matches(k, v.c.keys.Enter):
			v.typing = false
			v.input.Blur()
			if v.found == nil {
				return v.leaveLookup()
			}
			return nil
		}
	}
	before := v.input.Value()
	cmd := v.updateInput(msg)
	if v.input.Value() != before {
		v.applyFilter()
	}
	return cmd
}

// applyFilter shows the loaded rows whose name, email or number contain
// what is typed (folded as the picker folds; a number however it is spaced). The
// rows are a copy: paging stops while the filter shows, and leaving it
// puts the list back where it was.
func (v *membersView) applyFilter() {
	q := foldForMatch(strings.TrimSpace(v.input.Value()))
	if q == "" {
		v.found = nil
		v.all.win.scroll(v.visibleRows())
		return
	}
	if v.loading.running() {
		v.stop() // a page on its way is for the whole list, not these rows
	}
	digits := phoneDigits(q)
	var rows []memberRow
	for _, r := range v.all.rows {
		if strings.Contains(foldForMatch(r.email), q) || strings.Contains(foldForMatch(r.name), q) ||
			(digits != "" && strings.Contains(phoneDigits(r.phone), digits)) {
			rows = append(rows, r)
		}
	}
	found := &memberRows{query: v.all.query}
	found.add(rows, 0, "", "")
	v.found = found
	v.found.win.scroll(v.visibleRows())
}

// filterLine says what the filter shows: how many of the rows loaded, and
// that it is only those.
func (v *membersView) filterLine() string {
	return fmt.Sprintf("only the %d rows loaded: %d match %q · / finds in the whole list · esc: full list",
		len(v.all.rows), len(v.found.rows), model.SanitizeShort(v.input.Value(), 30))
}
