package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestMembersPaging(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	var total int
	if err := s.db.QueryRow("SELECT count(*) FROM memberships WHERE list_seq = 1").Scan(&total); err != nil {
		t.Fatal(err)
	}
	for name, c := range clients(t, s) {
		for _, size := range []int{0, 1, 7, 20, 100} {
			t.Run(fmt.Sprintf("%s/size=%d", name, size), func(t *testing.T) {
				q := "/api/lists/Y6nRLr/profiles/?additional-fields[profile]=subscriptions"
				want := 20
				if size > 0 {
					q += fmt.Sprintf("&page[size]=%d", size)
					want = size
				}
				ids, pages := follow(t, c, q)
				if len(ids) != total {
					t.Fatalf("%d members, want %d", len(ids), total)
				}
				if wantPages := (total + want - 1) / want; pages != wantPages {
					t.Fatalf("%d pages, want %d", pages, wantPages)
				}
			})
		}
	}
}

func TestMemberAttributes(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	r := c.get("/api/lists/Y6nRLr/profiles?page[size]=100&additional-fields[profile]=subscriptions").must(t, 200)
	for _, p := range r.data(t) {
		attrs := p["attributes"].(map[string]any)
		for _, key := range []string{"email", "phone_number", "external_id", "first_name", "last_name", "organization",
			"locale", "title", "image", "created", "updated", "last_event_date", "location", "properties", "joined_group_at", "subscriptions"} {
			if _, ok := attrs[key]; !ok {
				t.Fatalf("member %s lacks attributes.%s", p["id"], key)
			}
		}
		em := dig(attrs, "subscriptions", "email", "marketing").(map[string]any)
		for _, key := range []string{"can_receive_email_marketing", "consent", "consent_timestamp", "last_updated", "method",
			"method_detail", "custom_method_detail", "double_optin", "suppression", "list_suppressions"} {
			if _, ok := em[key]; !ok {
				t.Fatalf("email.marketing lacks %s", key)
			}
		}
		if _, ok := em["suppression"].([]any); !ok {
			t.Fatalf("suppression is not a list: %v", em["suppression"])
		}
		for _, ch := range []string{"marketing", "transactional"} {
			sms := dig(attrs, "subscriptions", "sms", ch).(map[string]any)
			for _, key := range []string{"can_receive_sms_" + ch, "consent", "consent_timestamp", "method", "method_detail", "last_updated"} {
				if _, ok := sms[key]; !ok {
					t.Fatalf("sms.%s lacks %s", ch, key)
				}
			}
			if (sms["consent"] == "SUBSCRIBED") != (sms["can_receive_sms_"+ch] == true) {
				t.Fatalf("sms.%s can_receive disagrees with consent: %v", ch, sms)
			}
		}
		if dig(attrs, "subscriptions", "mobile_push", "marketing", "consent") != "NEVER_SUBSCRIBED" {
			t.Fatal("mobile_push.marketing missing")
		}
		suppressed := len(em["suppression"].([]any)) > 0
		if em["can_receive_email_marketing"] == suppressed {
			t.Fatalf("can_receive_email_marketing %v with suppressions %v", em["can_receive_email_marketing"], em["suppression"])
		}
	}
	// Without additional-fields there are no subscriptions.
	plain := c.get("/api/lists/Y6nRLr/profiles?page[size]=1").must(t, 200).data(t)
	if _, ok := plain[0]["attributes"].(map[string]any)["subscriptions"]; ok {
		t.Error("subscriptions given without additional-fields")
	}
}

// TestMembersPagingStableUnderInserts adds members while a client pages:
// keyset paging neither repeats nor skips the members that were there.
func TestMembersPagingStableUnderInserts(t *testing.T) {
	ctx := context.Background()
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	before := queryStrings(t, s.db, "SELECT p.id FROM memberships m JOIN profiles p ON p.seq = m.profile_seq WHERE m.list_seq = 1 ORDER BY m.seq")

	var got []string
	next := "/api/lists/Y6nRLr/profiles?page[size]=25"
	for i := 0; next != ""; i++ {
		r := c.get(next).must(t, 200)
		for _, p := range r.data(t) {
			got = append(got, p["id"].(string))
		}
		next, _ = dig(r.doc, "links", "next").(string)
		// Someone else subscribes new people to the list between pages.
		c.post("/api/profile-subscription-bulk-create-jobs", subscribeBody("Y6nRLr", map[string]any{
			"email": fmt.Sprintf("concurrent%d@example.com", i), "subscriptions": subs("SUBSCRIBED", "email"),
		})).must(t, 202)
	}
	if err := s.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) < len(before) {
		t.Fatalf("read %d members, fewer than the %d there were", len(got), len(before))
	}
	for i, id := range before {
		if got[i] != id {
			t.Fatalf("member %d is %s, want %s: paging skipped or repeated", i, got[i], id)
		}
	}
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("member %s twice", id)
		}
		seen[id] = true
	}
}

