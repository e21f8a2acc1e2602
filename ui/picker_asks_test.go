package ui

import (
	"net/http/httptest"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

// TestPickerFilterFolds: the picker's filter reads a hyphen as any dash
// and ignores accents and case.
func TestPickerFilterFolds(t *testing.T) {
	lists := []client.List{{ID: "L1", Name: "Café – Été"}, {ID: "L2", Name: "Zürich-VIP"}, {ID: "L3", Name: "Newsletter"}}
	tests := []struct {
		typed string
		want  []string
	}{
		{"cafe - ete", []string{"L1"}},
		{"CAFÉ", []string{"L1"}},
		{"zurich", []string{"L2"}},
		{"zurich–vip", []string{"L2"}},
		{"-", []string{"L1", "L2"}},
		{"news", []string{"L3"}},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			a := newTestApp(t, 80, 24)
			a.c.lists.keep(lists)
			typeAndWait(t, a, "m")
			typeAndWait(t, a, tt.typed)
			p := a.current().(*pickerView)
			var got []string
			for _, i := range p.shown {
				got = append(got, p.lists[i].ID)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Errorf("shown %v, want %v:\n%s", got, tt.want, screen(a))
			}
		})
	}
}

// TestPickerReusesLists: a second picker opens on the lists the first
// read, with no request; ctrl+r reads them again.
func TestPickerReusesLists(t *testing.T) {
	k := &loopingKlaviyo{}
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	a := newClientApp(t, 80, 24, client.Options{BaseURL: srv.URL}, nil)
	typeAndWait(t, a, "m")
	wantScreen(t, a, "Loop 1", "1 lists (ctrl+r reloads them)")
	pressAndWait(t, a, tea.KeyEscape, 0)
	typeAndWait(t, a, "m")
	wantScreen(t, a, "Loop 1")
	if n := k.listRequests.Load(); n != 1 {
		t.Errorf("%d list requests, want 1 (reused)", n)
	}
	pressAndWait(t, a, 'r', tea.ModCtrl)
	wantScreen(t, a, "Loop 2")
	if n := k.listRequests.Load(); n != 2 {
		t.Errorf("%d list requests after ctrl+r, want 2", n)
	}
}
