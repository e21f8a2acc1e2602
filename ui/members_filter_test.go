package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestMembersLookupSaysWhatItAccepts: / says plainly what the exact lookup
// takes.
func TestMembersLookupSaysWhatItAccepts(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	typeAndWait(t, a, "/")
	wantScreen(t, a, "find: a whole email address, or a phone number with +country code")
}

// TestMembersFilterLoadedRows: f filters the rows loaded by part of an
// email, says it is only those rows, sends nothing, and esc puts the whole
// list back.
func TestMembersFilterLoadedRows(t *testing.T) {
	a, listID := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	loaded := len(v.all.rows)
	want := firstMembers(t, a, listID, 3)[2].Email
	part := want[:strings.Index(want, "@")]
	typeAndWait(t, a, "f")
	wantScreen(t, a, "filter loaded rows: part of a name, email or number (only the rows loaded)")
	typeAndWait(t, a, part)
	if v.found == nil || len(v.found.rows) == 0 || len(v.found.rows) >= loaded {
		t.Fatalf("filter kept %v rows of %d", v.found, loaded)
	}
	for _, r := range v.found.rows {
		if !strings.Contains(r.email, part) {
			t.Errorf("row %q does not match %q", r.email, part)
		}
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, want, "only the 100 rows loaded: 1 match", "/ finds in the whole list", "1 loaded · matching the filter")
	if v.loading.running() || len(v.all.rows) != loaded {
		t.Errorf("the filter read more members (%d rows, was %d)", len(v.all.rows), loaded)
	}
	typeAndWait(t, a, "j") // the table has the keys again
	pressAndWait(t, a, tea.KeyEscape, 0)
	if v.found != nil || v.filtering {
		t.Error("esc did not put the whole list back")
	}
	wantScreen(t, a, "of 250")
	if _, ok := a.current().(*membersView); !ok {
		t.Error("esc on the filter left the view")
	}
}

// TestMembersFilterAt40x12: the filter's line fits a small window.
func TestMembersFilterAt40x12(t *testing.T) {
	a, _ := membersApp(t, 40, 12, 250)
	typeAndWait(t, a, "fexample")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "only the")
	wantFits(t, a, 40, 12)
}

// TestMembersFilterByName: the filter matches a member's name, accents
// folded, among the rows loaded.
func TestMembersFilterByName(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	var name string
	for _, r := range v.all.rows {
		if strings.ContainsAny(r.name, "áéíóúöüńšžč") {
			name = r.name
			break
		}
	}
	if name == "" {
		t.Fatal("no loaded member has a name with an accent")
	}
	last := name[strings.LastIndex(name, " ")+1:]
	typeAndWait(t, a, "f"+foldForMatch(last))
	if v.found == nil || len(v.found.rows) == 0 {
		t.Fatalf("no row matched %q (folded from %q)", foldForMatch(last), last)
	}
	for _, r := range v.found.rows {
		if !strings.Contains(foldForMatch(r.name), foldForMatch(last)) && !strings.Contains(foldForMatch(r.email), foldForMatch(last)) {
			t.Errorf("row %q / %q does not match %q", r.name, r.email, last)
		}
	}
}
