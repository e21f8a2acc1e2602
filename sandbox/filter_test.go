package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseFilter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // conditions joined by " & ", or "error"
	}{
		{`equals(email,"a@b.co")`, `equals(email,"a@b.co")`},
		{` equals( email , 'a@b.co' ) `, `equals(email,"a@b.co")`},
		{`equals(email,"say \"hi\"")`, `equals(email,"say \"hi\"")`},
		{`any(id,["A","B"])`, `any(id,["A","B"])`},
		{`equals(email,"a"),equals(phone_number,"+1")`, `equals(email,"a") & equals(phone_number,"+1")`},
		{`and(equals(email,"a"),and(equals(id,"b")))`, `equals(email,"a") & equals(id,"b")`},
		{`greater-than(created,2024-01-01T00:00:00Z)`, `greater-than(created,2024-01-01T00:00:00Z)`},
		{``, "error"},
		{`equals`, "error"},
		{`equals(`, "error"},
		{`equals(email)`, "error"},
		{`equals(email,)`, "error"},
		{`equals(email,"a"`, "error"},
		{`equals(email,"a"))`, "error"},
		{`any(id,[)`, "error"},
		{`equals(email,"a")x`, "error"},
		{strings.Repeat("and(", 20) + `equals(id,"a")` + strings.Repeat(")", 20), "error"},
	} {
		conds, err := parseFilter(tc.in)
		if tc.want == "error" {
			if err == nil {
				t.Errorf("parseFilter(%q) = %v, want an error", tc.in, conds)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseFilter(%q): %v", tc.in, err)
			continue
		}
		var got []string
		for _, c := range conds {
			got = append(got, c.String())
		}
		if strings.Join(got, " & ") != tc.want {
			t.Errorf("parseFilter(%q) = %s, want %s", tc.in, strings.Join(got, " & "), tc.want)
		}
	}
}

// FuzzFilter feeds the filter parser and compiler arbitrary text, and the
// handler the same text as a query: no panic, and every refusal is a 400
// about the filter parameter that quotes the filter only in clipped pieces;
// a filter that is not UTF-8 is always refused.
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{
		`equals(phone_number,"+15005550006")`, `any(email,["a@b.co","c@d.co"])`, `and(equals(id,"x"),equals(email,'y'))`,
		`equals(email,"a"),equals(phone_number,"b")`, `greater-than(created,2024-01-01T00:00:00Z)`, `equals(email,"\"")`,
		`any(id,[])`, `equals(`, `)(`, `and(and(and(`, "equals(email,\"\xff\")",
	} {
		f.Add(seed)
	}
	s := openTest(f, Options{})
	f.Fuzz(func(t *testing.T, filter string) {
		for _, schema := range []filterSchema{profilesFilter(), membersFilter(), listsFilter()} {
			conds, err := parseFilter(filter)
			if err != nil {
				if e, ok := err.(*apiError); !ok || e.Status != 400 || e.Parameter != "filter" {
					t.Fatalf("parse error %v is not a 400 about the filter", err)
				}
				continue
			}
			cf, err := schema.compile(conds)
			if err != nil {
				if e, ok := err.(*apiError); !ok || e.Status != 400 || e.Parameter != "filter" {
					t.Fatalf("compile error %v is not a 400 about the filter", err)
				}
				continue
			}
			if strings.Count(cf.where, "?") != len(cf.args) {
				t.Fatalf("%d placeholders for %d arguments in %q", strings.Count(cf.where, "?"), len(cf.args), cf.where)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/api/profiles", nil)
		req.URL.RawQuery = "filter=" + urlQueryEscape(filter)
		req.Header.Set("Authorization", "Klaviyo-API-Key pk_fuzz")
		req.Header.Set("revision", testRevision)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("filter %q: status %d: %s", filter, rec.Code, rec.Body)
		}
		if rec.Code == 400 {
			checkBoundedErrors(t, rec.Body.Bytes(), maxErrorBody)
		}
		if !utf8.ValidString(filter) && (rec.Code != 400 || !strings.Contains(rec.Body.String(), `"parameter":"filter"`)) {
			t.Fatalf("filter %q is not UTF-8, but the answer is %d: %s", filter, rec.Code, rec.Body)
		}
	})
}
