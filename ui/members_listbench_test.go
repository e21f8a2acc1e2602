// The bubbles list baselines of BenchmarkMembersScroll, fed the same rows.

package ui

import (
	"fmt"
	"testing"

	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/paginator"
)

// benchItem is a row as a bubbles list item: the whole row on one line.
type benchItem struct{ line, email string }

// Title is the row.
func (i benchItem) Title() string { return i.line }

// Description is empty: one line an item.
func (i benchItem) Description() string { return "" }

// FilterValue is the email, as a lookup would match.
func (i benchItem) FilterValue() string { return i.email }

// benchList is bubbles' list fed the same rows, one line an item, same
// window, cursor mid-list, with the given paginator.
func benchList(rows []memberRow, pager paginator.Type) list.Model {
	items := make([]list.Item, len(rows))
	for i, r := range rows {
		items[i] = benchItem{email: r.email, line: fmt.Sprintf("%-20.20s %-17s %-13s %-12s %s",
			r.email, r.phone+" "+r.region, r.emailConsent.label(), r.smsConsent.label(), r.joined)}
	}
	d := list.NewDefaultDelegate()
	d.ShowDescription = false
	d.SetSpacing(0)
	l := list.New(items, d, benchWidth, benchHeight)
	l.Paginator.Type = pager
	l.SetSize(benchWidth, benchHeight)
	l.Select(benchStart)
	return l
}

// BenchmarkMembersScrollBaselineList is bubbles' list with the Arabic
// paginator ("3/6667"), as STYLE.md says to configure it.
func BenchmarkMembersScrollBaselineList(b *testing.B) {
	benchListScroll(b, benchList(benchMemberRows(benchRows), paginator.Arabic))
}

// BenchmarkMembersScrollBaselineListDots is bubbles' list with its default
// dots paginator: every frame builds one dot per page, thousands of them,
// before finding they do not fit.
func BenchmarkMembersScrollBaselineListDots(b *testing.B) {
	benchListScroll(b, benchList(benchMemberRows(benchRows), paginator.Dots))
}

// benchListScroll measures one cursor move + View of a list.
func benchListScroll(b *testing.B, l list.Model) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l, _ = l.Update(benchKey(i))
		_ = l.View()
	}
}
