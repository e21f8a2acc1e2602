package client_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// pageAll pages through a list to the end, client.MaxPageSize members a
// page, and returns how many members.
func pageAll(t testing.TB, c *client.Client, listID string) int {
	return pageAllBy(t, c, listID, client.MaxPageSize)
}

// pageAllBy is pageAll with size members a page.
func pageAllBy(t testing.TB, c *client.Client, listID string, size int) int {
	n := 0
	q := client.MembersQuery{PageSize: size}
	for {
		page, err := c.Members(context.Background(), listID, q)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Profiles)
		if page.Next == "" {
			return n
		}
		q = client.MembersQuery{Next: page.Next}
	}
}

// bigList opens a rate-limited sandbox with a list of n members.
func bigList(t testing.TB, n int) (*sandbox.Sandbox, string) {
	sb := sandboxtest.Open(t, sandbox.Options{RateLimit: true})
	id, err := sb.LoadMembers(context.Background(), "Scale", n)
	if err != nil {
		t.Fatal(err)
	}
	return sb, id
}

// TestPagingAtKlaviyosLimits pages a 2,000-member list 10 at a time (200
// requests, more than the burst of 75 a second) against a sandbox that enforces
// Klaviyo's limits: with the client's limiter, not one 429, not one
// request more than the pages, and the pauses the limits need; without it,
// 429s, each waited for and retried.
//
// It runs in a synctest bubble over the sandbox's in-process transport, so
// the client's limiter and the sandbox's windows share one fake clock that
// moves only when everything waits: the requests come as fast as the
// limits let them, however loaded the machine.
func TestPagingAtKlaviyosLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Small pages: the limits count requests, not members, and a small
		// list keeps the test cheap under the race detector.
		const members, size = 2_000, 10
		sb, listID := bigList(t, members)
		withLimiter, h, waits := bubbleClient(t, sb, client.Options{})
		start := time.Now()
		if got := pageAllBy(t, withLimiter, listID, size); got != members {
			t.Fatalf("paged %d members", got)
		}
		took := time.Since(start)
		if h.count("Too Many Requests") != 0 || h.count("GET") != 200 {
			t.Errorf("with the limiter: %d requests, %d throttled; want 200 and none", h.count("GET"), h.count("Too Many Requests"))
		}
		limited := 0
		for _, w := range *waits {
			if w.Reason != "limit" {
				t.Errorf("with the limiter, a wait of another kind: %+v", w)
				continue
			}
			limited++
		}
		// 200 requests at 75 a second: at least two pauses and two seconds,
		// and not much more than that.
		if limited < 2 || took < 2*time.Second || took > 3*time.Second {
			t.Errorf("the limiter paused %d times, the pages took %v: want at least 2 pauses and between 2 s and 3 s", limited, took)
		}

		time.Sleep(1100 * time.Millisecond) // a fresh burst window for the comparison
		without, h2, waits2 := bubbleClient(t, sb, client.Options{NoLimiter: true, Attempts: 10})
		if got := pageAllBy(t, without, listID, size); got != members {
			t.Fatalf("without the limiter: paged %d members", got)
		}
		throttled := h2.count("Too Many Requests")
		if throttled == 0 {
			t.Fatal("without the limiter the sandbox throttled nothing: the test proves nothing")
		}
		if h2.count("GET") != 200+throttled {
			t.Errorf("without the limiter: %d requests, %d of them 429; want each 429 retried once", h2.count("GET"), throttled)
		}
		n := 0
		for _, w := range *waits2 {
			if w.Reason == "throttled" && w.Duration > 0 {
				n++
			}
		}
		if n != throttled {
			t.Errorf("%d 429s but %d waits for Retry-After", throttled, n)
		}
	})
}

// TestParallelMembersAtTheSandboxsWindows reads 1,000 members pages from 20
// goroutines, starting mid-minute, against the sandbox's fixed windows (in
// a synctest bubble, on its clock): not one 429, and within 5 % of the 33 s
// the fixed windows allow (75 a second to the minute's 750 at :40, then
// 250 more once it resets). The sliding minute the client kept before it
// read the RateLimit-* headers took 64 s.
func TestParallelMembersAtTheSandboxsWindows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const pages, goroutines, floor = 1000, 20, 33 * time.Second
		sb, listID := bigList(t, 20)
		c, h, waits := bubbleClient(t, sb, client.Options{})
		time.Sleep(30 * time.Second) // the bubble starts on a minute
		start := time.Now()
		var left atomic.Int64
		left.Store(pages)
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					if _, err := c.Members(context.Background(), listID, client.MembersQuery{PageSize: 10}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		if h.count("GET") != pages || h.count("Too Many Requests") != 0 {
			t.Errorf("%d requests, %d throttled; want %d and none", h.count("GET"), h.count("Too Many Requests"), pages)
		}
		if took < floor || took > floor+floor/20 {
			t.Errorf("%d pages took %v; the fixed windows allow %v", pages, took, floor)
		}
		for _, w := range *waits {
			if w.Reason != "limit" {
				t.Errorf("a wait of another kind: %+v", w)
			}
		}
		t.Logf("%d pages from %d goroutines: %v", pages, goroutines, took)
	})
}

// TestBulkSubscribeAtKlaviyosLimits subscribes 1,000 profiles in one job:
// one request, accepted, and every profile then reads back SUBSCRIBED.
func TestBulkSubscribeAtKlaviyosLimits(t *testing.T) {
	sb, listID := bigList(t, 10)
	c, h, _ := faultyClient(t, sb, client.Options{}, false)
	reqs := make([]model.CheckedRequest, client.MaxSubscribeProfiles)
	for i := range reqs {
		r, problems := model.ConsentRequest{Email: fmt.Sprintf("bulk%04d@example.com", i), Channels: []model.Channel{model.EmailMarketing}}.Check(rules)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		reqs[i] = r
	}
	if err := c.SubscribeMany(context.Background(), reqs, listID, "bulk test"); err != nil {
		t.Fatal(err)
	}
	if h.count("POST") != 1 || h.count("Too Many Requests") != 0 {
		t.Errorf("%d POSTs, %d throttled", h.count("POST"), h.count("Too Many Requests"))
	}
	for _, i := range []int{0, 499, 999} {
		ps, err := c.LookupEmail(context.Background(), fmt.Sprintf("bulk%04d@example.com", i))
		if err != nil || len(ps) != 1 || ps[0].Subscriptions.Channel(model.EmailMarketing).Consent != model.Subscribed {
			t.Errorf("profile %d: %+v %v", i, ps, err)
		}
	}
	if err := c.SubscribeMany(context.Background(), append(reqs, reqs[0]), listID, ""); err == nil {
		t.Error("1,001 profiles in one job were sent")
	}
}

// BenchmarkPagingAtRateLimits pages 20,000 members (200 requests) against
// Klaviyo's limits as the sandbox enforces them; the least time they allow
// is about 2 s (75 requests in each of three one-second windows).
func BenchmarkPagingAtRateLimits(b *testing.B) {
	sb, listID := bigList(b, 20_000)
	for b.Loop() {
		time.Sleep(1100 * time.Millisecond) // start in a fresh burst window
		c, h, _ := faultyClient(b, sb, client.Options{}, false)
		start := time.Now()
		pageAll(b, c, listID)
		b.ReportMetric(time.Since(start).Seconds(), "s/20k-members")
		b.ReportMetric(float64(h.count("GET")), "requests")
		b.ReportMetric(float64(h.count("Too Many Requests")), "429s")
	}
}
