package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// The scroll benchmarks hold benchRows members in a window the size of
// the members view's body in an 80×24 terminal (24 lines less the status
// line, the blank line under it and the one-line footer; 80 columns less
// the padding), and start with the cursor in the middle of the list.
const (
	benchRows   = 100_000
	benchWidth  = 78
	benchHeight = 21
	benchStart  = benchRows / 2
)

// benchRegions are the regions of the synthetic rows, SMS countries and not.
var benchRegions = [...]string{"US", "SI", "GB", "PR", "DE", "BR", "FR", "IN"}

// benchMemberRows builds n rows directly, as pages would leave them: no
// I/O, no phone analysis.
func benchMemberRows(n int) []memberRow {
	rows := make([]memberRow, n)
	for i := range rows {
		rows[i] = memberRow{
			id:           fmt.Sprintf("01JBENCH%018d", i),
			name:         fmt.Sprintf("Member Number%d", i),
			email:        fmt.Sprintf("member%d@members.example.com", i),
			phone:        fmt.Sprintf("+3863%07d", i),
			region:       benchRegions[i%len(benchRegions)],
			joined:       fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1),
			emailConsent: memberConsent(i % 3),
			smsConsent:   memberConsent((i / 3) % 3),
		}
	}
	return rows
}

// benchCommon is what the root would pass down, without a client.
func benchCommon() *common {
	return &common{ctx: context.Background(), styles: newStyles(true), keys: defaultKeyMap(),
		rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, history: NewMemoryHistory()}
}

// benchMembersView is a members view with every one of rows loaded (the
// last page in, so nothing is fetched), its cursor in the middle.
func benchMembersView(rows []memberRow) *membersView {
	v := newMembersView(benchCommon(), client.List{ID: "BENCH", Name: "Bench", OptInProcess: "single_opt_in"})
	v.all.add(rows, 0, "", "")
	v.SetSize(benchWidth, benchHeight)
	v.all.win.moveTo(benchStart)
	v.all.win.scroll(v.visibleRows())
	return v
}

// benchKey is the i-th key of a walk: 500 rows down, 500 back up, so the
// window scrolls on most moves and the cursor stays mid-list.
func benchKey(i int) tea.KeyPressMsg {
	if i%1000 < 500 {
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: tea.KeyUp}
}

// BenchmarkMembersScroll is the budget of DESIGN.md: one cursor move with
// 100,000 rows loaded, Update + View, ≤ 100 µs.
func BenchmarkMembersScroll(b *testing.B) {
	v := benchMembersView(benchMemberRows(benchRows))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.Update(benchKey(i))
		_ = v.View()
	}
}

// BenchmarkMembersScrollWide is BenchmarkMembersScroll in a 200x60
// window, where the table has a name column.
func BenchmarkMembersScrollWide(b *testing.B) {
	v := benchMembersView(benchMemberRows(benchRows))
	v.SetSize(198, 57)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.Update(benchKey(i))
		_ = v.View()
	}
}

// BenchmarkMembersScrollApp is the same move through the root: status
// line, footer, and the root's layout of the body, i.e. the whole frame.
func BenchmarkMembersScrollApp(b *testing.B) {
	rows := benchMemberRows(benchRows)
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX"})
	a.Update(tea.WindowSizeMsg{Width: benchWidth + 2, Height: 24})
	v := newMembersView(a.c, client.List{ID: "BENCH", Name: "Bench", OptInProcess: "single_opt_in"})
	v.all.add(rows, 0, "", "")
	a.stack = append(a.stack, v)
	a.resize()
	v.all.win.moveTo(benchStart)
	v.all.win.scroll(v.visibleRows())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a.Update(benchKey(i))
		_ = a.View()
	}
}

// BenchmarkMembersScrollSmall is the move with one page (100 rows) loaded,
// to show that the cost does not depend on the rows loaded.
func BenchmarkMembersScrollSmall(b *testing.B) {
	v := benchMembersView(benchMemberRows(membersPageSize))
	v.all.win.moveTo(50)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%40 < 20 {
			v.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		} else {
			v.Update(tea.KeyPressMsg{Code: tea.KeyUp})
		}
		_ = v.View()
	}
}

// benchTableColumns are the members view's columns at benchWidth.
func benchTableColumns() []table.Column {
	return []table.Column{{Title: "email", Width: 20}, {Title: "phone", Width: 17},
		{Title: "email consent", Width: 13}, {Title: "SMS consent", Width: 12}, {Title: "joined", Width: 10}}
}

// BenchmarkMembersScrollBaselineTable is bubbles' table fed the same rows,
// same window: one cursor move + View.
func BenchmarkMembersScrollBaselineTable(b *testing.B) {
	rows := benchMemberRows(benchRows)
	trows := make([]table.Row, len(rows))
	for i, r := range rows {
		trows[i] = table.Row{r.email, r.phone + " " + r.region, r.emailConsent.label(), r.smsConsent.label(), r.joined}
	}
	t := table.New(table.WithColumns(benchTableColumns()), table.WithRows(trows),
		table.WithWidth(benchWidth), table.WithHeight(benchHeight-1), table.WithFocused(true))
	t.SetCursor(benchStart)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t, _ = t.Update(benchKey(i))
		_ = t.View()
	}
}

