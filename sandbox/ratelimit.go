package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Klaviyo's rate limits are fixed windows per endpoint and account: a
// burst window of one second and a steady window of one minute (API.md §8).
const (
	burstWindow  = time.Second
	steadyWindow = time.Minute
)

// limits are one endpoint's quotas per window.
type limits struct {
	burst, steady int
}

// The additional fields that move a request to a slower tier.
const (
	profileCount = "profile_count"
	predictive   = "predictive_analytics"
)

// limitsFor returns the bucket a request counts against and its quotas,
// Klaviyo's tiers as the spec's x-klaviyo-ratelimit gives them (L 75/s
// 750/m, M 10/s 150/m, S 3/s 60/m, XS 1/s 15/m). Asking for predictive
// analytics or a list's profile count moves a request to a slower tier,
// with a quota of its own.
func limitsFor(op string, r *http.Request) (string, limits) {
	q := r.URL.Query()
	switch {
	case op == "get_lists_for_profile":
		return op, limits{burst: 3, steady: 60}
	case op == "get_list" && slices.Contains(requestedFields(q, "list"), profileCount):
		return op + ":" + profileCount, limits{burst: 1, steady: 15}
	case (op == "get_profiles" || op == "get_profile" || op == "get_profiles_for_list") &&
		slices.Contains(requestedFields(q, "profile"), predictive):
		return op + ":" + predictive, limits{burst: 10, steady: 150}
	}
	return op, limits{burst: 75, steady: 750}
}

// window counts requests in one fixed window.
type window struct {
	start time.Time
	count int
}

// roll starts a new window when now is past the current one.
func (w *window) roll(now time.Time, size time.Duration) {
	if start := now.Truncate(size); !start.Equal(w.start) {
		w.start, w.count = start, 0
	}
}

// secondsLeft is the whole seconds until the window ends, at least 1.
func (w *window) secondsLeft(now time.Time, size time.Duration) int {
	left := w.start.Add(size).Sub(now)
	secs := int((left + time.Second - 1) / time.Second)
	return max(secs, 1)
}

type bucket struct {
	burst, steady window
}

// rateLimiter counts requests per bucket and refuses those over a quota.
// A limiter that does not enforce is off: it neither counts nor reports.
type rateLimiter struct {
	enforce bool
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newRateLimiter(enforce bool) *rateLimiter {
	return &rateLimiter{enforce: enforce, buckets: make(map[string]*bucket)}
}

// quota is the outcome of one request's admission.
type quota struct {
	allowed    bool
	limit      int // steady quota
	remaining  int // left in the steady window after this request
	reset      int // seconds until the steady window resets
	retryAfter int // when refused: seconds until the exceeded window resets
}

func (l *rateLimiter) admit(name string, lim limits, now time.Time) quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[name]
	if b == nil {
		b = &bucket{}
		l.buckets[name] = b
	}
	b.burst.roll(now, burstWindow)
	b.steady.roll(now, steadyWindow)
	q := quota{allowed: true, limit: lim.steady, reset: b.steady.secondsLeft(now, steadyWindow)}
	if b.steady.count >= lim.steady {
		q.allowed, q.retryAfter = false, q.reset
	} else if b.burst.count >= lim.burst {
		q.allowed, q.retryAfter = false, b.burst.secondsLeft(now, burstWindow)
	}
	if q.allowed {
		b.burst.count++
		b.steady.count++
	}
	q.remaining = max(lim.steady-b.steady.count, 0)
	return q
}

// limit admits the request against its endpoint's quota: a refusal is a
// 429 with Retry-After; otherwise the steady window's RateLimit-* headers
// are set on the answer. With limits off it does nothing: no header
// advertises a limit that is not enforced.
func (s *Sandbox) limit(w http.ResponseWriter, op string, r *http.Request) error {
	if !s.limiter.enforce {
		return nil
	}
	name, lim := limitsFor(op, r)
	q := s.limiter.admit(name, lim, s.now())
	h := w.Header()
	if !q.allowed {
		h.Set("Retry-After", strconv.Itoa(q.retryAfter))
		return throttled(q.retryAfter)
	}
	h.Set("RateLimit-Limit", strconv.Itoa(q.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(q.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(q.reset))
	return nil
}
