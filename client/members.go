package client

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MembersQuery selects a page of a list's members.
type MembersQuery struct {
	// Next is links.next of the previous page; "" for the first page.
	Next string
	// Prev is links.prev of the following page, to page backwards; it is
	// followed like Next, and Next wins when both are set.
	Prev string
	// PageSize is 1..100; 0 means 100.
	PageSize int
	// Email or Phone (E.164) narrow the page to an exact match, filtered by
	// Klaviyo.
	Email, Phone string
	// Sort orders the members: "" is Klaviyo's own order, SortJoined the
	// order they joined the list (oldest first), SortJoinedDesc newest
	// first (the exact reverse).
	Sort string
	// Fields, when not nil, asks only for these profile attributes (a
	// sparse fieldset, such as TableFields): pages shrink several times.
	Fields []string
	// JoinedFrom and JoinedBefore, when not zero, narrow the page to the
	// members who joined in [JoinedFrom, JoinedBefore).
	JoinedFrom, JoinedBefore time.Time
}

// The orders of a list's members (sort=joined_group_at).
const (
	SortJoined     = "joined_group_at"
	SortJoinedDesc = "-joined_group_at"
)

// TableFields are the profile attributes the members table and the UI show:
// what a members page asks for with a sparse fieldset.
var TableFields = []string{"email", "phone_number", "first_name", "last_name", "joined_group_at", "subscriptions"}

// Members fetches one page of a list's members with their subscriptions.
// A caller reading page after page checks each link with a PageWalk first
// (see MembersPages).
func (c *Client) Members(ctx context.Context, listID string, q MembersQuery) (ProfilePage, error) {
	u, err := c.membersURL(listID, q)
	if err != nil {
		return ProfilePage{}, err
	}
	return c.profilePage(ctx, epMembers, u)
}

// membersURL is the page of members q asks for.
func (c *Client) membersURL(listID string, q MembersQuery) (string, error) {
	switch {
	case q.Next != "":
		return c.followURL(q.Next, "next")
	case q.Prev != "":
		return c.followURL(q.Prev, "previous")
	}
	size := q.PageSize
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	v := url.Values{
		"additional-fields[profile]": {"subscriptions"},
		"page[size]":                 {strconv.Itoa(size)},
	}
	if q.Fields != nil {
		v.Set("fields[profile]", strings.Join(q.Fields, ","))
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	conds := []string{}
	if f := equalsFilter(q.Email, q.Phone); f != "" {
		conds = append(conds, f)
	}
	if !q.JoinedFrom.IsZero() {
		conds = append(conds, "greater-or-equal(joined_group_at,"+filterTime(q.JoinedFrom)+")")
	}
	if !q.JoinedBefore.IsZero() {
		conds = append(conds, "less-than(joined_group_at,"+filterTime(q.JoinedBefore)+")")
	}
	if len(conds) > 0 {
		v.Set("filter", strings.Join(conds, ","))
	}
	return c.endpointURL("/api/lists/"+url.PathEscape(listID)+"/profiles", v), nil
}

// MembersPages reads a list's members page by page from the page q asks
// for, following links.next to the last, and yields each page as it
// arrives: nothing holds more than one page. A failure, or links that
// would never end (see PageWalk; at most MaxMemberPages), is yielded
// last, with an empty page.
func (c *Client) MembersPages(ctx context.Context, listID string, q MembersQuery) iter.Seq2[ProfilePage, error] {
	return func(yield func(ProfilePage, error) bool) {
		first, err := c.membersURL(listID, q)
		if err != nil {
			yield(ProfilePage{}, err)
			return
		}
		c.walkMembers(ctx, NewPageWalk("members", MaxMemberPages), first, yield)
	}
}

// walkMembers reads pages of members from u by their next links, checked
// by w, yielding each as it arrives and a failure last, with an empty page.
func (c *Client) walkMembers(ctx context.Context, w *PageWalk, u string, yield func(ProfilePage, error) bool) {
	err := c.walkPages(w, u, func(u string) (string, error) {
		p, err := c.profilePage(ctx, epMembers, u)
		if err != nil || !yield(p, nil) {
			return "", err
		}
		return p.Next, nil
	})
	if err != nil {
		yield(ProfilePage{}, err)
	}
}

// filterTime is a datetime as Klaviyo's filters take it: RFC 3339 in UTC,
// to the second (slices are cut at whole seconds).
func filterTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
