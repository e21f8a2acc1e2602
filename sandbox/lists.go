package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Page sizes of GET /api/lists.
const (
	listsPageDefault = 10
	listsPageMax     = 10
)

// listRow is a stored list.
type listRow struct {
	seq          int64
	id           string
	name         string
	optInProcess string
	created      int64
	updated      int64
}

const listColumns = "l.seq, l.id, l.name, l.opt_in_process, l.created, l.updated"

func scanList(rows interface{ Scan(...any) error }) (listRow, error) {
	var l listRow
	err := rows.Scan(&l.seq, &l.id, &l.name, &l.optInProcess, &l.created, &l.updated)
	return l, err
}

// listResource is a list as the API returns it.
type listResource struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    any                     `json:"attributes"` // listAttributes, or a sparse fieldset of them
	Relationships map[string]relationship `json:"relationships"`
	Links         selfLink                `json:"links"`
}

type listAttributes struct {
	Name         string `json:"name"`
	Created      string `json:"created"`
	Updated      string `json:"updated"`
	OptInProcess string `json:"opt_in_process"`
	ProfileCount *int   `json:"profile_count,omitempty"`
}

// list is l as the API returns it, with its member count if count is not
// nil, and only the attributes of fields if that is not nil.
func (u urls) list(l listRow, count *int, fields fieldTree) (listResource, error) {
	rel := func(name string) relationship {
		return relationship{Links: relationshipLinks{
			Self:    u.api("lists", l.id, "relationships", name),
			Related: u.api("lists", l.id, name),
		}}
	}
	attrs, err := sparse(listAttributes{
		Name:         l.name,
		Created:      entityTime(l.created),
		Updated:      entityTime(l.updated),
		OptInProcess: l.optInProcess,
		ProfileCount: count,
	}, fields)
	return listResource{
		Type:       "list",
		ID:         l.id,
		Attributes: attrs,
		Relationships: map[string]relationship{
			"profiles":      rel("profiles"),
			"tags":          rel("tags"),
			"flow-triggers": rel("flow-triggers"),
		},
		Links: selfLink{Self: u.api("lists", l.id)},
	}, err
}

// getLists serves GET /api/lists: every list, oldest first or in the
// order sort asks, ten a page.
func (s *Sandbox) getLists(w http.ResponseWriter, r *http.Request, _ string) error {
	q := r.URL.Query()
	opts, err := parseQuery(q, getListsQuery)
	if err != nil {
		return err
	}
	filter, err := queryFilter(q["filter"], listsFilter())
	if err != nil {
		return err
	}
	pg, err := parsePage(q, listsPageDefault, listsPageMax, opts.scope("lists"))
	if err != nil {
		return err
	}
	ks := opts.order(keyset{columns: listColumns, from: "lists l WHERE 1=1", seq: "l.seq", scope: "lists", args: filter.args})
	if filter.where != "" {
		ks.from += " AND " + filter.where
	}
	u := urlsFor(r)
	res, err := queryPage(r.Context(), s.db, ks, pg, func(rows rowScanner) (listResource, int64, error) {
		l, err := scanList(rows)
		if err != nil {
			return listResource{}, 0, err
		}
		res, err := u.list(l, nil, opts.fields["list"])
		return res, l.seq, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, collectionDoc[listResource]{
		Data:  nonNil(res.items),
		Links: pageLinks(u.api("lists"), q, res.next, res.prev),
	})
	return nil
}

// getList serves GET /api/lists/{id}, with the member count when
// additional-fields[list]=profile_count.
func (s *Sandbox) getList(w http.ResponseWriter, r *http.Request, id string) error {
	q := r.URL.Query()
	fields, err := additionalFields(q, "list", profileCount)
	if err != nil {
		return err
	}
	opts, err := parseQuery(q, getListQuery)
	if err != nil {
		return err
	}
	l, err := s.findList(r.Context(), id)
	if err != nil {
		return err
	}
	u := urlsFor(r)
	var count *int
	if fields[profileCount] {
		var n int
		if err := s.db.QueryRowContext(r.Context(), "SELECT count(*) FROM memberships WHERE list_seq = ?", l.seq).Scan(&n); err != nil {
			return fmt.Errorf("sandbox: counting a list's members: %w", err)
		}
		count = &n
	}
	res, err := u.list(l, count, opts.fields["list"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, singleDoc[listResource]{Data: res, Links: selfLink{Self: withQuery(u.api("lists", id), q)}})
	return nil
}

// findList returns the list with id, or a 404.
func (s *Sandbox) findList(ctx context.Context, id string) (listRow, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+listColumns+" FROM lists l WHERE l.id = ?", id)
	l, err := scanList(row)
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("", "A list with id %q does not exist.", id)
	}
	if err != nil {
		return l, fmt.Errorf("sandbox: reading a list: %w", err)
	}
	return l, nil
}

// getProfileLists serves GET /api/profiles/{id}/lists: the lists the
// profile is a member of, oldest list first (the operation is not paged).
func (s *Sandbox) getProfileLists(w http.ResponseWriter, r *http.Request, id string) error {
	ctx := r.Context()
	opts, err := parseQuery(r.URL.Query(), getProfileListsQuery)
	if err != nil {
		return err
	}
	p, err := s.findProfileSeq(ctx, id)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+listColumns+
		" FROM memberships m JOIN lists l ON l.seq = m.list_seq WHERE m.profile_seq = ? ORDER BY l.seq", p)
	if err != nil {
		return fmt.Errorf("sandbox: reading a profile's lists: %w", err)
	}
	defer rows.Close()
	u := urlsFor(r)
	data := []listResource{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return fmt.Errorf("sandbox: reading a profile's lists: %w", err)
		}
		res, err := u.list(l, nil, opts.fields["list"])
		if err != nil {
			return err
		}
		data = append(data, res)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sandbox: reading a profile's lists: %w", err)
	}
	writeJSON(w, http.StatusOK, collectionDoc[listResource]{
		Data:  data,
		Links: collectionLinks{Self: withQuery(u.api("profiles", id, "lists"), r.URL.Query())},
	})
	return nil
}

// additionalFields parses additional-fields[resource] against the allowed
// values; anything else is a 400.
func additionalFields(q url.Values, resource string, allowed ...string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range requestedFields(q, resource) {
		if !slices.Contains(allowed, f) {
			return nil, invalidParam("additional-fields["+resource+"]", "'%s' is not a valid additional field for '%s' (valid: %s).", f, resource, strings.Join(allowed, ", "))
		}
		out[f] = true
	}
	return out, nil
}

// requestedFields returns the comma-separated items of every
// additional-fields[resource] parameter, trimmed, unchecked.
func requestedFields(q url.Values, resource string) []string {
	var out []string
	for _, v := range q["additional-fields["+resource+"]"] {
		for _, f := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(f))
		}
	}
	return out
}

// nonNil turns a nil slice into an empty one, so that `data` is [] and
// never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
