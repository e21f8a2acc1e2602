package sandbox

import (
	"strings"
	"testing"
)

// follow reads a collection from first, following links.next verbatim to
// the end, and returns every resource id in order. An id given twice fails
// the test.
func follow(t *testing.T, c *client, first string) (ids []string, pages int) {
	t.Helper()
	seen := map[string]bool{}
	next := first
	for next != "" {
		pages++
		if pages > 10000 {
			t.Fatal("links.next never ends")
		}
		r := c.get(next).must(t, 200)
		for _, item := range r.data(t) {
			id := item["id"].(string)
			if seen[id] {
				t.Fatalf("%s: %s twice", first, id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
		if n, ok := dig(r.doc, "links", "next").(string); ok {
			if !strings.HasPrefix(n, c.base+"/api/") || !strings.Contains(n, "page%5Bcursor%5D=") {
				t.Fatalf("links.next %q does not stay on the sandbox or lacks an encoded cursor", n)
			}
			next = n
		} else {
			next = ""
		}
	}
	return ids, pages
}

func TestListsPaging(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	var total int
	if err := s.db.QueryRow("SELECT count(*) FROM lists").Scan(&total); err != nil {
		t.Fatal(err)
	}
	for name, c := range clients(t, s) {
		for _, tc := range []struct {
			query     string
			wantPages int
		}{
			{"", (total + 9) / 10},
			{"?page[size]=10", (total + 9) / 10},
			{"?page[size]=3", (total + 2) / 3},
			{"?page[size]=1", total},
		} {
			t.Run(name+tc.query, func(t *testing.T) {
				ids, pages := follow(t, c, "/api/lists/"+tc.query)
				if len(ids) != total || pages != tc.wantPages {
					t.Fatalf("%d lists in %d pages, want %d in %d", len(ids), pages, total, tc.wantPages)
				}
			})
		}
	}
}

func TestListsPrevLink(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	first := c.get("/api/lists?page[size]=4").must(t, 200)
	if _, ok := dig(first.doc, "links", "prev").(string); ok {
		t.Fatal("first page has a prev link")
	}
	second := c.get(dig(first.doc, "links", "next").(string)).must(t, 200)
	back := c.get(dig(second.doc, "links", "prev").(string)).must(t, 200)
	a, b := first.data(t), back.data(t)
	if len(a) != len(b) || a[0]["id"] != b[0]["id"] || a[len(a)-1]["id"] != b[len(b)-1]["id"] {
		t.Fatalf("prev of the second page is not the first page")
	}
}

func TestListResource(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	lists := c.get("/api/lists").must(t, 200)
	if ct := lists.header.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type %q", ct)
	}
	byName := map[string]map[string]any{}
	_ = lists
	ids, _ := follow(t, c, "/api/lists")
	for _, id := range ids {
		r := c.get("/api/lists/"+id).must(t, 200)
		byName[dig(r.doc, "data", "attributes", "name").(string)] = r.doc["data"].(map[string]any)
	}
	nl := byName["Newsletter"]
	if nl == nil || nl["id"] != "Y6nRLr" || dig(nl, "attributes", "opt_in_process") != "single_opt_in" {
		t.Fatalf("Newsletter: %v", nl)
	}
	if dig(byName["VIP Early Access"], "attributes", "opt_in_process") != "double_opt_in" {
		t.Fatalf("VIP Early Access is not double opt-in: %v", byName["VIP Early Access"])
	}
	if got := dig(nl, "links", "self"); got != "http://sandbox.test/api/lists/Y6nRLr/" {
		t.Errorf("links.self %v", got)
	}
	if got := dig(nl, "relationships", "profiles", "links", "related"); got != "http://sandbox.test/api/lists/Y6nRLr/profiles/" {
		t.Errorf("profiles related link %v", got)
	}
	for _, key := range []string{"created", "updated"} {
		if v, _ := dig(nl, "attributes", key).(string); !strings.HasSuffix(v, "+00:00") {
			t.Errorf("%s = %q, want an RFC 3339 time with +00:00", key, v)
		}
	}

	count := c.get("/api/lists/Y6nRLr?additional-fields[list]=profile_count").must(t, 200)
	var members float64
	if err := s.db.QueryRow("SELECT count(*) FROM memberships WHERE list_seq = 1").Scan(&members); err != nil {
		t.Fatal(err)
	}
	if got := dig(count.doc, "data", "attributes", "profile_count"); got != members {
		t.Errorf("profile_count %v, want %v", got, members)
	}
	if _, ok := dig(c.get("/api/lists/Y6nRLr").doc, "data", "attributes").(map[string]any)["profile_count"]; ok {
		t.Error("profile_count given without being asked for")
	}
}

func TestListsFilter(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	got := c.get(`/api/lists?filter=`+urlQueryEscape(`equals(name,"VIP Early Access")`)).must(t, 200).data(t)
	if len(got) != 1 || dig(got[0], "attributes", "name") != "VIP Early Access" {
		t.Fatalf("filter by name: %v", got)
	}
	got = c.get(`/api/lists?filter=`+urlQueryEscape(`any(id,["Y6nRLr","nope00"])`)).must(t, 200).data(t)
	if len(got) != 1 || got[0]["id"] != "Y6nRLr" {
		t.Fatalf("filter by id: %v", got)
	}
}

func TestProfileLists(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	sarah := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)
	if len(sarah) != 1 {
		t.Fatalf("Sarah Mason: %v", sarah)
	}
	id := sarah[0]["id"].(string)
	r := c.get("/api/profiles/"+id+"/lists").must(t, 200)
	var names []string
	for _, l := range r.data(t) {
		names = append(names, dig(l, "attributes", "name").(string))
	}
	if len(names) == 0 || names[0] != "Newsletter" {
		t.Fatalf("Sarah's lists: %v", names)
	}
	var want int
	if err := s.db.QueryRow("SELECT count(*) FROM memberships m JOIN profiles p ON p.seq = m.profile_seq WHERE p.id = ?", id).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if len(names) != want {
		t.Errorf("%d lists, want %d", len(names), want)
	}
	c.get("/api/profiles/01ZZZZZZZZZZZZZZZZZZZZZZZZ/lists").must(t, 404)
}
