package screentest

import "testing"

func TestMissing(t *testing.T) {
	screen := "  Email marketing   ✓ verified\n  SMS      marketing\n"
	tests := []struct {
		wants []string
		want  string
	}{
		{[]string{"Email marketing ✓ verified", "SMS marketing"}, ""},
		{[]string{"verified SMS marketing"}, ""},
		{[]string{"Email marketing", "pending"}, "pending"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Missing(screen, tt.wants...); got != tt.want {
			t.Errorf("Missing(%v) = %q, want %q", tt.wants, got, tt.want)
		}
	}
}
