package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// endpointLimit is one of Klaviyo's documented rate limits (developers.klaviyo.com/en/docs/rate_limits_and_error_handling):
// at most burst requests in any second and steady in any minute.
type endpointLimit struct{ burst, steady int }

// Klaviyo's limits for the endpoints Consent Desk calls, revision 2026-07-15.
// The client asks for neither predictive analytics nor a list's profile
// count, which would move a request to a slower tier with a quota of its
// own: the keys are the endpoints.
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

// tierBursts are Klaviyo's documented tiers, the burst of each by its
// steady quota (XS, S, M, L before and after 2026-01-15, XL): when an
// endpoint's answers name a steady quota smaller than documented, the
// request is in a slower tier, and its burst is that tier's.
var tierBursts = map[int]int{15: 1, 60: 3, 150: 10, 700: 75, 750: 75, 3500: 350}

const (
	// The sliding windows of the documented limits are a little longer
	// than Klaviyo's fixed one-second and one-minute windows, so that
	// requests counted here never land in the same server window as the
	// limit allows plus one, whatever the latency jitter.
	burstWindow  = time.Second + 50*time.Millisecond
	steadyWindow = time.Minute + 500*time.Millisecond

	// resetMargin is added to RateLimit-Reset. The header is whole seconds
	// and Klaviyo does not say how it rounds: rounded up, the window ends
	// at most Reset after the answer; rounded down or to the nearest, up to
	// a second later. The margin covers all three.
	resetMargin = time.Second

	// sameWindow tells the server's steady windows apart: two answers
	// whose windows end within this of each other describe the same
	// window (they differ by the rounding, the margin and the latency: a
	// few seconds), and windows are a minute apart.
	sameWindow = 30 * time.Second

	// answerPoll is how often a request held back only by requests still
	// in flight looks again: their answers may give budget back.
	answerPoll = 100 * time.Millisecond
)

// pacing is how an endpoint's requests are paced, learned from its answers.
type pacing int

const (
	// pacingDocumented: the documented limits as sliding windows, before
	// any answer said more, and after a 429 from a server that described
	// no limits.
	pacingDocumented pacing = iota
	// pacingServer: the server's own steady window, from its RateLimit-*
	// headers, under the documented burst.
	pacingServer
	// pacingNone: the last answer described no limits, and none was ever
	// enforced with a 429: requests go at once.
	pacingNone
)

// serverWindow is the server's steady window as its answers described it.
type serverWindow struct {
	limit, remaining int
	// ends is when the window starts again, late rather than early (the
	// earliest of answer time + Reset + resetMargin over its answers).
	ends time.Time
}

// endpointState is what the limiter knows of one endpoint.
type endpointState struct {
	doc      endpointLimit
	pacing   pacing
	window   serverWindow // when pacing is pacingServer
	enforces bool         // a 429 was seen: never pacingNone again
	// sent is the log of recent send times, oldest first: within
	// steadyWindow, and no more than the documented steady quota.
	sent []time.Time
	// inflight counts requests sent and not yet settled: each may count
	// against the server's window, whichever it lands in.
	inflight int
	// heldUntil is when the last 429's Retry-After ends: nothing is sent
	// before.
	heldUntil time.Time
}

// limiter keeps the client under Klaviyo's limits, per endpoint. Before an
// endpoint has answered it keeps the documented limits as sliding windows.
// Once an answer carries RateLimit-* headers, it follows the server's fixed
// steady window: the freshest Remaining, less the requests in flight, may
// be sent before the window's reset; after it, the quota less the requests
// in flight; the documented burst still applies, as a sliding second. An
// answer without any of the headers (and no 429 ever) stops pacing the
// endpoint. A 429 holds every request to the endpoint until its Retry-After
// has passed. It is safe for concurrent use, runs no goroutine, and reads
// the time only through now and sleep.
type limiter struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu        sync.Mutex
	endpoints map[string]*endpointState
}

func newLimiter(now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{now: now, sleep: sleep, endpoints: map[string]*endpointState{}}
}

// ticket is one request let through by wait. It must be settled with the
// request's outcome, once.
type ticket struct {
	st *endpointState // nil once settled
}

// wait blocks until a request to endpoint may be sent, reserves it, and
// returns its ticket and how long it waited. A hold from a 429 (or the
// server's used-up window) longer than maxHold is not waited for: the error
// says so.
func (l *limiter) wait(ctx context.Context, endpoint string, maxHold time.Duration) (*ticket, time.Duration, error) {
	var waited time.Duration
	for {
		tk, d, err := l.reserve(endpoint, maxHold)
		if err != nil || tk != nil {
			return tk, waited, err
		}
		if err := l.sleep(ctx, d); err != nil {
			return nil, waited, err
		}
		waited += d
	}
}

// state is endpoint's state, made on first use. l.mu is held.
func (l *limiter) state(endpoint string) *endpointState {
	st := l.endpoints[endpoint]
	if st == nil {
		doc, ok := endpointLimits[endpoint]
		if !ok {
			doc = endpointLimit{3, 60} // unknown endpoints get Klaviyo's smallest common tier
		}
		st = &endpointState{doc: doc}
		l.endpoints[endpoint] = st
	}
	return st
}

