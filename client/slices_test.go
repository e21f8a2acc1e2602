package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// watchedTransport counts the requests through it, the most at once, and
// those that asked for a sort.
type watchedTransport struct {
	next                       http.RoundTripper
	delay                      time.Duration
	requests, sorted, inFlight atomic.Int64
	maxInFlight                atomic.Int64
	refuseSort, ignoreSort     bool
	mu                         sync.Mutex
	maxReadAhead               int64
	consumed                   *atomic.Int64
}

func (w *watchedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := w.requests.Add(1)
	if w.consumed != nil {
		w.mu.Lock()
		w.maxReadAhead = max(w.maxReadAhead, n-w.consumed.Load())
		w.mu.Unlock()
	}
	if r.URL.Query().Get("sort") != "" {
		w.sorted.Add(1)
		if w.ignoreSort {
			q := r.URL.Query()
			q.Del("sort")
			r = r.Clone(r.Context())
			r.URL.RawQuery = q.Encode()
		}
		if w.refuseSort {
			body := `{"errors":[{"id":"x","status":400,"code":"invalid","title":"Invalid input.","detail":"sort is not supported","source":{"parameter":"sort"}}]}`
			return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/vnd.api+json"}},
				Body: ioNopCloser(body), Request: r}, nil
		}
	}
	in := w.inFlight.Add(1)
	for {
		m := w.maxInFlight.Load()
		if in <= m || w.maxInFlight.CompareAndSwap(m, in) {
			break
		}
	}
	defer w.inFlight.Add(-1)
	if w.delay > 0 {
		time.Sleep(w.delay)
	}
	return w.next.RoundTrip(r)
}

// slicedList is a sandbox with a list of n synthetic members (join times
// spread over three years) plus dense members: bursts jobs of 1,000
// profiles each, every profile of a job joining at one instant.
func slicedList(t *testing.T, n, bursts int) (*sandbox.Sandbox, string) {
	t.Helper()
	sb := sandboxtest.Open(t, sandbox.Options{})
	id, err := sb.LoadMembers(context.Background(), "Sliced", n)
	if err != nil {
		t.Fatal(err)
	}
	c := sandboxtest.Client(t, sb, client.Options{})
	for b := range bursts {
		var profiles []string
		for i := range client.MaxSubscribeProfiles {
			profiles = append(profiles, fmt.Sprintf(`{"type":"profile","attributes":{"email":"burst%d.%d@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}}}}}`, b, i))
		}
		body := `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[` + strings.Join(profiles, ",") +
			`]}},"relationships":{"list":{"data":{"type":"list","id":"` + id + `"}}}}}`
		req, _ := http.NewRequest("POST", "http://sandbox.invalid/api/profile-subscription-bulk-create-jobs", strings.NewReader(body))
		req.Header.Set("Authorization", "Klaviyo-API-Key pk_test")
		req.Header.Set("revision", "2026-07-15")
		req.Header.Set("Content-Type", "application/vnd.api+json")
		res, err := sb.Transport().RoundTrip(req)
		if err != nil || res.StatusCode != 202 {
			t.Fatalf("burst %d: %v %v", b, res.Status, err)
		}
	}
	_ = c
	return sb, id
}

// inOrder is every member of the list, oldest first, read one page at a
// time by plain cursor: what MembersInOrder must give.
func inOrder(t *testing.T, c *client.Client, listID string) []string {
	t.Helper()
	var ids []string
	for p, err := range c.MembersPages(context.Background(), listID, client.MembersQuery{Sort: client.SortJoined}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Profiles {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// TestMembersInOrderGivesEveryMemberOnceInOrder streams lists spread out
// and bursty, with buffers from one page up, and compares with one plain
// walk: the same members, in the same order, none twice.
func TestMembersInOrderGivesEveryMemberOnceInOrder(t *testing.T) {
	sb, listID := slicedList(t, 2500, 2)
	plain := inOrder(t, sandboxtest.Client(t, sb, client.Options{}), listID)
	if len(plain) != 4500 {
		t.Fatalf("%d members, want 4500", len(plain))
	}
	for _, opts := range []client.StreamOptions{
		{},
		{Workers: 3, BufferPages: 1, SlicePages: 1},
		{Workers: 50, BufferPages: 8, SlicePages: 2},
		{Workers: 1},
		{Fields: client.TableFields},
	} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			w := &watchedTransport{next: sb.Transport(), delay: time.Millisecond}
			c := through(t, w, client.Options{})
			var got []string
			for p, err := range c.MembersInOrder(context.Background(), listID, opts) {
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range p.Profiles {
					got = append(got, m.ID)
				}
			}
			if !slices.Equal(got, plain) {
				seen := map[string]int{}
				for _, id := range got {
					seen[id]++
				}
				twice := 0
				for _, n := range seen {
					if n > 1 {
						twice++
					}
				}
				t.Fatalf("%d members (%d distinct, %d twice), want the %d of a plain walk in its order", len(got), len(seen), twice, len(plain))
			}
			if opts.Workers != 1 && w.maxInFlight.Load() < 2 {
				t.Errorf("at most %d request in flight: not paged in parallel", w.maxInFlight.Load())
			}
			if pages := int64(len(plain)+99) / 100; w.requests.Load() > pages*2 {
				t.Errorf("%d requests for %d pages' worth", w.requests.Load(), pages)
			}
			t.Logf("%d requests, at most %d at once", w.requests.Load(), w.maxInFlight.Load())
		})
	}
}