// benchProfile is a member as the client decodes it: with subscriptions
// and the raw resource, which a row must not keep alive.
func benchProfile(i int) client.Profile {
	email := fmt.Sprintf("member%d@members.example.com", i)
	phone := fmt.Sprintf("+3863%07d", i%10_000_000)
	if i%2 == 0 {
		phone = fmt.Sprintf("+1212%07d", i%10_000_000)
	}
	ts := "2025-03-04T05:06:07+00:00"
	subs := &model.Subscriptions{
		Email: &model.EmailSubscriptions{Marketing: &model.EmailMarketingConsent{CanReceive: true,
			ConsentDetails: model.ConsentDetails{Consent: model.Subscribed, ConsentTimestamp: &ts}}},
		SMS: &model.SMSSubscriptions{Marketing: &model.SMSMarketingConsent{
			ConsentDetails: model.ConsentDetails{Consent: model.NeverSubscribed}}},
	}
	raw, _ := json.Marshal(map[string]any{"type": "profile", "id": fmt.Sprintf("01JBENCH%018d", i),
		"attributes": map[string]any{"email": email, "phone_number": phone, "joined_group_at": ts, "subscriptions": subs}})
	return client.Profile{ID: fmt.Sprintf("01JBENCH%018d", i), Email: email, PhoneNumber: phone,
		FirstName: "Member", LastName: fmt.Sprint(i), JoinedGroupAt: ts, Subscriptions: subs, Raw: raw}
}

// BenchmarkMembersRowsMemory loads 100,000 members a page of 100 at a time
// through the same conversion the view's fetch uses (sanitising, phone
// analysis, the join date), drops each page's profiles, and reports the
// heap the rows keep: B/row is what the view's memory grows by per row
// loaded. ns/op is the conversion of all 100,000 (done off the UI's
// goroutine, 1,000 pages).
func BenchmarkMembersRowsMemory(b *testing.B) {
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	var perRow float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var t memberRows
		for p := 0; p < benchRows; p += membersPageSize {
			profiles := make([]client.Profile, membersPageSize)
			for i := range profiles {
				profiles[i] = benchProfile(p + i)
			}
			t.add(newMemberRows(rules, "BENCH", profiles), len(t.pages), "", "next")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perRow = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(t.rows))
		runtime.KeepAlive(t.rows)
	}
	b.ReportMetric(perRow, "B/row")
	b.ReportMetric(perRow*benchRows/1e6, "MB/100k-rows")
}

// BenchmarkMembersPageRows is what one page of 100 profiles costs to turn
// into rows (sanitising, phone analysis, the join date): work the fetch
// command does off the UI's goroutine, never per frame.
func BenchmarkMembersPageRows(b *testing.B) {
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	profiles := make([]client.Profile, membersPageSize)
	for i := range profiles {
		profiles[i] = benchProfile(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = newMemberRows(rules, "BENCH", profiles)
	}
}

// BenchmarkMembersPageIntoWindow is what a page costs the UI's goroutine
// when the window is full (membersKeptPages pages): appended after the
// rows kept, the oldest page dropped from the front (its rows moved down
// and cleared), the view scrolled. It runs once per page arriving, never
// per key.
func BenchmarkMembersPageIntoWindow(b *testing.B) {
	pages := make([][]memberRow, membersKeptPages+1)
	for i := range pages {
		pages[i] = benchMemberRows(membersPageSize)
	}
	v := newMembersView(benchCommon(), client.List{ID: "BENCH", Name: "Bench", OptInProcess: "single_opt_in"})
	v.SetSize(benchWidth, benchHeight)
	for _, p := range pages[:membersKeptPages] {
		v.all.add(slices.Clone(p), len(v.all.pages), "prev", "next")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.all.win.moveTo(len(v.all.rows) - 1)
		v.receive(membersPage{dir: fetchNext, rows: slices.Clone(pages[i%len(pages)]), before: "prev", after: "next"}, nil)
	}
	if len(v.all.pages) != membersKeptPages {
		b.Fatalf("%d pages kept", len(v.all.pages))
	}
}

// BenchmarkMembersEnd is the budget "G at the last member of 100,000
// within 1 s", on the UI's side: G pressed on a counted 100,000-member
// sandbox list, then the reversed order's first page arriving (as the
// fetch's command made it, rows converted and reversed off the UI's
// goroutine), then the frame. The request itself is not timed: it is the
// network's (a few ms on the sandbox; TestMembersEndOfABigList times it).
// Between runs the view is put back on the list's first page.
func BenchmarkMembersEnd(b *testing.B) {
	sb := sandboxtest.Open(b, sandbox.Options{})
	id, err := sb.LoadMembers(context.Background(), "Bench", benchRows)
	if err != nil {
		b.Fatal(err)
	}
	c := benchCommon()
	c.client = sandboxtest.Client(b, sb, client.Options{})
	v := newMembersView(c, client.List{ID: id, Name: "Bench", OptInProcess: "single_opt_in"})
	v.SetSize(benchWidth, benchHeight)
	first := v.fetch(&v.all, fetchNext)().(answer[membersPage])
	v.Update(first)
	n, err := c.client.ListProfileCount(context.Background(), id)
	if err != nil || n != benchRows {
		b.Fatalf("count %d, %v", n, err)
	}
	v.all.setTotal(n)
	G := tea.KeyPressMsg{Code: 'G', Text: "G"}
	end := v.Update(G)().(answer[membersPage]).value
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		v.all.restart(first.value.rows, first.value.after)
		v.all.win.scroll(v.visibleRows())
		b.StartTimer()
		v.Update(G)
		v.Update(answerTo(v, &v.loading, v.loading.seq, end, nil))
		_ = v.View()
	}
	b.StopTimer()
	if got, _ := v.all.start(); !v.all.fromEnd || got != benchRows-membersPageSize || v.all.win.cursor != membersPageSize-1 {
		b.Fatalf("after G: from the end %t, rows from %d, cursor %d", v.all.fromEnd, got, v.all.win.cursor)
	}
}
