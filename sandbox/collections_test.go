package sandbox

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

// walk follows links.next from path to the end, then links.prev from the
// last page back to the first, and returns the items of each walk, in
// order. It fails on a loop or a page past maxPages.
func walk(t *testing.T, c *client, path string) (forward, backward []map[string]any) {
	t.Helper()
	const maxPages = 200
	var last *response
	for next, n := path, 0; next != ""; n++ {
		if n == maxPages {
			t.Fatalf("%s: more than %d pages", path, maxPages)
		}
		last = c.get(next).must(t, 200)
		forward = append(forward, last.data(t)...)
		next, _ = dig(last.doc, "links", "next").(string)
	}
	var pages [][]map[string]any
	for prev, n := dig(last.doc, "links", "prev"), 0; prev != nil; n++ {
		if n == maxPages {
			t.Fatalf("%s: more than %d pages back", path, maxPages)
		}
		r := c.get(prev.(string)).must(t, 200)
		pages = append(pages, r.data(t))
		prev = dig(r.doc, "links", "prev")
	}
	for _, p := range slices.Backward(pages) {
		backward = append(backward, p...)
	}
	return forward, append(backward, last.data(t)...)
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it["id"].(string)
	}
	return out
}

// TestLastPageLinksAreNull: every collection writes links.next and
// links.prev, null where there is no such page, as Klaviyo does: the first
// page's prev and the last page's next are null, not absent.
func TestLastPageLinksAreNull(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	profile := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)[0]["id"].(string)
	for _, path := range []string{
		"/api/lists",
		"/api/lists?page[size]=3",
		"/api/lists?sort=-name&page[size]=4",
		"/api/lists/Y6nRLr/profiles?page[size]=30",
		"/api/lists/Y6nRLr/profiles?sort=-joined_group_at&page[size]=30",
		"/api/profiles?page[size]=7",
		"/api/profiles?filter=" + urlQueryEscape(`equals(email,"nobody@example.com")`),
		"/api/profiles/" + profile + "/lists",
	} {
		first := c.get(path).must(t, 200)
		links, _ := first.doc["links"].(map[string]any)
		if v, ok := links["prev"]; !ok || v != nil {
			t.Errorf("%s: the first page's links %v, want \"prev\": null", path, links)
		}
		last := first
		for n := 0; ; n++ {
			next, _ := dig(last.doc, "links", "next").(string)
			if next == "" || n > 1000 {
				break
			}
			last = c.get(next).must(t, 200)
		}
		links, _ = last.doc["links"].(map[string]any)
		if v, ok := links["next"]; !ok || v != nil {
			t.Errorf("%s: the last page's links %v, want \"next\": null", path, links)
		}
		if _, ok := links["self"].(string); !ok {
			t.Errorf("%s: the last page's links %v lack self", path, links)
		}
	}
}

