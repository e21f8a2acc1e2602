package client

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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

// noon is where the limiter tests' clocks start: on a minute.
var noon = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// quotaHeaders is an answer's RateLimit-* headers.
func quotaHeaders(limit, remaining, reset int) http.Header {
	h := http.Header{}
	h.Set(hdrLimit, strconv.Itoa(limit))
	h.Set(hdrRemaining, strconv.Itoa(remaining))
	h.Set(hdrReset, strconv.Itoa(reset))
	return h
}

// TestLimiterStaysUnderKlaviyoWindows sends many requests through the
// limiter, none of them answered (as before an endpoint's first answer),
// and checks that no fixed one-second or one-minute window (at any
// alignment) holds more than Klaviyo documents, and that it is not much
// slower than those limits require.
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
			clock := &fakeClock{now: noon}
			l := newLimiter(clock.Now, clock.Sleep)
			start := clock.now
			var sent []time.Time
			for i := 0; i < tt.n; i++ {
				if _, _, err := l.wait(context.Background(), tt.endpoint, time.Minute); err != nil {
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

// TestLimiterFollowsServerWindows sends requests one at a time, each
// answered at once by a model of Klaviyo's fixed windows: the limiter,
// following the RateLimit-* headers, draws no 429 and takes within 5 % of
// the least the fixed windows allow, wherever in the minute it starts and
// however the server rounds RateLimit-Reset. (The documented limits as
// sliding windows take a minute more for 1,000 requests started mid-minute.)
func TestLimiterFollowsServerWindows(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		lim      endpointLimit
		n        int
		start    time.Duration // after noon
		reset    func(time.Duration) int
		within   int // percent over the floor allowed; 0: 5
	}{
		{"1000 members from :30", epMembers, endpointLimit{75, 750}, 1000, 30 * time.Second, roundUp, 0},
		{"1000 members from :30, Reset rounded down", epMembers, endpointLimit{75, 750}, 1000, 30 * time.Second, roundDown, 0},
		{"1000 members from :30, Reset rounded to nearest", epMembers, endpointLimit{75, 750}, 1000, 30 * time.Second, roundNear, 0},
		{"1000 members from :59.5", epMembers, endpointLimit{75, 750}, 1000, 59500 * time.Millisecond, roundUp, 0},
		// A short run: the reset margin's second is 8 % of it.
		{"1000 members from :50.3, Reset rounded down", epMembers, endpointLimit{75, 750}, 1000, 50300 * time.Millisecond, roundDown, 8},
		{"2000 members from :00", epMembers, endpointLimit{75, 750}, 2000, 0, roundUp, 0},
		{"130 profile lists from :00", epProfileList, endpointLimit{3, 60}, 130, 0, roundUp, 0},
		{"130 profile lists from :45, Reset rounded down", epProfileList, endpointLimit{3, 60}, 130, 45 * time.Second, roundDown, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := noon.Add(tt.start)
			clock := &fakeClock{now: start}
			l := newLimiter(clock.Now, clock.Sleep)
			server := &fixedWindows{lim: tt.lim, reset: tt.reset}
			for i := 0; i < tt.n; i++ {
				tk, _, err := l.wait(context.Background(), tt.endpoint, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				status, h := server.answer(clock.now)
				l.settle(tk, &response{status: status, header: h})
				if status != http.StatusOK {
					t.Fatalf("request %d at %v answered %d (Retry-After %s)", i+1, clock.now.Sub(start), status, h.Get("Retry-After"))
				}
			}
			took, floor := clock.now.Sub(start), fixedWindowFloor(tt.n, tt.lim, start)
			within := cmp.Or(tt.within, 5)
			if took < floor || took > floor+floor*time.Duration(within)/100 {
				t.Errorf("%d requests took %v; the fixed windows allow %v, and %d %% more is the most expected", tt.n, took, floor, within)
			}
		})
	}
}

// step is one event of TestLimiterOutOfOrderAnswers: at (after the test's
// start), request `ticket` (from 1) is answered with the RateLimit-*
// headers given, or with none when limit is 0.
type step struct {
	at                      time.Duration
	ticket                  int
	limit, remaining, reset int
}

// TestLimiterOutOfOrderAnswers: answers overtaking each other never give
// back budget the server has not: within a window the smallest Remaining
// holds, an answer from a window that has ended says nothing of the next,
// and requests still in flight count against what is left.
func TestLimiterOutOfOrderAnswers(t *testing.T) {
	tests := []struct {
		name          string
		start         time.Duration // after noon, when the requests go
		send          int
		steps         []step
		wantRemaining int // the window's, as the limiter holds it
		wantInflight  int
	}{
		{"older answer, larger Remaining", 50 * time.Second, 3,
			[]step{{100 * time.Millisecond, 3, 750, 10, 10}, {200 * time.Millisecond, 1, 750, 12, 10}}, 10, 1},
		{"older answer, larger Remaining, Reset ticked", 50 * time.Second, 3,
			[]step{{100 * time.Millisecond, 3, 750, 10, 10}, {900 * time.Millisecond, 1, 750, 12, 9}}, 10, 1},
		{"in order", 50 * time.Second, 3,
			[]step{{100 * time.Millisecond, 1, 750, 12, 10}, {200 * time.Millisecond, 2, 750, 11, 10}, {300 * time.Millisecond, 3, 750, 10, 10}}, 10, 0},
		{"new window answered before the old", 59500 * time.Millisecond, 2,
			[]step{{700 * time.Millisecond, 2, 750, 749, 60}, {800 * time.Millisecond, 1, 750, 2, 1}}, 749, 0},
		{"old window answered before the new", 59500 * time.Millisecond, 2,
			[]step{{700 * time.Millisecond, 1, 750, 2, 1}, {800 * time.Millisecond, 2, 750, 749, 60}}, 749, 0},
		{"an answer without headers still counts", 50 * time.Second, 3,
			[]step{{100 * time.Millisecond, 3, 750, 10, 10}, {200 * time.Millisecond, 1, 0, 0, 0}}, 9, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: noon.Add(tt.start)}
			l := newLimiter(clock.Now, clock.Sleep)
			// The endpoint has answered once already, with headers, and a
			// 429 once (so an answer without headers does not unpace it).
			warm, _, _ := l.wait(context.Background(), epMembers, time.Minute)
			l.settle(warm, &response{status: http.StatusTooManyRequests})
			tickets := make([]*ticket, tt.send)
			for i := range tickets {
				var err error
				if tickets[i], _, err = l.wait(context.Background(), epMembers, time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			start := clock.now
			for _, s := range tt.steps {
				clock.now = start.Add(s.at)
				h := http.Header{}
				if s.limit > 0 {
					h = quotaHeaders(s.limit, s.remaining, s.reset)
				}
				l.settle(tickets[s.ticket-1], &response{status: http.StatusOK, header: h})
			}
			st := l.endpoints[epMembers]
			if st.pacing != pacingServer || st.window.remaining != tt.wantRemaining || st.inflight != tt.wantInflight {
				t.Errorf("pacing %d, remaining %d, in flight %d; want server pacing, %d and %d", st.pacing, st.window.remaining, st.inflight, tt.wantRemaining, tt.wantInflight)
			}
			// What is left may go at once, and no more.
			budget := tt.wantRemaining - tt.wantInflight
			if budget > 50 {
				return // the burst, not the window, stops it
			}
			for i := 0; i < budget; i++ {
				if tk, d, err := l.reserve(epMembers, time.Minute); tk == nil || err != nil {
					t.Fatalf("request %d of the %d left waits %v (%v)", i+1, budget, d, err)
				}
			}
			if tk, _, _ := l.reserve(epMembers, time.Minute); tk != nil {
				t.Errorf("a request past the %d left went", budget)
			}
		})
	}
}

// TestLimiterWithoutHeaders: answers without RateLimit-* headers (and no
// 429) stop the pacing altogether; a 429 then holds every request for its
// Retry-After and brings the documented limits back for good, counting
// what was sent unpaced; unreadable headers are not taken for none.
func TestLimiterWithoutHeaders(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		unpaced   int           // requests answered without headers first
		wantAfter time.Duration // the wait of the first request after the 429
	}{
		{"a few unpaced", 10, 2 * time.Second},
		// 10,000 requests within the minute are far past its documented
		// 750: the sliding minute waits them out.
		{"10,000 unpaced", 10_000, steadyWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: noon}
			l := newLimiter(clock.Now, clock.Sleep)
			send := func(status int, h http.Header) time.Duration {
				t.Helper()
				tk, waited, err := l.wait(ctx, epMembers, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				l.settle(tk, &response{status: status, header: h})
				return waited
			}
			for i := 0; i < tt.unpaced; i++ {
				if d := send(http.StatusOK, http.Header{}); d != 0 {
					t.Fatalf("request %d after answers without headers waited %v", i+1, d)
				}
			}
			if !clock.now.Equal(noon) {
				t.Fatalf("%d requests to a server without limits took %v", tt.unpaced, clock.now.Sub(noon))
			}
			send(http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}})
			l.hold(epMembers, 2*time.Second) // as send does for the 429
			if d := send(http.StatusOK, http.Header{}); d != tt.wantAfter {
				t.Errorf("the request after a 429 with Retry-After: 2 waited %v, want %v", d, tt.wantAfter)
			}
			var waited time.Duration
			for range 100 {
				waited += send(http.StatusOK, http.Header{})
			}
			if waited < 900*time.Millisecond {
				t.Errorf("after a 429, 100 requests (answered without headers) waited %v: the documented burst of 75 was not kept", waited)
			}
		})
	}

	clock := &fakeClock{now: noon}
	garbled := newLimiter(clock.Now, clock.Sleep)
	for i := range 100 {
		tk, _, _ := garbled.wait(ctx, epMembers, time.Minute)
		garbled.settle(tk, &response{status: http.StatusOK, header: quotaHeaders(750, 751+i, 30)})
	}
	if st := garbled.endpoints[epMembers]; st.pacing != pacingDocumented || clock.now.Equal(noon) {
		t.Errorf("after unreadable headers, pacing %d and %v for 100 requests; want the documented limits", st.pacing, clock.now.Sub(noon))
	}
}

