package journal

import (
	"slices"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

// TestFilterKeep: Keep returns the entries Match passes, in their order,
// for each field alone and together; a zero filter keeps every entry.
func TestFilterKeep(t *testing.T) {
	day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	es := []Entry{
		{ID: "e1", At: day, Agent: "ana", Origin: Origin{Account: "eu"}, State: StateVerified, Request: model.ConsentRequest{Email: "Lea@Example.com"}},
		{ID: "e2", At: day.Add(time.Hour), Agent: "Ben", Origin: Origin{Account: "us"}, State: StatePending, Request: model.ConsentRequest{Phone: "+33612345678"}},
		{ID: "e3", At: day.Add(2 * time.Hour), Agent: "ana", Origin: Origin{Account: "us"}, State: StatePending, Request: model.ConsentRequest{Email: "sam@example.com"}},
	}
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"zero", Filter{}, []string{"e1", "e2", "e3"}},
		{"agent in any case", Filter{Agent: "ANA"}, []string{"e1", "e3"}},
		{"since", Filter{Since: day.Add(time.Hour)}, []string{"e2", "e3"}},
		{"email in any case", Filter{Email: "lea@example.com"}, []string{"e1"}},
		{"phone", Filter{Phone: "+33612345678"}, []string{"e2"}},
		{"state", Filter{State: StatePending}, []string{"e2", "e3"}},
		{"account and state", Filter{Account: "us", State: StatePending, Agent: "ana"}, []string{"e3"}},
		{"nobody", Filter{Agent: "cy"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.f.Keep(es) {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %v, want %v", got, tt.want)
			}
		})
	}
}
