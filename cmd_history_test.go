package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/consentdesk/consent/journal"
)

// TestRetryTargets: --all takes, oldest first, every entry a retry still
// has something to do for; named IDs are taken once each, and one that a
// retry has nothing to do for is refused with the reason.
func TestRetryTargets(t *testing.T) {
	entries := []journal.Entry{ // newest first, as the journal reads
		{ID: "e5", State: journal.StateFailed, RetryOf: "e2"},
		{ID: "e4", State: journal.StateVerified},
		{ID: "e3", State: journal.StateSent},
		{ID: "e2", State: journal.StateFailed},
		{ID: "e1", State: journal.StatePending},
	}
	tests := []struct {
		name    string
		ids     []string
		all     bool
		want    []string
		wantErr string
	}{
		{name: "all", all: true, want: []string{"e1", "e3", "e5"}},
		{name: "one", ids: []string{"e3"}, want: []string{"e3"}},
		{name: "named twice, taken once", ids: []string{"e5", "e1", "e5"}, want: []string{"e5", "e1"}},
		{name: "resent", ids: []string{"e2"}, wantErr: "entry e2 was resent as entry e5: retry that one"},
		{name: "verified", ids: []string{"e4"}, wantErr: "entry e4 is already verified"},
		{name: "unknown", ids: []string{"nope"}, wantErr: `no journal entry "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retryTargets(entries, tt.ids, tt.all)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			ids := make([]string, len(got))
			for i, e := range got {
				ids[i] = e.ID
			}
			if err != nil || !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, %v; want %v", ids, err, tt.want)
			}
		})
	}
}
