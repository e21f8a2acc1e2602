package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
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
	return c.profilePageBy(ctx, endpoint, u, c.decodeProfile)
}

// profilePageBy reads a page of profiles, each read by decode.
func (c *Client) profilePageBy(ctx context.Context, endpoint, u string, decode func(json.RawMessage) (Profile, error)) (ProfilePage, error) {
	var p page
	if err := c.getJSON(ctx, endpoint, u, &p); err != nil {
		return ProfilePage{}, err
	}
	profiles, err := decodeAll(p.Data, decode)
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

// MaxLookupValues is how many emails or phone numbers one LookupMany asks
// Klaviyo for: a page's worth, so that one request answers them all.
const MaxLookupValues = MaxPageSize

// LookupField is a profile field LookupMany can match on.
type LookupField string

// The fields a batch look-up matches on.
const (
	ByEmail LookupField = "email"
	ByPhone LookupField = "phone_number"
)

// LookupMany finds the profiles whose email or phone number (field) is one
// of values, at most MaxLookupValues of them, with their subscriptions,
// in one request (more only when Klaviyo pages the answer). It is for
// imports: rows are checked a hundred at a time, not one request each. The
// profiles keep no Raw copy, so that a long import's look-ups cost only
// what is read of them.
func (c *Client) LookupMany(ctx context.Context, field LookupField, values []string) ([]Profile, error) {
	return c.lookupMany(ctx, epProfiles, "/api/profiles", field, values)
}

// MembersAmong is LookupMany among the members of list listID: which of
// these people are on it, with their subscriptions.
func (c *Client) MembersAmong(ctx context.Context, listID string, field LookupField, values []string) ([]Profile, error) {
	return c.lookupMany(ctx, epMembers, "/api/lists/"+url.PathEscape(listID)+"/profiles", field, values)
}

func (c *Client) lookupMany(ctx context.Context, endpoint, path string, field LookupField, values []string) ([]Profile, error) {
	switch {
	case len(values) == 0:
		return nil, nil
	case len(values) > MaxLookupValues:
		return nil, fmt.Errorf("%d values in one look-up: at most %d", len(values), MaxLookupValues)
	case field != ByEmail && field != ByPhone:
		return nil, fmt.Errorf("look-up by %q: only by email or phone_number", field)
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = `"` + quoteFilter(v) + `"`
	}
	first := c.endpointURL(path, url.Values{
		"filter":                     {"any(" + string(field) + ",[" + strings.Join(quoted, ",") + "])"},
		"additional-fields[profile]": {"subscriptions"},
		"page[size]":                 {fmt.Sprint(MaxPageSize)},
	})
	var all []Profile
	err := c.walkPages(NewPageWalk("profiles", MaxListPages), first, func(u string) (string, error) {
		p, err := c.profilePage(ctx, endpoint, u)
		for _, prof := range p.Profiles {
			prof.Raw = nil
			all = append(all, prof)
		}
		return p.Next, err
	})
	return all, err
}
