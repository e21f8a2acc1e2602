package client

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// fixedWindows is Klaviyo's rate limit as the client must meet it, one
// endpoint's worth: fixed one-second and one-minute windows aligned on the
// clock, a 429 with Retry-After past either quota, and RateLimit-* headers
// describing the minute on every other answer. It is the test's model of
// the server, independent of the limiter (and of the sandbox).
type fixedWindows struct {
	lim endpointLimit
	// reset rounds the time left in the minute to RateLimit-Reset's whole
	// seconds; nil: up (as the sandbox does).
	reset func(time.Duration) int
	// noHeaders leaves the RateLimit-* headers out; noLimits admits
	// everything.
	noHeaders, noLimits bool
	// throttle, if set, refuses the nth request (from 1) with a 429 and
	// this Retry-After, whatever the windows.
	throttleNth, throttleSecs int

	mu                           sync.Mutex
	burstStart, steadyStart      time.Time
	burstCount, steadyCount      int
	requests, admitted, count429 int
	throttledAt                  time.Time // of the throttleNth request
}

// Ways a server may round RateLimit-Reset; Klaviyo does not say which it uses.
func roundUp(d time.Duration) int   { return int(math.Ceil(d.Seconds())) }
func roundDown(d time.Duration) int { return int(d / time.Second) }
func roundNear(d time.Duration) int { return int(d.Round(time.Second) / time.Second) }

// answer admits or refuses a request arriving at now, and returns the
// status and headers of the answer.
func (m *fixedWindows) answer(now time.Time) (int, http.Header) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	h := http.Header{}
	if m.throttleNth > 0 && m.requests == m.throttleNth {
		m.count429++
		m.throttledAt = now
		h.Set("Retry-After", strconv.Itoa(m.throttleSecs))
		return http.StatusTooManyRequests, h
	}
	if b := now.Truncate(time.Second); !b.Equal(m.burstStart) {
		m.burstStart, m.burstCount = b, 0
	}
	if s := now.Truncate(time.Minute); !s.Equal(m.steadyStart) {
		m.steadyStart, m.steadyCount = s, 0
	}
	left := m.steadyStart.Add(time.Minute).Sub(now)
	round := m.reset
	if round == nil {
		round = roundUp
	}
	if !m.noLimits {
		retry := 0
		switch {
		case m.steadyCount >= m.lim.steady:
			retry = roundUp(left)
		case m.burstCount >= m.lim.burst:
			retry = roundUp(m.burstStart.Add(time.Second).Sub(now))
		}
		if retry > 0 {
			m.count429++
			h.Set("Retry-After", strconv.Itoa(retry))
			return http.StatusTooManyRequests, h
		}
	}
	m.burstCount++
	m.steadyCount++
	m.admitted++
	if !m.noHeaders {
		h.Set(hdrLimit, strconv.Itoa(m.lim.steady))
		h.Set(hdrRemaining, strconv.Itoa(max(m.lim.steady-m.steadyCount, 0)))
		h.Set(hdrReset, strconv.Itoa(round(left)))
	}
	return http.StatusOK, h
}

// throttled is how many 429s the model answered.
func (m *fixedWindows) throttled() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count429
}

// modelTransport serves every request from a fixedWindows model on the
// running goroutine's clock: in a synctest bubble, its fake clock. A request
// reaches the server up after it is sent and its answer comes back down
// after that, each drawn for the request (so answers overtake each other);
// sent records when each request went out.
type modelTransport struct {
	model    *fixedWindows
	up, down func(n int) time.Duration // nil: no delay

	mu   sync.Mutex
	n    int
	sent []time.Time
}

const emptyPage = `{"data":[],"links":{"next":null}}`

// RoundTrip implements http.RoundTripper.
func (t *modelTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.n++
	n := t.n
	t.sent = append(t.sent, time.Now())
	t.mu.Unlock()
	if t.up != nil {
		time.Sleep(t.up(n))
	}
	status, h := t.model.answer(time.Now())
	if t.down != nil {
		time.Sleep(t.down(n))
	}
	h.Set("Content-Type", jsonAPI)
	body := emptyPage
	if status == http.StatusTooManyRequests {
		body = `{"errors":[{"status":429,"code":"throttled","title":"Request was throttled."}]}`
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewBufferString(body)), Request: r}, nil
}

// sendTimes is a copy of when the requests went out, in order.
func (t *modelTransport) sendTimes() []time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]time.Time(nil), t.sent...)
}

// fixedWindowFloor is the least time n requests take under lim's fixed
// windows from start: each second as many as its burst and its minute
// allow, sent at the second's start. It is the time of the last send.
func fixedWindowFloor(n int, lim endpointLimit, start time.Time) time.Duration {
	sec := start.Truncate(time.Second)
	minute, inMinute, sentAt := sec.Truncate(time.Minute), 0, start
	for n > 0 {
		if m := sec.Truncate(time.Minute); !m.Equal(minute) {
			minute, inMinute = m, 0
		}
		k := min(lim.burst, lim.steady-inMinute, n)
		if k > 0 {
			sentAt = later(sec, start)
			n, inMinute = n-k, inMinute+k
		}
		sec = sec.Add(time.Second)
	}
	return sentAt.Sub(start)
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
