package sandbox

import (
	"strings"
	"testing"
	"time"
)

// TestRevisionLifecycle holds the sandbox to Klaviyo's revisions: a date
// between releases is served by the newest release on or before it, a date
// before the first or after the newest is a 404, a retired revision a 410,
// a deprecated one is served, and the .pre suffix is decided by its date.
func TestRevisionLifecycle(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	for _, tc := range []struct {
		revision string
		status   int
		detail   string // a part of the detail, for errors
	}{
		{"2026-07-15", 200, ""},                         // the client's pin and klaviyo-api 23.0.0's
		{"2026-10-15", 200, ""},                         // the newest published
		{"2026-01-15", 200, ""},                         // the oldest stable
		{"2025-01-15", 200, ""},                         // deprecated: still served
		{"2025-10-15", 200, ""},                         // deprecated
		{"2026-08-01", 200, ""},                         // between releases: served as 2026-07-15
		{"2025-02-28", 200, ""},                         // served as 2025-01-15, deprecated
		{"2026-07-15.pre", 200, ""},                     // a beta of a published date
		{"2026-09-30.pre", 200, ""},                     // a beta between releases
		{"2026-10-16", 404, "No valid revisions found"}, // newer than any published
		{"2099-01-01", 404, "newest revision is 2026-10-15"},
		{"2099-01-01.pre", 404, "No valid revisions found"},
		{"2022-10-16", 404, "oldest revision is 2022-10-17"}, // before the first
		{"1999-01-01", 404, "No valid revisions found"},
		{"2024-10-15", 410, `Revision "2024-10-15" is retired: use 2025-01-15 or later`},
		{"2022-10-17", 410, "retired"},
		{"2024-12-31", 410, `"2024-12-31" (served as 2024-10-15) is retired`},
		{"2023-06-15.pre", 410, "retired"},
	} {
		r := c.request("GET", "/api/lists", nil, map[string]string{"revision": tc.revision})
		if r.status != tc.status {
			t.Errorf("revision %q: status %d, want %d: %s", tc.revision, r.status, tc.status, r.body)
			continue
		}
		if tc.status == 200 {
			continue
		}
		e := r.firstError(t)
		wantCode := map[int]string{404: "not_found", 410: "gone"}[tc.status]
		if e["code"] != wantCode || e["status"] != float64(tc.status) || dig(e, "source", "parameter") != "revision" {
			t.Errorf("revision %q: error %v, want code %s about the revision", tc.revision, e, wantCode)
		}
		if d, _ := e["detail"].(string); !strings.Contains(d, tc.detail) {
			t.Errorf("revision %q: detail %q, want it to contain %q", tc.revision, d, tc.detail)
		}
	}
}

// TestRevisionTable checks the table's own facts: sorted and unique dates,
// a release on each revision's date, a source, the statuses Klaviyo's rule
// (stable a year, deprecated the next, retired after two) gives on the day
// the table was checked, and the client's revision among them.
func TestRevisionTable(t *testing.T) {
	checked, err := time.Parse(time.DateOnly, revisionsChecked)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range publishedRevisions {
		released, err := time.Parse(time.DateOnly, p.Released)
		if err != nil || p.Revision != p.Released {
			t.Errorf("%s: released %q, want the revision's own date", p.Revision, p.Released)
		}
		if i > 0 && publishedRevisions[i-1].Revision >= p.Revision {
			t.Errorf("%s is not after %s", p.Revision, publishedRevisions[i-1].Revision)
		}
		if !strings.HasPrefix(p.Source, "https://developers.klaviyo.com/") {
			t.Errorf("%s: source %q", p.Revision, p.Source)
		}
		if released.After(checked) {
			t.Errorf("%s was released after the table was checked (%s)", p.Revision, revisionsChecked)
		}
		if want := lifecycle(released, checked); p.Status != want {
			t.Errorf("%s: status %s, want %s on %s", p.Revision, p.Status, want, revisionsChecked)
		}
	}
	if _, err := resolveRevision(testRevision, testRevision); err != nil {
		t.Errorf("the client's revision %s is refused: %v", testRevision, err)
	}
}

// lifecycle is the status of a revision released on released, on day, by
// https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy.
func lifecycle(released, day time.Time) revisionStatus {
	switch {
	case !day.Before(released.AddDate(2, 0, 0)):
		return revisionRetired
	case !day.Before(released.AddDate(1, 0, 0)):
		return revisionDeprecated
	}
	return revisionStable
}
