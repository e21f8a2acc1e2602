package client

import (
	"context"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// modelClient is a client whose requests the transport serves, on the
// bubble's clock, with every wait it reports recorded.
func modelClient(t *testing.T, tr *modelTransport) (*Client, func() []Wait) {
	t.Helper()
	var mu sync.Mutex
	var waits []Wait
	c, err := New(Options{BaseURL: "http://model.invalid", APIKey: testKey, Transport: tr,
		OnWait: func(w Wait) { mu.Lock(); waits = append(waits, w); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []Wait { mu.Lock(); defer mu.Unlock(); return append([]Wait(nil), waits...) }
}

// inParallel makes n requests for members pages from the given number of
// goroutines, as many as each can, and fails the test on any error.
func inParallel(t *testing.T, c *Client, n, goroutines int) {
	t.Helper()
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if _, err := c.Members(context.Background(), "L1", MembersQuery{PageSize: 100}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// jitter is a delay of up to most for request n, the same on every run.
func jitter(most time.Duration) func(int) time.Duration {
	return func(n int) time.Duration {
		h := fnv.New32a()
		h.Write([]byte(strconv.Itoa(n)))
		return time.Duration(h.Sum32()%uint32(most/time.Millisecond+1)) * time.Millisecond
	}
}

// TestParallelPagesAtTheServersWindows: 1,000 members pages from many
// goroutines, started mid-minute, against the fixed-window model, with and
// without latency that makes answers overtake each other, however the
// server rounds RateLimit-Reset: not one 429, and within 5 % of the least
// the fixed windows allow (33 s; the sliding minute took 64 s).
func TestParallelPagesAtTheServersWindows(t *testing.T) {
	tests := []struct {
		name       string
		goroutines int
		latency    time.Duration // most each way
		reset      func(time.Duration) int
	}{
		{"20 goroutines", 20, 0, roundUp},
		{"30 goroutines, answers out of order", 30, 40 * time.Millisecond, roundUp},
		{"30 goroutines, answers out of order, Reset rounded down", 30, 40 * time.Millisecond, roundDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				time.Sleep(30 * time.Second) // the bubble starts on a minute
				lim := endpointLimit{75, 750}
				tr := &modelTransport{model: &fixedWindows{lim: lim, reset: tt.reset}}
				if tt.latency > 0 {
					tr.up, tr.down = jitter(tt.latency), jitter(tt.latency/2)
				}
				c, waits := modelClient(t, tr)
				start := time.Now()
				const n = 1000
				inParallel(t, c, n, tt.goroutines)
				took, floor := time.Since(start), fixedWindowFloor(n, lim, start)
				if got := tr.model.throttled(); got != 0 {
					t.Errorf("%d requests throttled", got)
				}
				if got := len(tr.sendTimes()); got != n {
					t.Errorf("%d requests for %d pages", got, n)
				}
				if took < floor || took > floor+floor/20 {
					t.Errorf("%d pages took %v; the fixed windows allow %v", n, took, floor)
				}
				for _, w := range waits() {
					if w.Reason != "limit" {
						t.Errorf("a wait of another kind: %+v", w)
					}
				}
				t.Logf("%d pages from %d goroutines: %v (floor %v)", n, tt.goroutines, took, floor)
			})
		})
	}
}

// TestParallelPagesWithoutServerLimits: a server that sends no RateLimit-*
// headers and enforces nothing is not paced at all: 1,000 pages from 20
// goroutines take no time and the client reports no wait.
func TestParallelPagesWithoutServerLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &modelTransport{model: &fixedWindows{noHeaders: true, noLimits: true}}
		c, waits := modelClient(t, tr)
		start := time.Now()
		inParallel(t, c, 1000, 20)
		if took := time.Since(start); took != 0 {
			t.Errorf("1,000 pages took %v", took)
		}
		if w := waits(); len(w) != 0 {
			t.Errorf("%d waits, the first %+v", len(w), w[0])
		}
	})
}

// TestA429HoldsEveryGoroutine: when one request draws a 429 with
// Retry-After: 2, no goroutine sends to that endpoint for the next 2 s;
// the 429 is reported once, as Klaviyo asking to wait, and every request
// succeeds in the end.
func TestA429HoldsEveryGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		model := &fixedWindows{lim: endpointLimit{75, 750}, throttleNth: 50, throttleSecs: 2}
		tr := &modelTransport{model: model, up: jitter(5 * time.Millisecond)}
		c, waits := modelClient(t, tr)
		inParallel(t, c, 300, 20)
		if model.throttled() != 1 || model.throttledAt.IsZero() {
			t.Fatalf("%d 429s: the test proves nothing", model.throttled())
		}
		held := 0
		for _, at := range tr.sendTimes() {
			if at.After(model.throttledAt) {
				if d := at.Sub(model.throttledAt); d < 2*time.Second {
					t.Errorf("a request went %v after the 429", d)
				}
				held++
			}
		}
		if held == 0 {
			t.Error("no request after the 429")
		}
		throttled := 0
		for _, w := range waits() {
			if w.Reason == "throttled" {
				throttled++
				if w.Duration != 2*time.Second {
					t.Errorf("a throttled wait of %v", w.Duration)
				}
			}
		}
		if throttled != 1 {
			t.Errorf("%d throttled waits reported for one 429", throttled)
		}
	})
}
