package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

// revisionStatus is where a published revision is in Klaviyo's lifecycle:
// stable in its first year, deprecated in its second, retired after two
// (https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy).
type revisionStatus string

// The lifecycle phases of a revision.
const (
	revisionStable     revisionStatus = "stable"
	revisionDeprecated revisionStatus = "deprecated"
	revisionRetired    revisionStatus = "retired"
)

// revisionsChecked is the day the table below was last compared with
// Klaviyo's changelog and lifecycle page. A revision published since is
// refused as "newer than any published" until the table is updated.
const revisionsChecked = "2026-12-02"

// Sources of the revision table.
const (
	// sourceChangelog lists every revision with its release and, since
	// 2024, the date its support ends (two years after release).
	sourceChangelog = "https://developers.klaviyo.com/en/changelog"
	// sourceLifecycle gives each revision's status as of October 2026:
	// 2022-*, 2023-* and 2024-* retired, 2025-* deprecated, 2026-* stable.
	sourceLifecycle = "https://developers.klaviyo.com/.well-known/skills/klaviyo-migrate-oauth/references/revision-changes.md"
)

// publishedRevision is one generally available revision of Klaviyo's API.
type publishedRevision struct {
	Revision string // the revision header's date
	Released string // the day it was released (a revision is named by it)
	Status   revisionStatus
	Source   string
}

// publishedRevisions are Klaviyo's GA revisions, oldest first, with their
// status on revisionsChecked. Betas (YYYY-MM-DD.pre) are not listed: the
// suffix is accepted on any date and the date decides.
var publishedRevisions = []publishedRevision{
	{"2022-10-17", "2022-10-17", revisionRetired, sourceChangelog},
	{"2023-01-24", "2023-01-24", revisionRetired, sourceChangelog},
	{"2023-02-22", "2023-02-22", revisionRetired, sourceChangelog},
	{"2023-06-15", "2023-06-15", revisionRetired, sourceChangelog},
	{"2023-07-15", "2023-07-15", revisionRetired, sourceChangelog},
	{"2023-08-15", "2023-08-15", revisionRetired, sourceChangelog},
	{"2023-09-15", "2023-09-15", revisionRetired, sourceChangelog},
	{"2023-10-15", "2023-10-15", revisionRetired, sourceChangelog},
	{"2023-12-15", "2023-12-15", revisionRetired, sourceChangelog},
	{"2024-02-15", "2024-02-15", revisionRetired, sourceChangelog},
	{"2024-05-15", "2024-05-15", revisionRetired, sourceChangelog},
	{"2024-06-15", "2024-06-15", revisionRetired, sourceChangelog},
	{"2024-07-15", "2024-07-15", revisionRetired, sourceChangelog},
	{"2024-10-15", "2024-10-15", revisionRetired, sourceChangelog},
	{"2025-01-15", "2025-01-15", revisionDeprecated, sourceLifecycle},
	{"2025-04-15", "2025-04-15", revisionDeprecated, sourceLifecycle},
	{"2025-07-15", "2025-07-15", revisionDeprecated, sourceLifecycle},
	{"2025-10-15", "2025-10-15", revisionDeprecated, sourceLifecycle},
	{"2026-01-15", "2026-01-15", revisionStable, sourceLifecycle},
	{"2026-04-15", "2026-04-15", revisionStable, sourceLifecycle},
	{"2026-07-15", "2026-07-15", revisionStable, sourceLifecycle},
	{"2026-10-15", "2026-10-15", revisionStable, sourceLifecycle},
}

// resolveRevision finds the published revision a request's date is served
// by: the newest published on or before it, as Klaviyo serves a date that
// is not a release date. A date before the first revision or after the
// newest is a 404 about the revision header; a retired revision is a 410.
// date is a valid YYYY-MM-DD; asked is the header as sent, for the detail.
func resolveRevision(date, asked string) (publishedRevision, error) {
	i, found := slices.BinarySearchFunc(publishedRevisions, date, func(p publishedRevision, d string) int {
		return strings.Compare(p.Revision, d)
	})
	if !found {
		i-- // the newest before date
	}
	newest := publishedRevisions[len(publishedRevisions)-1]
	switch {
	case i < 0:
		return publishedRevision{}, revisionNotFound("No valid revisions found for revision %q: the oldest revision is %s.", asked, publishedRevisions[0].Revision)
	case !found && i == len(publishedRevisions)-1:
		return publishedRevision{}, revisionNotFound("No valid revisions found for revision %q: the newest revision is %s.", asked, newest.Revision)
	}
	rev := publishedRevisions[i]
	if rev.Status == revisionRetired {
		served := ""
		if rev.Revision != date {
			served = " (served as " + rev.Revision + ")"
		}
		return rev, newError(http.StatusGone, "gone", "Gone.", where{parameter: "revision", hasParameter: true},
			"Revision %q%s is retired: use %s or later, the oldest supported revision.", asked, served, oldestSupported().Revision)
	}
	return rev, nil
}

// oldestSupported is the oldest revision that is not retired.
func oldestSupported() publishedRevision {
	for _, p := range publishedRevisions {
		if p.Status != revisionRetired {
			return p
		}
	}
	return publishedRevisions[len(publishedRevisions)-1]
}

// revisionNotFound is the 404 about the revision header Klaviyo answers
// when no published revision serves the date asked for.
func revisionNotFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, "not_found", "Not found.", where{parameter: "revision", hasParameter: true}, format, args...)
}
