package client

import (
	"context"
	"sync"
	"time"
)

// endpointLimit is one of Klaviyo's documented rate limits (developers.klaviyo.com/en/docs/rate_limits_and_error_handling):
// at most burst requests in any second and steady in any minute.
type endpointLimit struct{ burst, steady int }

// Klaviyo's limits for the endpoints Consent Desk calls, revision 2026-07-15.
var endpointLimits = map[string]endpointLimit{
	epLists:       {75, 750},
	epList:        {75, 750},
	epListCount:   {1, 15},
	epMembers:     {75, 750},
	epProfiles:    {75, 750},
	epProfile:     {75, 750},
	epProfileList: {3, 60},
	epSubscribe:   {75, 750},
	epUnsubscribe: {75, 750},
}

// The windows are a little longer than Klaviyo's fixed one-second and
// one-minute windows, so that requests counted here never land in the same
// server window as the limit allows plus one, whatever the latency jitter.
const (
	burstWindow  = time.Second + 50*time.Millisecond
	steadyWindow = time.Minute + 500*time.Millisecond
)

// limiter keeps the client under Klaviyo's limits with a sliding log of
// send times per endpoint: a request waits until fewer than burst were sent
// in the last burstWindow and fewer than steady in the last steadyWindow.
type limiter struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu   sync.Mutex
	sent map[string][]time.Time
}

func newLimiter(now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{now: now, sleep: sleep, sent: map[string][]time.Time{}}
}

// wait blocks until a request to endpoint may be sent, records it, and
// returns how long it waited.
func (l *limiter) wait(ctx context.Context, endpoint string) (time.Duration, error) {
	lim, ok := endpointLimits[endpoint]
	if !ok {
		lim = endpointLimit{3, 60} // unknown endpoints get Klaviyo's smallest common tier
	}
	var waited time.Duration
	for {
		d := l.reserve(endpoint, lim)
		if d <= 0 {
			return waited, nil
		}
		if err := l.sleep(ctx, d); err != nil {
			return waited, err
		}
		waited += d
	}
}

// reserve records a send now and returns 0, or returns how long to wait
// before trying again.
func (l *limiter) reserve(endpoint string, lim endpointLimit) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	log := l.sent[endpoint]
	for len(log) > 0 && now.Sub(log[0]) >= steadyWindow {
		log = log[1:]
	}
	var wait time.Duration
	if len(log) >= lim.steady {
		wait = steadyWindow - now.Sub(log[len(log)-lim.steady])
	}
	if len(log) >= lim.burst {
		if w := burstWindow - now.Sub(log[len(log)-lim.burst]); w > wait {
			wait = w
		}
	}
	if wait > 0 {
		l.sent[endpoint] = log
		return wait
	}
	l.sent[endpoint] = append(log, now)
	return 0
}