func TestProfileFilters(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	var sarahID string
	if err := s.db.QueryRow("SELECT id FROM profiles WHERE email = 'sarah.mason@klaviyo-demo.com'").Scan(&sarahID); err != nil {
		t.Fatal(err)
	}
	var other string
	if err := s.db.QueryRow("SELECT email FROM profiles WHERE email IS NOT NULL AND seq > 10 ORDER BY seq LIMIT 1").Scan(&other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		rawQ   string // the filter as it is on the wire
		want   []string
		status int
	}{
		{"phone %2B", "equals(phone_number,%22%2B15005550006%22)", []string{sarahID}, 200},
		{"phone encoded by the client", urlQueryEscape(`equals(phone_number,"+15005550006")`), []string{sarahID}, 200},
		{"phone raw + decodes to a space", `equals(phone_number,"+15005550006")`, nil, 200},
		{"email", urlQueryEscape(`equals(email,"sarah.mason@klaviyo-demo.com")`), []string{sarahID}, 200},
		{"email is case-insensitive", urlQueryEscape(`equals(email,"Sarah.Mason@Klaviyo-Demo.com")`), []string{sarahID}, 200},
		{"email single quotes", urlQueryEscape(`equals(email,'sarah.mason@klaviyo-demo.com')`), []string{sarahID}, 200},
		{"any email", urlQueryEscape(`any(email,["sarah.mason@klaviyo-demo.com","nobody@example.com"])`), []string{sarahID}, 200},
		{"id", urlQueryEscape(`equals(id,"` + sarahID + `")`), []string{sarahID}, 200},
		{"comma is and", urlQueryEscape(`equals(email,"sarah.mason@klaviyo-demo.com"),equals(phone_number,"+15005550006")`), []string{sarahID}, 200},
		{"and()", urlQueryEscape(`and(equals(email,"sarah.mason@klaviyo-demo.com"),equals(id,"` + sarahID + `"))`), []string{sarahID}, 200},
		{"and() excluding", urlQueryEscape(`and(equals(email,"` + other + `"),equals(id,"` + sarahID + `"))`), nil, 200},
		{"no match", urlQueryEscape(`equals(email,"nobody@example.com")`), nil, 200},
		{"unknown field", urlQueryEscape(`equals(shoe_size,"42")`), nil, 400},
		{"unknown operator", urlQueryEscape(`contains(email,"sarah")`), nil, 400},
		{"any needs a list", urlQueryEscape(`any(email,"a@b.co")`), nil, 400},
		{"equals takes no list", urlQueryEscape(`equals(email,["a@b.co"])`), nil, 400},
		{"unquoted string", urlQueryEscape(`equals(email,sarah)`), nil, 400},
		{"unclosed", urlQueryEscape(`equals(email,"sarah`), nil, 400},
		{"malformed", urlQueryEscape(`equals(email "x")`), nil, 400},
		{"empty", "", nil, 400},
		{"trailing junk", urlQueryEscape(`equals(email,"a@b.co"))`), nil, 400},
		{"or unsupported", urlQueryEscape(`or(equals(email,"a@b.co"),equals(email,"c@d.co"))`), nil, 400},
	}
	for name, c := range clients(t, s) {
		for _, tc := range tests {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				r := c.get("/api/profiles?filter="+tc.rawQ).must(t, tc.status)
				if tc.status != 200 {
					e := r.firstError(t)
					if dig(e, "source", "parameter") != "filter" || e["code"] != "invalid" {
						t.Fatalf("error %v, want an invalid filter parameter", e)
					}
					return
				}
				var ids []string
				for _, p := range r.data(t) {
					ids = append(ids, p["id"].(string))
				}
				if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("found %v, want %v", ids, tc.want)
				}
			})
		}
	}
}

