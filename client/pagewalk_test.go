package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPageWalk: the walk's rule, step by step. Each step visits a link as
// a page (-1: the next page, Follow) and wants an error containing err, or
// none when err is "".
func TestPageWalk(t *testing.T) {
	const (
		a = "http://k.test/api/lists?page%5Bcursor%5D=a&page%5Bsize%5D=10"
		b = "http://k.test/api/lists?page%5Bcursor%5D=b"
		c = "http://k.test/api/lists?page%5Bcursor%5D=c"
	)
	type step struct {
		link string
		n    int
		err  string
	}
	tests := []struct {
		name  string
		max   int
		steps []step
	}{
		{"a forward walk", 10, []step{{a, -1, ""}, {b, -1, ""}, {c, -1, ""}}},
		{"the same page again", 10, []step{{a, -1, ""}, {a, -1, "Klaviyo's next link points back to a page already read: stopped after 1 page of lists"}}},
		{"A, B, A", 10, []step{{a, -1, ""}, {b, -1, ""}, {a, -1, "points back to a page already read: stopped after 2 pages"}}},
		{"the parameters reordered are the same page", 10, []step{{a, -1, ""}, {"http://K.test/api/lists/?page%5Bsize%5D=10&page%5Bcursor%5D=a#x", -1, "points back"}}},
		{"another cursor is another page", 10, []step{{a, -1, ""}, {strings.Replace(a, "=a", "=a2", 1), -1, ""}}},
		{"the bound", 3, []step{{a, -1, ""}, {b, -1, ""}, {c, -1, ""}, {c + "d", -1, "Klaviyo still sent a next link after 3 pages of lists: stopped there"}}},
		{"a dropped page read again as itself", 10, []step{{a, 0, ""}, {b, 1, ""}, {c, 2, ""}, {b, 1, ""}, {c, 2, ""}}},
		{"a previous link to a later page", 10, []step{{a, 0, ""}, {b, 1, ""}, {c, 2, ""}, {c, 1, "Klaviyo's previous link points to a page of lists already read as another: not followed"}}},
		{"a previous link before the first page", 10, []step{{a, 0, ""}, {b, -2, "Klaviyo's previous link leads before the first page of lists"}}},
		{"a next link back to the first page", 10, []step{{a, 0, ""}, {b, 1, ""}, {a, 2, "Klaviyo's next link points back to a page already read: stopped after 2 pages"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewPageWalk("lists", tt.max)
			for i, s := range tt.steps {
				var err error
				switch s.n {
				case -1:
					err = w.Follow(s.link)
				case -2:
					err = w.Visit(s.link, -1)
				default:
					err = w.Visit(s.link, s.n)
				}
				switch {
				case s.err == "" && err != nil:
					t.Fatalf("step %d: %v", i, err)
				case s.err != "" && (err == nil || !strings.Contains(err.Error(), s.err)):
					t.Fatalf("step %d: error %v, want %q", i, err, s.err)
				}
			}
		})
	}
}

// loopingKlaviyo is a server whose paging never ends in the way mode says:
// "self" (links.next is the page just read), "ab" (page A's next is B,
// B's is A) or "endless" (?page=N+1 forever). Every page holds one list,
// or one member. It counts the requests it answers.
type loopingKlaviyo struct {
	mode     string
	requests atomic.Int64
}

func (k *loopingKlaviyo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := k.requests.Add(1)
	base := "http://" + r.Host + r.URL.Path
	var next string
	switch k.mode {
	case "self":
		next = "http://" + r.Host + r.URL.RequestURI()
	case "ab":
		if r.URL.Query().Get("page[cursor]") == "A" {
			next = base + "?page%5Bcursor%5D=B"
		} else {
			next = base + "?page%5Bcursor%5D=A"
		}
	case "endless":
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		next = base + "?page=" + strconv.Itoa(p+1)
	}
	var data string
	if strings.HasSuffix(r.URL.Path, "/profiles") {
		data = fmt.Sprintf(`{"type":"profile","id":"P%d","attributes":{"email":"p%d@example.com"}}`, n, n)
	} else {
		data = fmt.Sprintf(`{"type":"list","id":"L%d","attributes":{"name":"List %d","opt_in_process":"single_opt_in"}}`, n, n)
	}
	w.Header().Set("Content-Type", jsonAPI)
	fmt.Fprintf(w, `{"data":[%s],"links":{"self":"%s","next":"%s","prev":null}}`, data, base, next)
}

// handlerTransport serves requests with a handler in-process, so that a
// test can page a hundred thousand times in seconds.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// TestPagingThatNeverEndsIsStopped: links that go round in a circle, or
// that always lead one page further, end every walk through pages with an
// error saying what Klaviyo did, within a bounded number of requests:
// Lists (and so `consent lists`), MembersPages (`consent members`) and
// ProfileLists.
func TestPagingThatNeverEndsIsStopped(t *testing.T) {
	walks := []struct {
		name string
		max  int
		walk func(c *Client) (int, error) // items read
	}{
		{"lists", MaxListPages, func(c *Client) (int, error) {
			n := 0
			for p, err := range c.ListsPages(context.Background()) {
				if err != nil {
					return n, err
				}
				n += len(p.Lists)
			}
			return n, nil
		}},
		{"members", MaxMemberPages, func(c *Client) (int, error) {
			n := 0
			for p, err := range c.MembersPages(context.Background(), "L1", MembersQuery{}) {
				if err != nil {
					return n, err
				}
				n += len(p.Profiles)
			}
			return n, nil
		}},
		{"the profile's lists", MaxListPages, func(c *Client) (int, error) {
			ls, err := c.ProfileLists(context.Background(), "P1")
			return len(ls), err
		}},
	}
	modes := []struct {
		mode     string
		requests func(max int) int64
		err      func(what string, max int) string
	}{
		{"self", func(int) int64 { return 1 },
			func(what string, _ int) string {
				return "Klaviyo's next link points back to a page already read: stopped after 1 page of " + what
			}},
		{"ab", func(int) int64 { return 3 }, // the first page, A, B; B's next is A
			func(what string, _ int) string {
				return "Klaviyo's next link points back to a page already read: stopped after 3 pages of " + what
			}},
		{"endless", func(max int) int64 { return int64(max) },
			func(what string, max int) string {
				return "Klaviyo still sent a next link after " + pages(max) + " of " + what + ": stopped there"
			}},
	}
	for _, w := range walks {
		for _, m := range modes {
			t.Run(w.name+"/"+m.mode, func(t *testing.T) {
				k := &loopingKlaviyo{mode: m.mode}
				c, err := New(Options{BaseURL: "http://klaviyo.test", APIKey: testKey, NoLimiter: true, Transport: handlerTransport{k}})
				if err != nil {
					t.Fatal(err)
				}
				n, err := w.walk(c)
				if want := m.err(w.name, w.max); err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error = %v\nwant %q", err, want)
				}
				if got, want := k.requests.Load(), m.requests(w.max); got != want {
					t.Errorf("%d requests, want %d", got, want)
				}
				if w.name == "members" && m.mode == "self" && n != 1 {
					t.Errorf("%d members read, want the one on the page", n)
				}
			})
		}
	}
}
