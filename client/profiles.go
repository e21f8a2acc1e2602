package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// MaxPageSize is the largest page Klaviyo gives for profiles and members.
const MaxPageSize = 100

// ProfilePage is one page of profiles and the links to the next, "" on the
// last, and to the previous, "" on the first (or when Klaviyo sent none).
type ProfilePage struct {
	Profiles []Profile
	Next     string
	Prev     string
	// URL is where the page was read from: a PageWalk's first page.
	URL string
}

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
}

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
	if f := equalsFilter(q.Email, q.Phone); f != "" {
		v.Set("filter", f)
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
		if err == nil {
			err = c.walkPages(NewPageWalk("members", MaxMemberPages), first, func(u string) (string, error) {
				p, err := c.profilePage(ctx, epMembers, u)
				if err != nil || !yield(p, nil) {
					return "", err
				}
				return p.Next, nil
			})
		}
		if err != nil {
			yield(ProfilePage{}, err)
		}
	}
}

// LookupPhone finds the profiles with this E.164 phone number (normally one).
func (c *Client) LookupPhone(ctx context.Context, e164 string) ([]Profile, error) {
	return c.lookup(ctx, equalsFilter("", e164))
}

// LookupEmail finds the profile with this email address.
func (c *Client) LookupEmail(ctx context.Context, email string) ([]Profile, error) {
	return c.lookup(ctx, equalsFilter(email, ""))
}

func (c *Client) lookup(ctx context.Context, filter string) ([]Profile, error) {
	u := c.endpointURL("/api/profiles", url.Values{
		"filter":                     {filter},
		"additional-fields[profile]": {"subscriptions"},
	})
	p, err := c.profilePage(ctx, epProfiles, u)
	return p.Profiles, err
}

// Profile fetches one profile with its subscriptions.
func (c *Client) Profile(ctx context.Context, id string) (Profile, error) {
	u := c.endpointURL("/api/profiles/"+url.PathEscape(id), url.Values{"additional-fields[profile]": {"subscriptions"}})
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	if err := c.getJSON(ctx, epProfile, u, &doc); err != nil {
		return Profile{}, err
	}
	return c.decodeProfile(doc.Data)
}

// ProfileLists fetches the lists a profile is on, every page (at most
// MaxListPages; see PageWalk). Klaviyo allows only 3 of these a second:
// call it on request, not per row.
func (c *Client) ProfileLists(ctx context.Context, id string) ([]List, error) {
	var all []List
	first := c.endpointURL("/api/profiles/"+url.PathEscape(id)+"/lists", nil)
	err := c.walkPages(NewPageWalk("the profile's lists", MaxListPages), first, func(u string) (string, error) {
		p, err := c.listPage(ctx, epProfileList, u)
		all = append(all, p.Lists...)
		return p.Next, err
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

func (c *Client) profilePage(ctx context.Context, endpoint, u string) (ProfilePage, error) {
	var p page
	if err := c.getJSON(ctx, endpoint, u, &p); err != nil {
		return ProfilePage{}, err
	}
	profiles, err := decodeAll(p.Data, c.decodeProfile)
	if err != nil {
		return ProfilePage{}, err
	}
	return ProfilePage{Profiles: profiles, Next: p.next(), Prev: p.prev(), URL: u}, nil
}

// equalsFilter is Klaviyo's filter for an exact email or phone match, or ""
// when neither is given. Values are quoted with their quotes and backslashes
// escaped; url.Values encodes the rest, so a "+" travels as %2B and is not
// read as a space.
func equalsFilter(email, phone string) string {
	var parts []string
	if email != "" {
		parts = append(parts, `equals(email,"`+quoteFilter(email)+`")`)
	}
	if phone != "" {
		parts = append(parts, `equals(phone_number,"`+quoteFilter(phone)+`")`)
	}
	return strings.Join(parts, ",")
}

func quoteFilter(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
