package sandbox

import (
	"math"
	"testing"
	"time"
)

func TestFaultInjectionRates(t *testing.T) {
	s, _ := openSeeded(t, Options{FailRate: 0.2, ThrottleRate: 0.1, Seed: 42})
	c := inProcess(t, s)
	c.faults = true
	counts := map[int]int{}
	const n = 2000
	for range n {
		r := c.request("GET", "/api/lists?page[size]=1", nil, nil)
		counts[r.status]++
		switch r.status {
		case 429:
			if r.header.Get("Retry-After") != "1" || r.firstError(t)["code"] != "throttled" {
				t.Fatalf("injected 429: %v %s", r.header, r.body)
			}
		case 503:
			if r.firstError(t)["status"] != float64(503) {
				t.Fatalf("injected 503: %s", r.body)
			}
		}
	}
	within := func(got int, rate float64) bool {
		want := rate * n
		return float64(got) > want*0.8 && float64(got) < want*1.2
	}
	if !within(counts[503], 0.2) || !within(counts[429], 0.1) || counts[200]+counts[503]+counts[429] != n {
		t.Fatalf("statuses %v for fail 0.2, throttle 0.1 over %d requests", counts, n)
	}
}

func TestFaultInjectionDeterministic(t *testing.T) {
	run := func() []int {
		s, _ := openSeeded(t, Options{FailRate: 0.3, Seed: 7})
		c := inProcess(t, s)
		c.faults = true
		var out []int
		for range 50 {
			out = append(out, c.request("GET", "/api/lists", nil, nil).status)
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, a[i], b[i])
		}
	}
}

func TestFaultInjectionAppliesNothing(t *testing.T) {
	s, _ := openSeeded(t, Options{FailRate: 1, JobDelay: -1})
	c := inProcess(t, s)
	c.faults = true
	c.request("POST", subscribePath, subscribeBody("", map[string]any{"email": "fault@example.com", "subscriptions": subs("SUBSCRIBED", "email")}), nil)
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM profiles WHERE email = 'fault@example.com'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("a failed request was applied (%d, %v)", n, err)
	}
}

// TestOpenRefusesMeaninglessFaults: a rate that is not a number from 0 to
// 1, rates adding up to more than 1, or a negative latency is an error of
// Open, not a sandbox that silently never (or always) injects.
func TestOpenRefusesMeaninglessFaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		ok   bool
	}{
		{"NaN fail rate", Options{FailRate: math.NaN()}, false},
		{"NaN throttle rate", Options{ThrottleRate: math.NaN()}, false},
		{"infinite fail rate", Options{FailRate: math.Inf(1)}, false},
		{"negative throttle rate", Options{ThrottleRate: -0.1}, false},
		{"fail rate over 1", Options{FailRate: 1.5}, false},
		{"rates adding up to more than 1", Options{FailRate: 0.6, ThrottleRate: 0.6}, false},
		{"negative latency", Options{Latency: -time.Second}, false},
		{"every request failed", Options{FailRate: 1}, true},
		{"rates adding up to 1", Options{FailRate: 0.5, ThrottleRate: 0.5}, true},
	} {
		s, err := Open(t.Context(), tc.opts)
		if err == nil {
			s.Close()
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: Open: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