// TestLimiterHoldsFor429: after a 429, no request to the endpoint goes
// before its Retry-After has passed; other endpoints are not held; a hold
// longer than the client waits for fails at once, saying so.
func TestLimiterHoldsFor429(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: noon}
	l := newLimiter(clock.Now, clock.Sleep)
	l.hold(epMembers, 2*time.Second)
	if _, waited, err := l.wait(ctx, epLists, time.Minute); err != nil || waited != 0 {
		t.Errorf("another endpoint waited %v (%v)", waited, err)
	}
	clock.now = clock.now.Add(500 * time.Millisecond)
	if _, waited, err := l.wait(ctx, epMembers, time.Minute); err != nil || waited != 1500*time.Millisecond {
		t.Errorf("half a second into a 2 s hold, a request waited %v (%v); want 1.5 s", waited, err)
	}
	l.hold(epMembers, 2*time.Hour)
	before := clock.now
	_, _, err := l.wait(ctx, epMembers, time.Minute)
	if err == nil || !strings.Contains(err.Error(), "Klaviyo asked to wait 2h0m0s before more requests to "+epMembers+", longer than 1m0s: try again later") {
		t.Errorf("err = %v", err)
	}
	if !clock.now.Equal(before) {
		t.Errorf("the refused wait slept %v", clock.now.Sub(before))
	}
}

