package client_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/consentdesk/consent/client"
)

// emails is the emails of a page's profiles, in order.
func emails(p client.ProfilePage) []string {
	out := make([]string, len(p.Profiles))
	for i, pr := range p.Profiles {
		out[i] = pr.Email
	}
	return out
}

// TestMembersPagesBackThroughPrev pages forward twice through a sandbox
// list (which sends links.prev as Klaviyo does), then follows the third
// page's prev link and the second's: they give the second and the first
// page again. The first page has no prev.
func TestMembersPagesBackThroughPrev(t *testing.T) {
	sb, listID := bigList(t, 350)
	c, _, _ := specClient(t, sb) // every request and answer checked against Klaviyo's spec
	ctx := context.Background()
	var pages []client.ProfilePage
	q := client.MembersQuery{PageSize: 100}
	for range 3 {
		p, err := c.Members(ctx, listID, q)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		q = client.MembersQuery{Next: p.Next}
	}
	if pages[0].Prev != "" {
		t.Errorf("the first page has a prev link: %q", pages[0].Prev)
	}
	for i := 2; i >= 1; i-- {
		if pages[i].Prev == "" {
			t.Fatalf("page %d has no prev link", i+1)
		}
		back, err := c.Members(ctx, listID, client.MembersQuery{Prev: pages[i].Prev})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(emails(back), ","), strings.Join(emails(pages[i-1]), ","); got != want {
			t.Errorf("prev of page %d is not page %d:\n got %.80s…\nwant %.80s…", i+1, i, got, want)
		}
		if back.Next == "" {
			t.Errorf("the page before page %d has no next link", i+1)
		}
	}
}

// TestMembersPrevNullAndForeign: a null links.prev is "", and a prev link
// to another host is refused like a next link, without a request.
func TestMembersPrevNullAndForeign(t *testing.T) {
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		io.WriteString(w, `{"data":[],"links":{"self":"x","next":null,"prev":null}}`)
	}))
	defer srv.Close()
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_prev_test_key", NoLimiter: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Members(context.Background(), "L1", client.MembersQuery{Prev: srv.URL + "/api/lists/L1/profiles?page%5Bcursor%5D=b"})
	if err != nil || p.Prev != "" || p.Next != "" {
		t.Errorf("Members = %+v, %v; want no links", p, err)
	}
	_, err = c.Members(context.Background(), "L1", client.MembersQuery{Prev: "https://evil.example/api/lists/L1/profiles?page%5Bcursor%5D=b"})
	if err == nil || !strings.Contains(err.Error(), "not followed, so the API key stays with Klaviyo") {
		t.Errorf("err = %v, want the foreign prev link refused", err)
	}
	if requests != 1 {
		t.Errorf("%d requests, want 1", requests)
	}
}
