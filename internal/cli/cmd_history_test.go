package cli

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
	here := journal.Origin{Backend: "SANDBOX"}
	elsewhere := journal.Origin{Backend: "Klaviyo https://a.klaviyo.com", Account: "us-shop"}
	entries := []journal.Entry{ // newest first, as the journal reads
		{ID: "e7", State: journal.StatePending, Origin: elsewhere},
		{ID: "e6", State: journal.StateRefused, Origin: here},
		{ID: "e5", State: journal.StateFailed, RetryOf: "e2", Origin: here},
		{ID: "e4", State: journal.StateVerified, Origin: here},
		{ID: "e3", State: journal.StateAccepted, Origin: here},
		{ID: "e2", State: journal.StateFailed, Origin: here},
		{ID: "e1", State: journal.StatePending, Origin: here},
	}
	tests := []struct {
		name    string
		ids     []string
		all     bool
		want    []string
		away    []string
		wantErr string
	}{
		{name: "all", all: true, want: []string{"e1", "e3", "e5"}, away: []string{"e7"}},
		{name: "one", ids: []string{"e3"}, want: []string{"e3"}},
		{name: "named twice, taken once", ids: []string{"e5", "e1", "e5"}, want: []string{"e5", "e1"}},
		{name: "resent", ids: []string{"e2"}, wantErr: "entry e2 was resent as entry e5: retry that one"},
		{name: "verified", ids: []string{"e4"}, wantErr: "entry e4 is verified: nothing to retry"},
		{name: "refused", ids: []string{"e6"}, wantErr: "entry e6 is refused: nothing to retry"},
		{name: "made elsewhere", ids: []string{"e7"}, wantErr: "entry e7 was made on Klaviyo https://a.klaviyo.com, account us-shop: not retried here (this is SANDBOX)"},
		{name: "unknown", ids: []string{"nope"}, wantErr: `no journal entry "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, away, err := retryTargets(entries, tt.ids, tt.all, here)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			ids := func(es []journal.Entry) []string {
				out := []string{}
				for _, e := range es {
					out = append(out, e.ID)
				}
				return out
			}
			if err != nil || !slices.Equal(ids(got), tt.want) || !slices.Equal(ids(away), append([]string{}, tt.away...)) {
				t.Errorf("got %v (elsewhere %v), %v; want %v (elsewhere %v)", ids(got), ids(away), err, tt.want, tt.away)
			}
		})
	}
}
