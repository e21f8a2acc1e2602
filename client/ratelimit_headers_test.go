package client

import (
	"net/http"
	"testing"
	"time"
)

// TestParseRateLimit: the three headers are read only when all are there,
// are whole numbers within bounds and agree (Remaining at most Limit);
// otherwise the set is absent (none at all) or invalid (anything else).
func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		name                    string
		limit, remaining, reset string // "-" leaves the header out
		want                    steadyQuota
		state                   headerState
	}{
		{"Klaviyo's", "750", "749", "42", steadyQuota{750, 749, 42 * time.Second}, headersValid},
		{"spaces", " 60 ", " 0", "1 ", steadyQuota{60, 0, time.Second}, headersValid},
		{"reset now", "15", "3", "0", steadyQuota{15, 3, 0}, headersValid},
		{"leading zeros", "0750", "007", "09", steadyQuota{750, 7, 9 * time.Second}, headersValid},
		{"largest believed", "1000000", "1000000", "3600", steadyQuota{1_000_000, 1_000_000, time.Hour}, headersValid},
		{"none", "-", "-", "-", steadyQuota{}, headersAbsent},
		{"only a limit", "750", "-", "-", steadyQuota{}, headersInvalid},
		{"no reset", "750", "700", "-", steadyQuota{}, headersInvalid},
		{"empty values", "", "", "", steadyQuota{}, headersInvalid},
		{"negative remaining", "750", "-1", "30", steadyQuota{}, headersInvalid},
		{"negative reset", "750", "10", "-30", steadyQuota{}, headersInvalid},
		{"plus sign", "+750", "10", "30", steadyQuota{}, headersInvalid},
		{"zero limit", "0", "0", "30", steadyQuota{}, headersInvalid},
		{"remaining over limit", "750", "751", "30", steadyQuota{}, headersInvalid},
		{"fraction", "750", "10", "1.5", steadyQuota{}, headersInvalid},
		{"unit", "750", "10", "30s", steadyQuota{}, headersInvalid},
		{"hex", "0x2ee", "10", "30", steadyQuota{}, headersInvalid},
		{"words", "many", "some", "soon", steadyQuota{}, headersInvalid},
		{"limit too large", "1000001", "10", "30", steadyQuota{}, headersInvalid},
		{"reset over an hour", "750", "10", "3601", steadyQuota{}, headersInvalid},
		{"past 64 bits", "750", "10", "99999999999999999999999", steadyQuota{}, headersInvalid},
		{"past int64 limit", "9223372036854775808", "1", "1", steadyQuota{}, headersInvalid},
		{"http date reset", "750", "10", "Fri, 31 Dec 9999 23:59:59 GMT", steadyQuota{}, headersInvalid},
		{"IETF list form", "750, 750;w=60", "10", "30", steadyQuota{}, headersInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for name, v := range map[string]string{hdrLimit: tt.limit, hdrRemaining: tt.remaining, hdrReset: tt.reset} {
				if v != "-" {
					h.Set(name, v)
				}
			}
			got, state := parseRateLimit(h)
			if got != tt.want || state != tt.state {
				t.Errorf("parseRateLimit(%v) = %+v, %v; want %+v, %v", h, got, state, tt.want, tt.state)
			}
		})
	}
}

// FuzzParseRateLimit: whatever the headers say, the parser does not panic,
// and what it calls valid is within the bounds the limiter relies on.
func FuzzParseRateLimit(f *testing.F) {
	for _, s := range [][3]string{{"750", "749", "42"}, {"-1", "0", "0"}, {"0", "0", "0"}, {"18446744073709551616", "1", "1"}, {" 3 ", "3", "3601"}, {"", "", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, limit, remaining, reset string) {
		h := http.Header{}
		h.Set(hdrLimit, limit)
		h.Set(hdrRemaining, remaining)
		h.Set(hdrReset, reset)
		q, state := parseRateLimit(h)
		switch state {
		case headersValid:
			if q.Limit < 1 || q.Limit > maxHeaderLimit || q.Remaining < 0 || q.Remaining > q.Limit || q.Reset < 0 || q.Reset > maxHeaderReset {
				t.Errorf("parseRateLimit(%q, %q, %q) = %+v: outside the bounds", limit, remaining, reset, q)
			}
		case headersInvalid:
			if q != (steadyQuota{}) {
				t.Errorf("invalid headers read as %+v", q)
			}
		default:
			t.Errorf("three headers present read as absent")
		}
	})
}
