package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
)

// TestMembersSortFieldsAndSlices asks the sandbox for members sorted, in a
// sparse fieldset and within a joined_group_at slice.
func TestMembersSortFieldsAndSlices(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	c, _, _ := specClient(t, sb)
	all := memberIDs(t, c, client.MembersQuery{Sort: client.SortJoined})
	if len(all) < 10 {
		t.Fatalf("only %d members", len(all))
	}
	desc := memberIDs(t, c, client.MembersQuery{Sort: client.SortJoinedDesc})
	slices.Reverse(desc)
	if !slices.Equal(all, desc) {
		t.Fatal("newest first is not the reverse of oldest first")
	}

	p, err := c.Members(ctx, "Y6nRLr", client.MembersQuery{Sort: client.SortJoined, Fields: client.TableFields, PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	first, last := p.Profiles[0], p.Profiles[len(p.Profiles)-1]
	if first.JoinedGroupAt == "" || first.Subscriptions == nil {
		t.Fatalf("table fields missing: %+v", first)
	}
	var raw struct{ Attributes map[string]any }
	if err := json.Unmarshal(first.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	for k := range raw.Attributes {
		if !slices.Contains(client.TableFields, k) {
			t.Errorf("attribute %q sent though not asked for", k)
		}
	}

	// A slice [first joined, last joined) holds the members before the last.
	from, _ := time.Parse(time.RFC3339Nano, first.JoinedGroupAt)
	to, _ := time.Parse(time.RFC3339Nano, last.JoinedGroupAt)
	in := memberIDs(t, c, client.MembersQuery{Sort: client.SortJoined, JoinedFrom: from.Truncate(time.Second), JoinedBefore: to.Truncate(time.Second)})
	for _, id := range in {
		if !slices.Contains(all, id) {
			t.Errorf("slice member %s not in the list", id)
		}
	}
	if slices.Contains(in, last.ID) && to.Truncate(time.Second).Equal(to) {
		t.Error("the slice's end is not excluded")
	}
}

// TestListProfileCountIsCached reads a list's count once within its freshness.
func TestListProfileCountIsCached(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	c, _, _ := specClient(t, sb)
	members := memberIDs(t, c, client.MembersQuery{})
	reads := 0
	c2 := countingClient(t, sb, func(u *url.URL) {
		if u.Query().Get("additional-fields[list]") == "profile_count" {
			reads++
		}
	})
	for range 3 {
		n, err := c2.ListProfileCount(ctx, "Y6nRLr")
		if err != nil || n != len(members) {
			t.Fatalf("count %d %v, want %d", n, err, len(members))
		}
	}
	if reads != 1 {
		t.Errorf("%d count requests for 3 asks", reads)
	}
	_ = c
}

// countingClient is a client on sb whose every request is first shown to see.
func countingClient(t *testing.T, sb *sandbox.Sandbox, see func(*url.URL)) *client.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		see(r.URL)
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_counting_test_key"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func memberIDs(t *testing.T, c *client.Client, q client.MembersQuery) []string {
	t.Helper()
	var ids []string
	for p, err := range c.MembersPages(context.Background(), "Y6nRLr", q) {
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Profiles {
			ids = append(ids, m.ID)
		}
	}
	return ids
}
