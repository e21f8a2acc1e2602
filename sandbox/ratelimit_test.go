package sandbox

import (
	"strconv"
	"testing"
	"time"
)

func TestRateLimitBurst(t *testing.T) {
	s, clock := openSeeded(t, Options{RateLimit: true})
	c := inProcess(t, s)
	for i := range 75 {
		r := c.get("/api/lists").must(t, 200)
		if r.header.Get("RateLimit-Limit") != "750" || r.header.Get("RateLimit-Remaining") != strconv.Itoa(750-i-1) {
			t.Fatalf("request %d: RateLimit-Limit %q Remaining %q", i, r.header.Get("RateLimit-Limit"), r.header.Get("RateLimit-Remaining"))
		}
		if reset, err := strconv.Atoi(r.header.Get("RateLimit-Reset")); err != nil || reset < 1 || reset > 60 {
			t.Fatalf("RateLimit-Reset %q", r.header.Get("RateLimit-Reset"))
		}
	}
	r := c.get("/api/lists").must(t, 429)
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", r.header.Get("Retry-After"))
	}
	e := r.firstError(t)
	if e["code"] != "throttled" || e["title"] != "Request was throttled." {
		t.Errorf("throttled body %v", e)
	}
	// Another endpoint has its own quota.
	c.get("/api/profiles?page[size]=1").must(t, 200)
	clock.Advance(time.Second)
	c.get("/api/lists").must(t, 200)
}

func TestRateLimitSteady(t *testing.T) {
	s, clock := openSeeded(t, Options{RateLimit: true})
	c := inProcess(t, s)
	// The fake clock starts at :00.5 of a minute; 10 bursts of 75 fill the
	// 750 a minute.
	for burst := range 10 {
		for range 75 {
			c.get("/api/profiles?page[size]=1").must(t, 200)
		}
		if burst < 9 {
			clock.Advance(time.Second)
		}
	}
	clock.Advance(time.Second)
	r := c.get("/api/profiles?page[size]=1").must(t, 429)
	wait, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || wait < 2 || wait > 60 {
		t.Fatalf("Retry-After %q, want the seconds left of the minute", r.header.Get("Retry-After"))
	}
	clock.Advance(time.Duration(wait) * time.Second)
	c.get("/api/profiles?page[size]=1").must(t, 200)
}

func TestRateLimitProfileLists(t *testing.T) {
	s, clock := openSeeded(t, Options{RateLimit: true})
	c := inProcess(t, s)
	id := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)[0]["id"].(string)
	for range 3 {
		r := c.get("/api/profiles/"+id+"/lists").must(t, 200)
		if r.header.Get("RateLimit-Limit") != "60" {
			t.Fatalf("RateLimit-Limit %q, want 60", r.header.Get("RateLimit-Limit"))
		}
	}
	c.get("/api/profiles/"+id+"/lists").must(t, 429)
	clock.Advance(time.Second)
	c.get("/api/profiles/"+id+"/lists").must(t, 200)
}

// TestRateLimitOffSendsNoHeaders: with limits off (`--rate-limit off`)
// nothing is refused and no answer advertises a limit, not even after more
// requests than a burst allows; with limits on, every answer does.
func TestRateLimitOffSendsNoHeaders(t *testing.T) {
	headers := []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
	for _, tc := range []struct {
		name    string
		enforce bool
	}{{"off", false}, {"on", true}} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openSeeded(t, Options{RateLimit: tc.enforce})
			c := inProcess(t, s)
			n := 100
			if tc.enforce {
				n = 75 // one burst
			}
			for i := range n {
				r := c.get("/api/lists").must(t, 200)
				for _, h := range headers {
					if got := r.header.Get(h); (got != "") != tc.enforce {
						t.Fatalf("request %d: %s %q with limits %s", i, h, got, tc.name)
					}
				}
				if got := r.header.Get("Retry-After"); got != "" {
					t.Fatalf("request %d: Retry-After %q", i, got)
				}
			}
		})
	}
}
