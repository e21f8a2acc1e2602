package client

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when slept on.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return nil
}

// TestLimiterStaysUnderKlaviyoWindows sends many requests through the
// limiter and checks that no fixed one-second or one-minute window (at any
// alignment) holds more than Klaviyo allows, and that it is not much slower
// than the limits require.
func TestLimiterStaysUnderKlaviyoWindows(t *testing.T) {
	tests := []struct {
		endpoint string
		n        int
		lim      endpointLimit
		minTime  time.Duration // the least the limits allow for n requests
	}{
		{epMembers, 2000, endpointLimit{75, 750}, 2 * time.Minute},
		{epProfileList, 130, endpointLimit{3, 60}, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
			l := newLimiter(clock.Now, clock.Sleep)
			start := clock.now
			var sent []time.Time
			for i := 0; i < tt.n; i++ {
				if _, err := l.wait(context.Background(), tt.endpoint); err != nil {
					t.Fatal(err)
				}
				sent = append(sent, clock.now)
			}
			took := clock.now.Sub(start)
			for i := range sent {
				if j := i + tt.lim.burst; j < len(sent) && sent[j].Sub(sent[i]) < time.Second {
					t.Fatalf("%d requests within one second at %v", tt.lim.burst+1, sent[i].Sub(start))
				}
				if j := i + tt.lim.steady; j < len(sent) && sent[j].Sub(sent[i]) < time.Minute {
					t.Fatalf("%d requests within one minute at %v", tt.lim.steady+1, sent[i].Sub(start))
				}
			}
			if took < tt.minTime || took > tt.minTime+tt.minTime/10 {
				t.Errorf("%d requests took %v, want close to the %v the limits allow", tt.n, took, tt.minTime)
			}
		})
	}
}
