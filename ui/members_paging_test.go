package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestMembersStopsOnPagingLoops: the members view asks for the next page
// as the cursor nears the end, and with one member a page it is always
// near it; links that go round in a circle, or a first page whose previous
// link is itself, stop it with the error on screen within a bounded number
// of requests, the rows read kept.
func TestMembersStopsOnPagingLoops(t *testing.T) {
	tests := []struct {
		mode     string
		requests int64
		want     string
	}{
		{"self", 1, "Klaviyo's next link points back to a page already read: stopped after 1 page of members"},
		{"ab", 3, "Klaviyo's next link points back to a page already read: stopped after 3 pages of members"},
		{"prev", 1, "Klaviyo's previous link leads before the first page of members: not followed"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			k := &loopingKlaviyo{members: tt.mode}
			a := loopingApp(t, k)
			typeAndWait(t, a, "m")
			wantScreen(t, a, "members of which list?", "Loop 1")
			pressAndWait(t, a, tea.KeyEnter, 0)
			v := membersOf(t, a)
			wantScreen(t, a, "members of Loop 1", "loop1@example.com", tt.want)
			if got := k.memberRequests.Load(); got != tt.requests {
				t.Errorf("%d requests for members, want %d", got, tt.requests)
			}
			if v.Busy() != "" || len(v.all.rows) != int(tt.requests) {
				t.Errorf("busy %q, %d rows kept; want idle with the %d read", v.Busy(), len(v.all.rows), tt.requests)
			}
			// Retrying meets the same links, and stops again at once.
			pressAndWait(t, a, 'r', 0)
			wantScreen(t, a, tt.want)
			if got := k.memberRequests.Load(); got != tt.requests {
				t.Errorf("after r: %d requests for members, want %d", got, tt.requests)
			}
		})
	}
}