// TestLimiterServerWindowUsedUp: a window the server says is used up is
// waited for until its reset and a margin; one used up for longer than
// the client waits fails at once.
func TestLimiterServerWindowUsedUp(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		reset   int
		maxHold time.Duration
		want    time.Duration // -1: an error
	}{
		{20, time.Minute, 21 * time.Second},
		{0, time.Minute, time.Second},
		{60, time.Minute, 61 * time.Second},
		{600, time.Minute, -1},
	} {
		t.Run(fmt.Sprint(tt.reset), func(t *testing.T) {
			clock := &fakeClock{now: noon}
			l := newLimiter(clock.Now, clock.Sleep)
			tk, _, _ := l.wait(ctx, epMembers, tt.maxHold)
			l.settle(tk, &response{status: http.StatusOK, header: quotaHeaders(750, 0, tt.reset)})
			_, waited, err := l.wait(ctx, epMembers, tt.maxHold)
			switch {
			case tt.want < 0 && (err == nil || !strings.Contains(err.Error(), "used up")):
				t.Errorf("waited %v, err %v; want an error", waited, err)
			case tt.want >= 0 && (err != nil || waited != tt.want):
				t.Errorf("waited %v (%v), want %v", waited, err, tt.want)
			}
		})
	}
}

// TestLimiterBurstFollowsTier: when the server's steady quota names a
// slower tier than documented, that tier's burst is kept; never a burst
// above the documented one.
func TestLimiterBurstFollowsTier(t *testing.T) {
	for _, tt := range []struct{ limit, want int }{
		{750, 75}, {700, 75}, {150, 10}, {60, 3}, {15, 1}, {3500, 75}, {1500, 75}, {300, 30}, {5, 1},
	} {
		st := &endpointState{doc: endpointLimit{75, 750}, pacing: pacingServer, window: serverWindow{limit: tt.limit}}
		if got := st.burst(); got != tt.want {
			t.Errorf("steady quota %d: burst %d, want %d", tt.limit, got, tt.want)
		}
	}
}
