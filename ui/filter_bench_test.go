package ui

import (
	"fmt"
	"testing"

	"charm.land/bubbles/v2/paginator"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

// filterTerms are typed one after another, as an agent narrows a filter.
var filterTerms = []string{"m", "me", "member1", "member12", "member123", "member1234"}

// benchPicker is the list picker holding n lists, named like the members
// rows of the other benchmarks, at the benchmarks' window size.
func benchPicker(n int) *pickerView {
	c := &common{styles: newStyles(true), keys: defaultKeyMap()}
	p := newListPicker(c, "bench", nil)
	rows := benchMemberRows(n)
	lists := make([]client.List, n)
	for i, r := range rows {
		lists[i] = client.List{ID: fmt.Sprintf("L%05d", i), Name: r.email, OptInProcess: "single_opt_in"}
	}
	p.add(lists)
	p.SetSize(benchWidth, benchHeight)
	p.filter.Focus()
	p.refilter()
	return p
}

// BenchmarkFilter100k: one keystroke in the list picker's filter over
// 100,000 entries (case-insensitive substring of name or id), Update +
// View. Each op types the next of filterTerms' keys, wrapping around.
func BenchmarkFilter100k(b *testing.B) {
	p := benchPicker(benchRows)
	p.Update(tea.KeyPressMsg{Code: '7', Text: "7"})
	if len(p.shown) == 0 || len(p.shown) == len(p.lists) {
		b.Fatalf("typing a filter left %d of %d lists: the keys do not reach it", len(p.shown), len(p.lists))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		term := filterTerms[i%len(filterTerms)]
		p.filter.SetValue(term[:len(term)-1])
		p.Update(tea.KeyPressMsg{Code: rune(term[len(term)-1]), Text: term[len(term)-1:]})
		_ = p.View()
	}
}

// BenchmarkFilter100kBaselineList is bubbles' list (Arabic paginator) fed
// the same 100,000 rows, filtering them with its default fuzzy filter on
// the same terms, + View.
func BenchmarkFilter100kBaselineList(b *testing.B) {
	l := benchList(benchMemberRows(benchRows), paginator.Arabic)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.SetFilterText(filterTerms[i%len(filterTerms)])
		_ = l.View()
	}
}
