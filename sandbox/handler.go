package sandbox

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// handlerFunc serves one operation; id is the path's {id}, if any. It
// writes a success response itself and returns any failure as an error
// (an *apiError, or anything else for a 500).
type handlerFunc func(w http.ResponseWriter, r *http.Request, id string) error

// route is one operation of the API subset: a method, a path under /api
// whose "{id}" segment matches any single segment, and Klaviyo's operation
// id, which also names its rate-limit bucket.
type route struct {
	method string
	path   []string
	op     string
	handle handlerFunc
}

// routes lists the operations the sandbox serves.
func (s *Sandbox) routes() []route {
	return []route{
		{http.MethodGet, []string{"lists"}, "get_lists", s.getLists},
		{http.MethodGet, []string{"lists", "{id}"}, "get_list", s.getList},
		{http.MethodGet, []string{"lists", "{id}", "profiles"}, "get_profiles_for_list", s.getListProfiles},
		{http.MethodGet, []string{"profiles"}, "get_profiles", s.getProfiles},
		{http.MethodGet, []string{"profiles", "{id}"}, "get_profile", s.getProfile},
		{http.MethodGet, []string{"profiles", "{id}", "lists"}, "get_lists_for_profile", s.getProfileLists},
		{http.MethodPost, []string{"profile-subscription-bulk-create-jobs"}, "bulk_subscribe_profiles", s.postSubscribe},
		{http.MethodPost, []string{"profile-subscription-bulk-delete-jobs"}, "bulk_unsubscribe_profiles", s.postUnsubscribe},
	}
}

// ServeHTTP serves Klaviyo's API subset. In order: the configured latency,
// routing (404), authentication (401), method (405), the revision header
// (400 malformed, 404 unpublished, 410 retired) and query text that is not
// UTF-8 (400), rate limits (429), injected
// faults, applying bulk jobs whose time has come, and the operation. A
// panic becomes a 500 JSON:API error.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(v)
			}
			writeError(w, serverError())
		}
	}()
	if !sleep(r.Context(), s.latency) {
		return // the client is gone; nobody reads an answer
	}
	if ok, err := s.waitSeeded(r); !ok {
		return
	} else if err != nil {
		writeError(w, serverError())
		return
	}
	if err := s.serve(w, r); err != nil {
		writeError(w, err)
	}
}

func (s *Sandbox) serve(w http.ResponseWriter, r *http.Request) error {
	rt, id, err := s.match(r)
	if err != nil {
		return err
	}
	if !authorized(r.Header.Get("Authorization")) {
		return notAuthenticated()
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		return methodNotAllowed(r.Method)
	}
	if err := checkRevision(r.Header.Values("revision")); err != nil {
		return err
	}
	if err := checkQueryText(r.URL.RawQuery); err != nil {
		return err
	}
	if err := s.limit(w, rt.op, r); err != nil {
		return err
	}
	if err := s.faults.inject(w); err != nil {
		return err
	}
	if err := s.ApplyDueJobs(r.Context()); err != nil {
		return err
	}
	return rt.handle(w, r, id)
}

// match finds the route for the request's path; a path that matches with
// another method still matches (ServeHTTP answers 405 for it).
func (s *Sandbox) match(r *http.Request) (route, string, error) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		return route{}, "", routeNotFound()
	}
	rest = strings.TrimSuffix(rest, "/")
	segments := strings.Split(rest, "/")
	var candidate *route
	var candidateID string
	for _, rt := range s.table {
		id, ok := matchPath(rt.path, segments)
		if !ok {
			continue
		}
		if rt.method == r.Method {
			return rt, id, nil
		}
		if candidate == nil {
			candidate, candidateID = &rt, id
		}
	}
	if candidate == nil {
		return route{}, "", routeNotFound()
	}
	return *candidate, candidateID, nil
}

func matchPath(pattern, segments []string) (id string, ok bool) {
	if len(pattern) != len(segments) {
		return "", false
	}
	for i, p := range pattern {
		switch {
		case segments[i] == "":
			return "", false
		case p == "{id}":
			id = segments[i]
		case p != segments[i]:
			return "", false
		}
	}
	return id, true
}

// authorized reports whether the Authorization header carries a private
// key in Klaviyo's scheme: "Klaviyo-API-Key pk_…". Any such key is
// accepted: the sandbox has one account.
func authorized(header string) bool {
	key, ok := strings.CutPrefix(header, "Klaviyo-API-Key ")
	if !ok {
		return false
	}
	key = strings.TrimSpace(key)
	return strings.HasPrefix(key, "pk_") && len(key) > len("pk_") && !strings.ContainsAny(key, " \t")
}

// revisionPattern is the revision header's format: YYYY-MM-DD[.suffix].
var revisionPattern = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(\.[A-Za-z0-9_-]+)?$`)

// checkRevision requires a well-formed revision header whose date a
// published, unretired revision serves (revisions.go).
func checkRevision(values []string) error {
	if len(values) == 0 || strings.TrimSpace(values[0]) == "" {
		return invalidParam("revision", "The 'revision' header is required, e.g. 'revision: 2026-07-15'.")
	}
	v := strings.TrimSpace(values[0])
	m := revisionPattern.FindStringSubmatch(v)
	if m == nil {
		return invalidParam("revision", "Invalid revision %q: use the format YYYY-MM-DD, optionally with a .suffix.", v)
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		return invalidParam("revision", "Invalid revision %q: %s is not a date.", v, m[1])
	}
	_, err := resolveRevision(m[1], v)
	return err
}

// sleep waits d, or until ctx is done; it reports whether the wait ended
// normally.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
