package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

var retryNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 3 ", 3 * time.Second},
		{"0", 0},
		{"007", 7 * time.Second},
		{"86400", maxRetryAfter},
		{"86401", maxRetryAfter},
		// Past what a Duration holds in nanoseconds: it used to overflow to
		// a negative wait, and the client retried at once, four times.
		{"9223372037", maxRetryAfter},
		{"18446744073709551615", maxRetryAfter},
		{"99999999999999999999999999", maxRetryAfter},
		{"-5", 0},
		{"+5", 0},
		{"1.5", 0},
		{"3s", 0},
		{"0x10", 0},
		{"1_000", 0},
		{"soon", 0},
		{retryNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{retryNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfter},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, retryNow); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzParseRetryAfter: whatever the header says, the wait read from it is
// between 0 and maxRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"3", "9223372037", "-1", "Fri, 31 Dec 9999 23:59:59 GMT", "18446744073709551616", " 12 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, retryNow); d < 0 || d > maxRetryAfter {
			t.Errorf("parseRetryAfter(%q) = %v, outside [0, %v]", v, d, maxRetryAfter)
		}
	})
}

// TestHugeRetryAfterIsNotRetriedAtOnce: a 429 whose Retry-After is too
// large for a Duration is a wait longer than the client honours, so it is
// not waited for and not retried: one request, no wait, and an error that
// says so.
func TestHugeRetryAfterIsNotRetriedAtOnce(t *testing.T) {
	for _, after := range []string{"9223372037", "18446744073709551616", "86400"} {
		t.Run(after, func(t *testing.T) {
			throttled := reply{status: 429, header: map[string]string{"Retry-After": after}, body: `{"errors":[{"status":429,"title":"Throttled."}]}`}
			c, fake, waits := testClient(t, throttled, throttled, throttled, throttled)
			var slept []time.Duration
			c.opts.Sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
			_, err := c.LookupEmail(context.Background(), "x@example.com")
			if err == nil || !strings.Contains(err.Error(), "Klaviyo asked to wait a day or more, longer than 1m0s: try again later") {
				t.Errorf("error = %v", err)
			}
			if n := fake.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if len(slept) > 0 || len(*waits) > 0 {
				t.Errorf("slept %v, waits %v: want none", slept, *waits)
			}
		})
	}
}
