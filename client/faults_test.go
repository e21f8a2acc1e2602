package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// countingHandler counts requests and answers by method and status. Each
// is counted before the client can see it: a method when the request
// arrives, a status before its header is written. (Counting after the
// handler returned let a client read its last page before that page was
// counted.)
type countingHandler struct {
	next http.Handler
	mu   sync.Mutex
	n    map[string]int // "GET", "POST", "Too Many Requests", ...
}

func (h *countingHandler) add(key string) {
	h.mu.Lock()
	h.n[key]++
	h.mu.Unlock()
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.add(r.Method)
	rec := &statusRecorder{ResponseWriter: w, counter: h}
	h.next.ServeHTTP(rec, r)
	if !rec.wroteHeader {
		rec.WriteHeader(http.StatusOK) // an empty answer, still unsent
	}
}

func (h *countingHandler) count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[key]
}

// statusRecorder counts the status of an answer as its header is written.
type statusRecorder struct {
	http.ResponseWriter
	counter     *countingHandler
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.wroteHeader = true
		r.counter.add(http.StatusText(code))
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

func faultyClient(t testing.TB, sb *sandbox.Sandbox, opts client.Options, fastSleep bool) (*client.Client, *countingHandler, *[]client.Wait) {
	t.Helper()
	h := &countingHandler{next: sb, n: map[string]int{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var waits []client.Wait
	opts.BaseURL, opts.APIKey = srv.URL, "pk_faults_test_key"
	opts.OnWait = func(w client.Wait) { mu.Lock(); waits = append(waits, w); mu.Unlock() }
	if fastSleep {
		// The client's clock moves by what it sleeps, at once: a wait the
		// limiter holds every request for (a 429's Retry-After) passes
		// without being slept, as the retry's own wait does.
		clock := &steppedClock{now: time.Now()}
		opts.Now, opts.Sleep = clock.Now, clock.Sleep
	}
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, h, &waits
}

// steppedClock is a clock that moves only when slept on, safe for the
// goroutines of one client.
type steppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *steppedClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	return ctx.Err()
}

// countingTransport counts requests and answers as countingHandler does,
// on a transport: the sandbox's in-process one, which runs in a synctest
// bubble where a real server's connections cannot.
type countingTransport struct {
	next http.RoundTripper
	countingHandler
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.add(r.Method)
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		c.add(http.StatusText(resp.StatusCode))
	}
	return resp, err
}

// bubbleClient is faultyClient on the sandbox's in-process transport, with
// the client's own clock (time.Now and timers): in a synctest bubble, the
// bubble's fake clock, which the sandbox's rate limits read too.
func bubbleClient(t testing.TB, sb *sandbox.Sandbox, opts client.Options) (*client.Client, *countingTransport, *[]client.Wait) {
	t.Helper()
	tr := &countingTransport{next: sb.Transport(), countingHandler: countingHandler{n: map[string]int{}}}
	var mu sync.Mutex
	var waits []client.Wait
	opts.BaseURL, opts.APIKey, opts.Transport = "http://sandbox.invalid", "pk_faults_test_key", tr
	opts.OnWait = func(w client.Wait) { mu.Lock(); waits = append(waits, w); mu.Unlock() }
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, tr, &waits
}

func TestFaultsServerErrorsRetriedForGETsOnly(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{FailRate: 0.3, Seed: 7})
	c, h, waits := faultyClient(t, sb, client.Options{Attempts: 8}, true)
	for i := 0; i < 30; i++ {
		if _, err := c.LookupEmail(ctx, "nobody@example.com"); err != nil {
			t.Fatalf("GET %d failed despite retries: %v", i, err)
		}
	}
	if h.count("Service Unavailable")+h.count("Internal Server Error") == 0 || h.count("GET") <= 30 {
		t.Fatalf("no faults injected (%v): the test proves nothing", h.n)
	}
	if len(*waits) == 0 || (*waits)[0].Reason != "retry" {
		t.Errorf("waits = %+v", *waits)
	}

	before := h.count("POST")
	failed := 0
	const posts = 30
	for i := 0; i < posts; i++ {
		req, _ := model.ConsentRequest{Email: "fault" + string(rune('a'+i)) + "@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(rules)
		if _, err := c.Subscribe(ctx, req); err != nil {
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.Status < 500 {
				t.Fatalf("POST failed with %v", err)
			}
			failed++
		}
	}
	if got := h.count("POST") - before; got != posts {
		t.Errorf("the server saw %d POSTs for %d subscribes: a POST was resent", got, posts)
	}
	if failed == 0 {
		t.Error("no POST met a fault: the test proves nothing")
	}
}

func TestFaultsThrottlingHonoursRetryAfter(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{ThrottleRate: 0.3, Seed: 3})
	c, h, waits := faultyClient(t, sb, client.Options{Attempts: 10}, true)
	for i := 0; i < 20; i++ {
		req, _ := model.ConsentRequest{Email: "throttle" + string(rune('a'+i)) + "@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(rules)
		if _, err := c.Subscribe(ctx, req); err != nil {
			t.Fatalf("subscribe %d: %v", i, err)
		}
	}
	throttled := h.count("Too Many Requests")
	if throttled == 0 {
		t.Fatal("no 429 injected: the test proves nothing")
	}
	n := 0
	for _, w := range *waits {
		if w.Reason == "throttled" {
			n++
			if w.Duration != time.Second {
				t.Errorf("waited %v after a 429 with Retry-After: 1", w.Duration)
			}
		}
	}
	if n != throttled {
		t.Errorf("%d 429s but %d throttled waits", throttled, n)
	}
	if h.count("POST") != 20+throttled {
		t.Errorf("POSTs %d, want %d (each 429 retried once, nothing else resent)", h.count("POST"), 20+throttled)
	}
}

// TestFaultsLatencyTimesOut: each attempt gives up after Timeout, a GET is
// tried again after the backoff, and the error is a network timeout. In a
// synctest bubble the attempts take exactly their timeouts and the backoff.
func TestFaultsLatencyTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sb := newSandbox(t, sandbox.Options{Latency: 300 * time.Millisecond})
		c, h, waits := bubbleClient(t, sb, client.Options{Timeout: 50 * time.Millisecond, Attempts: 2, NoLimiter: true})
		start := time.Now()
		_, err := c.Lists(context.Background())
		var ne *client.NetworkError
		if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a network timeout", err)
		}
		if got := h.count("GET"); got != 2 {
			t.Errorf("%d GETs for 2 attempts", got)
		}
		if len(*waits) != 1 || (*waits)[0].Reason != "retry" || (*waits)[0].Duration != time.Second {
			t.Errorf("waits = %+v, want one retry after 1 s", *waits)
		}
		if took, want := time.Since(start), 50*time.Millisecond+time.Second+50*time.Millisecond; took != want {
			t.Errorf("took %v, want two timeouts and a backoff, %v", took, want)
		}
	})
}