// TestMembersInOrderReadsAheadBoundedly: a caller that takes its time
// holds back the workers: what is read ahead of what was taken stays
// within the buffer and the requests in flight.
func TestMembersInOrderReadsAheadBoundedly(t *testing.T) {
	sb, listID := slicedList(t, 3000, 0)
	var consumed atomic.Int64
	w := &watchedTransport{next: sb.Transport(), consumed: &consumed}
	c := through(t, w, client.Options{})
	opts := client.StreamOptions{Workers: 8, BufferPages: 4, SlicePages: 2}
	for p, err := range c.MembersInOrder(context.Background(), listID, opts) {
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		_ = p
		consumed.Add(1)
	}
	// Read ahead: the buffer, the workers' requests, the slices' first
	// pages that came back empty, and the two requests before the walk.
	if limit := int64(opts.BufferPages + 2*opts.Workers + 2); w.maxReadAhead > limit {
		t.Errorf("%d requests ahead of the pages taken, more than %d", w.maxReadAhead, limit)
	}
}

// TestMembersInOrderFallsBackToPlainPaging: a small limit and a fieldset
// without joined_group_at are paged by one cursor, still in join order; a
// server that refuses the sort by one cursor in its own order.
func TestMembersInOrderFallsBackToPlainPaging(t *testing.T) {
	sb, listID := slicedList(t, 1500, 0)
	tests := []struct {
		name       string
		opts       client.StreamOptions
		refuseSort bool
		want       int
	}{
		{"small limit", client.StreamOptions{Limit: 250}, false, 1500},
		{"fieldset without the join time", client.StreamOptions{Fields: []string{"email"}}, false, 1500},
		{"sort refused", client.StreamOptions{}, true, 1500},
		{"sort ignored", client.StreamOptions{}, false, 1500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &watchedTransport{next: sb.Transport(), refuseSort: tt.refuseSort, ignoreSort: tt.name == "sort ignored"}
			c := through(t, w, client.Options{})
			n, seen := 0, map[string]bool{}
			for p, err := range c.MembersInOrder(context.Background(), listID, tt.opts) {
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range p.Profiles {
					if seen[m.ID] {
						t.Fatalf("%s twice", m.ID)
					}
					seen[m.ID] = true
				}
				n += len(p.Profiles)
			}
			if n != tt.want {
				t.Errorf("%d members, want %d", n, tt.want)
			}
			if tt.refuseSort && w.sorted.Load() != 1 {
				t.Errorf("%d sorted requests, want the one refused", w.sorted.Load())
			}
			if !tt.refuseSort && !w.ignoreSort && w.sorted.Load() != w.requests.Load() {
				t.Errorf("%d of %d requests sorted: the order must be the join order", w.sorted.Load(), w.requests.Load())
			}
			if w.maxInFlight.Load() > 1 {
				t.Errorf("%d requests at once: plain paging is one at a time", w.maxInFlight.Load())
			}
		})
	}
}

// TestMembersInOrderStopsCleanly: a caller that stops early, and a
// failure mid-way, leave no worker running.
func TestMembersInOrderStopsCleanly(t *testing.T) {
	sb, listID := slicedList(t, 2500, 0)
	before := runtime.NumGoroutine()
	c := through(t, &watchedTransport{next: sb.Transport(), delay: time.Millisecond}, client.Options{})
	pages := 0
	for _, err := range c.MembersInOrder(context.Background(), listID, client.StreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if pages++; pages == 3 {
			break
		}
	}
	failing := &failAfter{next: sb.Transport(), after: 10}
	c = through(t, failing, client.Options{Attempts: 1})
	var last error
	n := 0
	for p, err := range c.MembersInOrder(context.Background(), listID, client.StreamOptions{}) {
		n += len(p.Profiles)
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "500") {
		t.Errorf("the failure was not yielded: %v (after %d members)", last, n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

// failAfter answers 500 from its after-th request on.
type failAfter struct {
	next  http.RoundTripper
	after int64
	n     atomic.Int64
}

func (f *failAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.n.Add(1) >= f.after {
		body := `{"errors":[{"id":"x","status":500,"code":"error","title":"A server error occurred.","detail":"boom"}]}`
		return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"application/vnd.api+json"}}, Body: ioNopCloser(body), Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// through is a client whose requests go through rt (to the sandbox), with
// no limiter of its own.
func through(t *testing.T, rt http.RoundTripper, opts client.Options) *client.Client {
	t.Helper()
	opts.BaseURL, opts.APIKey, opts.Transport, opts.NoLimiter = "http://sandbox.invalid", "pk_slices_test", rt, true
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