// TestSortedPaging pages every sort the sandbox serves, forward and back:
// each item appears exactly once, in the sort's order, ties broken by
// the order items were added, and a descending sort is the exact reverse
// of the ascending one.
func TestSortedPaging(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	ctx := context.Background()
	listID, err := s.LoadMembers(ctx, "Sorted", 45)
	if err != nil {
		t.Fatal(err)
	}
	// Ties: a third of the members joined at one moment, and so did a
	// second third at another; a few profiles share a creation time and
	// have no email.
	if _, err := s.db.ExecContext(ctx, `UPDATE memberships SET joined = 1700000000000000 + (seq % 3) * 1000000
		WHERE list_seq = (SELECT seq FROM lists WHERE id = ?) AND seq % 3 != 2`, listID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE profiles SET created = 1600000000000000, email = NULL WHERE seq % 5 = 0`); err != nil {
		t.Fatal(err)
	}
	c := inProcess(t, s)
	attr := func(name string) func(map[string]any) string {
		return func(it map[string]any) string {
			v, _ := dig(it, "attributes", name).(string)
			return v
		}
	}
	byID := func(it map[string]any) string { return it["id"].(string) }
	members := "/api/lists/" + listID + "/profiles?page[size]=4"
	for _, tc := range []struct {
		base, sort string
		key        func(map[string]any) string
	}{
		{"/api/lists?page[size]=3", "name", attr("name")},
		{"/api/lists?page[size]=3", "created", attr("created")},
		{"/api/lists?page[size]=3", "updated", attr("updated")},
		{"/api/lists?page[size]=3", "id", byID},
		{members, "joined_group_at", attr("joined_group_at")},
		{"/api/profiles?page[size]=6", "created", attr("created")},
		{"/api/profiles?page[size]=6", "updated", attr("updated")},
		{"/api/profiles?page[size]=6", "email", attr("email")},
		{"/api/profiles?page[size]=6", "id", byID},
	} {
		all, _ := walk(t, c, tc.base)
		up, upBack := walk(t, c, tc.base+"&sort="+tc.sort)
		down, downBack := walk(t, c, tc.base+"&sort=-"+tc.sort)
		name := tc.base + " sort " + tc.sort
		if len(all) < 10 {
			t.Fatalf("%s: only %d items", name, len(all))
		}
		want := ids(all)
		sort.Strings(want)
		for label, got := range map[string][]map[string]any{"ascending": up, "ascending, back": upBack,
			"descending": down, "descending, back": downBack} {
			g := ids(got)
			sort.Strings(g)
			if !slices.Equal(g, want) {
				t.Errorf("%s %s: items %v, want each of %v once", name, label, ids(got), want)
			}
		}
		if !slices.Equal(ids(up), ids(upBack)) || !slices.Equal(ids(down), ids(downBack)) {
			t.Errorf("%s: paging back gives another order", name)
		}
		// Ascending: by key, ties in the order of the unsorted walk.
		rank := map[string]int{}
		for i, id := range ids(all) {
			rank[id] = i
		}
		sorted := slices.Clone(all)
		slices.SortStableFunc(sorted, func(a, b map[string]any) int { return strings.Compare(tc.key(a), tc.key(b)) })
		if !slices.Equal(ids(up), ids(sorted)) {
			t.Errorf("%s: order %v, want %v", name, ids(up), ids(sorted))
		}
		reversed := slices.Clone(ids(up))
		slices.Reverse(reversed)
		if !slices.Equal(ids(down), reversed) {
			t.Errorf("%s: descending %v, want the reverse of %v", name, ids(down), ids(up))
		}
	}
}

// TestSparseFieldsets: fields[profile] and fields[list] keep only the
// attributes they name, nested names included; relationships, links,
// type and id stay.
func TestSparseFieldsets(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	profile := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)[0]["id"].(string)
	subs := "&additional-fields[profile]=subscriptions"
	for _, tc := range []struct {
		path string
		want []string // attribute paths present; every other is absent
	}{
		{"/api/lists?fields[list]=name", []string{"name"}},
		{"/api/lists?fields[list]=name,opt_in_process&sort=name", []string{"name", "opt_in_process"}},
		{"/api/lists?fields[list]=id", nil},
		{"/api/lists/Y6nRLr?fields[list]=name,profile_count&additional-fields[list]=profile_count", []string{"name", "profile_count"}},
		{"/api/lists/Y6nRLr?fields[list]=created", []string{"created"}},
		{"/api/profiles/" + profile + "/lists?fields[list]=updated", []string{"updated"}},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=email,joined_group_at", []string{"email", "joined_group_at"}},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=subscriptions.email.marketing.consent,subscriptions.sms.marketing.consent" + subs,
			[]string{"subscriptions.email.marketing.consent", "subscriptions.sms.marketing.consent"}},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=email,subscriptions.email" + subs, []string{"email", "subscriptions.email"}},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=email,subscriptions.email.marketing.consent", []string{"email"}}, // subscriptions not asked for
		{"/api/profiles?fields[profile]=location.city,phone_number", []string{"location.city", "phone_number"}},
		{"/api/profiles?fields[profile]=location,location.city", []string{"location"}},
		{"/api/profiles/" + profile + "?fields[profile]=first_name,last_name" + subs, []string{"first_name", "last_name"}},
		{"/api/profiles/" + profile + "?fields[profile]=subscriptions.sms" + subs, []string{"subscriptions.sms"}},
	} {
		r := c.get(tc.path).must(t, 200)
		var items []map[string]any
		if one, ok := r.doc["data"].(map[string]any); ok {
			items = []map[string]any{one}
		} else {
			items = r.data(t)
		}
		if len(items) == 0 {
			t.Fatalf("%s: no data", tc.path)
		}
		for _, it := range items {
			attrs, _ := it["attributes"].(map[string]any)
			got := leafPaths(attrs, "", tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: attributes %v, want only %v", tc.path, got, tc.want)
			}
			if it["type"] == nil || it["id"] == nil || it["links"] == nil || it["relationships"] == nil {
				t.Errorf("%s: %v lost type, id, links or relationships", tc.path, it)
			}
		}
	}
}

// leafPaths lists the dotted paths of attrs, going inside an object only
// where a wanted path goes deeper, sorted as wanted is.
func leafPaths(attrs map[string]any, prefix string, wanted []string) []string {
	var out []string
	for k, v := range attrs {
		p := prefix + k
		inner, isObj := v.(map[string]any)
		deeper := slices.ContainsFunc(wanted, func(w string) bool { return strings.HasPrefix(w, p+".") })
		if isObj && deeper {
			out = append(out, leafPaths(inner, p+".", wanted)...)
		} else {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return slices.Index(wanted, a) - slices.Index(wanted, b)
	})
	return out
}

// TestQueryParameterRefusals: an unknown fields[TYPE] name or value, an
// unknown include or sort is a 400 naming the parameter and quoting the
// value, as Klaviyo refuses them; an include or sort Klaviyo has and the
// sandbox does not serve is a 400 saying so, never silently ignored.
func TestQueryParameterRefusals(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	huge := strings.Repeat("x", 10_000)
	for _, tc := range []struct {
		path, param, detail string
	}{
		{"/api/lists?fields[list]=name,colour", "fields[list]", "'colour'"},
		{"/api/lists?fields[list]=name,%20created", "fields[list]", "' created'"}, // Klaviyo: no spaces around commas
		{"/api/lists?fields[list]=profile_count", "fields[list]", "'profile_count'"},
		{"/api/lists?fields[profile]=email", "fields[profile]", "'profile'"},
		{"/api/lists?fields[lists]=name", "fields[lists]", "'lists'"},
		{"/api/lists/Y6nRLr?fields[list]=members", "fields[list]", "'members'"},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=phone", "fields[profile]", "'phone'"},
		{"/api/lists/Y6nRLr/profiles?fields[profile]=subscriptions.email.marketing.colour", "fields[profile]", "'subscriptions.email.marketing.colour'"},
		{"/api/lists/Y6nRLr/profiles?fields[list]=name", "fields[list]", "'list'"},
		{"/api/profiles?fields[profile]=joined_group_at", "fields[profile]", "'joined_group_at'"},
		{"/api/profiles?fields[profile]=" + huge, "fields[profile]", "…"},
		{"/api/profiles/x?fields[flow]=name", "fields[flow]", "'flow'"},
		{"/api/lists?include=profiles", "include", "'profiles'"},
		{"/api/lists?include=tags", "include", "include=tags"},
		{"/api/lists/Y6nRLr?include=flow-triggers", "include", "include=flow-triggers"},
		{"/api/lists/Y6nRLr/profiles?include=lists", "include", "'lists'"},
		{"/api/profiles?include=lists", "include", "'lists'"},
		{"/api/profiles/x?include=segments", "include", "include=segments"},
		{"/api/lists?sort=opt_in_process", "sort", "'opt_in_process'"},
		{"/api/lists/Y6nRLr/profiles?sort=created", "sort", "'created'"},
		{"/api/profiles?sort=--email", "sort", "'--email'"},
		{"/api/profiles?sort=-subscriptions.email.marketing.suppression.timestamp", "sort", "does not support"},
		{"/api/lists/Y6nRLr?sort=name", "sort", "'name'"},
	} {
		r := c.get(tc.path).must(t, 400)
		e := r.firstError(t)
		if dig(e, "source", "parameter") != tc.param || e["code"] != "invalid" {
			t.Errorf("%s: error %v, want an invalid %s", tc.path, e, tc.param)
		}
		if d, _ := e["detail"].(string); !strings.Contains(d, tc.detail) {
			t.Errorf("%s: detail %q, want it to name %s", tc.path, d, tc.detail)
		}
		checkBoundedErrors(t, r.body, maxErrorBody)
	}
	// What Consent Desk's client and Klaviyo's SDK send stays accepted.
	for _, path := range []string{
		"/api/lists?" + url.Values{"fields[list]": {"name,opt_in_process,created,updated"}}.Encode(),
		"/api/lists/Y6nRLr/profiles?additional-fields[profile]=subscriptions&page[size]=100",
		"/api/profiles?fields[profile]=email&fields[push-token]=token&fields[conversation]=channel",
		"/api/lists/Y6nRLr?fields[flow]=name&fields[tag]=name",
	} {
		c.get(path).must(t, 200)
	}
}