// TestLimiterAvoidsServerRateLimits sends more than Klaviyo's burst of 75 a
// second at a sandbox that enforces it, all at once: without the
// client-side limiter all but 75 are throttled, with it none are. In a
// synctest bubble "at once" is one instant of the fake clock the client
// and the sandbox share, whatever the machine's speed.
func TestLimiterAvoidsServerRateLimits(t *testing.T) {
	const n = 200
	burst := func(t *testing.T, noLimiter bool) (throttled, gets int) {
		sb := newSandbox(t, sandbox.Options{RateLimit: true})
		c, h, _ := bubbleClient(t, sb, client.Options{NoLimiter: noLimiter, Attempts: 1})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() { c.LookupEmail(context.Background(), "burst@example.com") })
		}
		wg.Wait()
		return h.count("Too Many Requests"), h.count("GET")
	}
	synctest.Test(t, func(t *testing.T) {
		if got, gets := burst(t, true); got != n-75 || gets != n {
			t.Errorf("without the limiter: %d of %d requests throttled, want %d: the sandbox's burst limit is not Klaviyo's 75", got, gets, n-75)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		if got, gets := burst(t, false); got != 0 || gets != n {
			t.Errorf("with the limiter, %d of %d requests were throttled", got, gets)
		}
	})
}
