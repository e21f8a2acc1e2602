package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/consentdesk/consent/client"
)

// TestCancelledSaysYouCancelledIt: a cancelled send is said as the agent
// did it, never as Go's "context canceled".
func TestCancelledSaysYouCancelledIt(t *testing.T) {
	tests := []struct {
		name string
		out  Outcome
		want string
	}{
		{"not sent", Outcome{Err: fmt.Errorf("not sent: %w", context.Canceled)}, "not confirmed, it may have reached Klaviyo: you cancelled it"},
		{"read-back cancelled", Outcome{Sent: true, Err: fmt.Errorf("verifying: %w", context.Canceled)}, "verification did not finish: you cancelled it"},
		{"other error", Outcome{Err: errors.New("not sent: boom")}, "not sent: boom"},
	}
	for _, tt := range tests {
		got := tt.out.Summary()
		if !strings.Contains(got, tt.want) || strings.Contains(got, "context canceled") {
			t.Errorf("%s: Summary() = %q, want %q in it", tt.name, got, tt.want)
		}
	}
	if got := (Outcome{Verification: client.Verification{}}).ErrText(); got != "" {
		t.Errorf("ErrText() without an error = %q", got)
	}
}