func TestMembersFilter(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	got := c.get("/api/lists/Y6nRLr/profiles?filter=equals(phone_number,%22%2B15005550006%22)").must(t, 200).data(t)
	if len(got) != 1 || dig(got[0], "attributes", "email") != "sarah.mason@klaviyo-demo.com" {
		t.Fatalf("member by phone: %v", got)
	}
	if dig(got[0], "attributes", "joined_group_at") == nil {
		t.Fatal("no joined_group_at")
	}
	got = c.get("/api/lists/Y6nRLr/profiles?filter="+urlQueryEscape(`any(email,["sarah.mason@klaviyo-demo.com"])`)).must(t, 200).data(t)
	if len(got) != 1 {
		t.Fatalf("member by email: %v", got)
	}
	got = c.get("/api/lists/Y6nRLr/profiles?filter="+urlQueryEscape(`greater-than(joined_group_at,2100-01-01T00:00:00Z)`)).must(t, 200).data(t)
	if len(got) != 0 {
		t.Fatalf("members joined after 2100: %v", got)
	}
	c.get("/api/lists/Y6nRLr/profiles?filter="+urlQueryEscape(`equals(id,"x")`)).must(t, 400)
}

func TestGetProfile(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	sarah := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)[0]
	id := sarah["id"].(string)
	if len(id) != 26 || !strings.HasPrefix(id, "01") || strings.ToUpper(id) != id {
		t.Errorf("profile id %q is not ULID-like", id)
	}
	r := c.get("/api/profiles/"+id+"/?additional-fields[profile]=subscriptions,predictive_analytics").must(t, 200)
	if dig(r.doc, "data", "id") != id || dig(r.doc, "data", "attributes", "subscriptions", "email", "marketing", "consent") == nil {
		t.Fatalf("profile: %s", r.body)
	}
	if _, ok := dig(r.doc, "data", "attributes", "predictive_analytics").(map[string]any); !ok {
		t.Error("predictive_analytics missing")
	}
	if got := dig(r.doc, "data", "links", "self"); got != "http://sandbox.test/api/profiles/"+id+"/" {
		t.Errorf("links.self %v", got)
	}
	c.get("/api/profiles/"+id+"?additional-fields[profile]=shoe_size").must(t, 400)
	c.get("/api/profiles/01ZZZZZZZZZZZZZZZZZZZZZZZZ").must(t, 404)
}

func TestProfilesPaging(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	var total int
	if err := s.db.QueryRow("SELECT count(*) FROM profiles").Scan(&total); err != nil {
		t.Fatal(err)
	}
	c := inProcess(t, s)
	ids, pages := follow(t, c, "/api/profiles?page[size]=100")
	if len(ids) != total || pages != (total+99)/100 {
		t.Fatalf("%d profiles in %d pages, want %d", len(ids), pages, total)
	}
	ids, _ = follow(t, c, "/api/profiles")
	if len(ids) != total {
		t.Fatalf("%d profiles with the default page size, want %d", len(ids), total)
	}
}

func TestBadPagingParameters(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	listsCursor := dig(c.get("/api/lists").doc, "links", "next").(string)
	listsCursor = listsCursor[strings.Index(listsCursor, "page%5Bcursor%5D=")+len("page%5Bcursor%5D="):]
	for _, tc := range []struct {
		path, param string
		status      int
	}{
		{"/api/lists?page[size]=11", "page[size]", 400},
		{"/api/lists?page[size]=0", "page[size]", 400},
		{"/api/lists/Y6nRLr/profiles?page[size]=101", "page[size]", 400},
		{"/api/lists/Y6nRLr/profiles?page[size]=-1", "page[size]", 400},
		{"/api/lists/Y6nRLr/profiles?page[size]=ten", "page[size]", 400},
		{"/api/profiles?page[size]=1000", "page[size]", 400},
		{"/api/profiles?page[cursor]=not-a-cursor", "page[cursor]", 400},
		{"/api/profiles?page[cursor]=" + listsCursor, "page[cursor]", 400}, // another collection's cursor
		{"/api/lists/Y6nRLr/profiles?page[cursor]=%00%ff", "page[cursor]", 400},
		{"/api/lists?sort=title", "sort", 400},
		{"/api/lists?sort=-name&page[cursor]=" + listsCursor, "page[cursor]", 400}, // a cursor of another order
		{"/api/lists/Y6nRLr?additional-fields[list]=everything", "additional-fields[list]", 400},
		{"/api/lists/nope00/profiles", "", 404},
		{"/api/lists/nope00", "", 404},
	} {
		r := c.get(tc.path).must(t, tc.status)
		e := r.firstError(t)
		if tc.param != "" && dig(e, "source", "parameter") != tc.param {
			t.Errorf("%s: source %v, want parameter %s", tc.path, e["source"], tc.param)
		}
		for _, key := range []string{"id", "code", "title", "detail"} {
			if _, ok := e[key].(string); !ok {
				t.Errorf("%s: error lacks %s: %v", tc.path, key, e)
			}
		}
	}
}