// reserve records a send now and returns its ticket, or returns how long to
// wait before trying again.
func (l *limiter) reserve(endpoint string, maxHold time.Duration) (*ticket, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	st := l.state(endpoint)
	st.trim(now)
	var wait time.Duration
	if hold := st.heldUntil.Sub(now); hold > 0 {
		if hold > maxHold {
			return nil, 0, fmt.Errorf("Klaviyo asked to wait %s before more requests to %s, longer than %s: try again later", waitText(hold), endpoint, maxHold)
		}
		wait = hold
	}
	switch st.pacing {
	case pacingDocumented:
		wait = max(wait, st.logWait(now, st.doc.burst, burstWindow), st.logWait(now, st.doc.steady, steadyWindow))
	case pacingServer:
		d := st.window.wait(now, st.inflight)
		if used := d - resetMargin; d > answerPoll && used > maxHold {
			return nil, 0, fmt.Errorf("Klaviyo's rate limit for %s is used up for another %s, longer than %s: try again later", endpoint, waitText(used), maxHold)
		}
		wait = max(wait, d, st.logWait(now, st.burst(), burstWindow))
	}
	if wait > 0 {
		return nil, wait, nil
	}
	st.sent = append(st.sent, now)
	st.inflight++
	return &ticket{st: st}, 0, nil
}

// trim drops from the log what no window looks at any more.
func (st *endpointState) trim(now time.Time) {
	i := 0
	for i < len(st.sent) && now.Sub(st.sent[i]) >= steadyWindow {
		i++
	}
	i = max(i, len(st.sent)-max(st.doc.steady, st.doc.burst))
	st.sent = st.sent[i:]
}

// logWait is how long until fewer than n of the logged sends are within
// window of now (0 or less: already).
func (st *endpointState) logWait(now time.Time, n int, window time.Duration) time.Duration {
	if n <= 0 || len(st.sent) < n {
		return 0
	}
	return window - now.Sub(st.sent[len(st.sent)-n])
}

// burst is the burst quota under server pacing: the documented one, or
// the smaller one of the tier the server's steady quota names.
func (st *endpointState) burst() int {
	b := st.doc.burst
	if tb, ok := tierBursts[st.window.limit]; ok {
		return min(b, tb)
	}
	if st.window.limit < st.doc.steady {
		b = min(b, max(1, st.window.limit*st.doc.burst/st.doc.steady))
	}
	return b
}

// wait is how long a request must wait for the server's steady window,
// with inflight requests unanswered: none while the budget is not spent;
// until the window's end when it is and nothing is in flight; otherwise a
// poll, since an answer may give budget back (a request counted twice,
// once in flight and once in the freshest Remaining).
func (w serverWindow) wait(now time.Time, inflight int) time.Duration {
	open := now.Before(w.ends)
	left := w.limit
	if open {
		left = w.remaining
	}
	switch {
	case left-inflight > 0:
		return 0
	case open && inflight == 0:
		return w.ends.Sub(now)
	case open:
		return min(w.ends.Sub(now), answerPoll)
	}
	return answerPoll
}

// settle records how a request let through by wait ended: its answer (nil
// when none came). Nil-safe on both, for a client without a limiter.
func (l *limiter) settle(tk *ticket, resp *response) {
	if l == nil || tk == nil || tk.st == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st := tk.st
	tk.st = nil
	st.inflight--
	now := l.now()
	var status int
	var h http.Header
	if resp != nil {
		status, h = resp.status, resp.header
	}
	if status == http.StatusTooManyRequests {
		st.enforces = true
		if st.pacing == pacingNone {
			st.pacing = pacingDocumented
		}
	}
	q, headers := parseRateLimit(h)
	switch {
	case headers == headersValid:
		st.observe(q, now)
	case headers == headersAbsent && status >= 200 && status < 300 && !st.enforces:
		st.pacing = pacingNone
	default:
		// No readable view: the request may have counted, so it does.
		st.consumeUnseen(now)
	}
}

// observe merges one answer's view of the steady window into the
// endpoint's. A later window replaces the known one; an earlier one (an
// answer overtaken by the window's reset) says nothing new; within the same
// window, the smallest Remaining is the freshest (the server's count only
// grows) and the earliest end the most precise, so an older answer's larger
// Remaining never undoes a newer smaller one.
func (st *endpointState) observe(q steadyQuota, now time.Time) {
	w := serverWindow{limit: q.Limit, remaining: q.Remaining, ends: now.Add(q.Reset + resetMargin)}
	cur := &st.window
	switch {
	case st.pacing != pacingServer:
		st.pacing, *cur = pacingServer, w
	case w.ends.After(cur.ends.Add(sameWindow)):
		*cur = w
	case w.ends.Before(cur.ends.Add(-sameWindow)):
	default:
		cur.limit = min(cur.limit, w.limit)
		cur.remaining = min(cur.remaining, w.remaining)
		if w.ends.Before(cur.ends) {
			cur.ends = w.ends
		}
	}
}

// consumeUnseen counts, in the server's open window, a request whose
// answer said nothing of it (a network failure, a 429, unreadable
// headers).
func (st *endpointState) consumeUnseen(now time.Time) {
	if st.pacing == pacingServer && now.Before(st.window.ends) && st.window.remaining > 0 {
		st.window.remaining--
	}
}

// hold stops every request to endpoint for d from now, as a 429's
// Retry-After asks. Nil-safe, for a client without a limiter.
func (l *limiter) hold(endpoint string, d time.Duration) {
	if l == nil || d <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(endpoint)
	if until := l.now().Add(d); until.After(st.heldUntil) {
		st.heldUntil = until
	}
}
