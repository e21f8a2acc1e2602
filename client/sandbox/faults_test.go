package sandbox

import (
	"testing"
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
