package client

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"time"
)

// ListPage is one page of lists and the link to the next, "" on the last.
type ListPage struct {
	Lists []List
	Next  string
	// URL is where the page was read from: a PageWalk's first page.
	URL string
}

// ListsPage fetches one page of lists: the first when next is "", else the
// page next (a links.next from the previous page) points to. Klaviyo gives
// 10 lists a page. A caller reading every page checks each link with a
// PageWalk first (see ListsPages).
func (c *Client) ListsPage(ctx context.Context, next string) (ListPage, error) {
	u := c.listsURL()
	if next != "" {
		var err error
		if u, err = c.followURL(next, "next"); err != nil {
			return ListPage{}, err
		}
	}
	return c.listPage(ctx, epLists, u)
}

// listsURL is the first page of lists.
func (c *Client) listsURL() string {
	return c.endpointURL("/api/lists", url.Values{"fields[list]": {"name,opt_in_process,created,updated"}})
}

// listPage reads one page of list resources at u.
func (c *Client) listPage(ctx context.Context, endpoint, u string) (ListPage, error) {
	var p page
	if err := c.getJSON(ctx, endpoint, u, &p); err != nil {
		return ListPage{}, err
	}
	lists, err := decodeAll(p.Data, c.decodeList)
	return ListPage{Lists: lists, Next: p.next(), URL: u}, err
}

// ListsPages reads every page of lists, following links.next to the last,
// and yields each page as it arrives, so that nothing holds them all. A
// failure, or links that would never end (see PageWalk; at most
// MaxListPages), is yielded last, with an empty page.
func (c *Client) ListsPages(ctx context.Context) iter.Seq2[ListPage, error] {
	return func(yield func(ListPage, error) bool) {
		err := c.walkPages(NewPageWalk("lists", MaxListPages), c.listsURL(), func(u string) (string, error) {
			p, err := c.listPage(ctx, epLists, u)
			if err != nil || !yield(p, nil) {
				return "", err
			}
			return p.Next, nil
		})
		if err != nil {
			yield(ListPage{}, err)
		}
	}
}

// Lists fetches every list (ListsPages, held in memory).
func (c *Client) Lists(ctx context.Context) ([]List, error) {
	var all []List
	for p, err := range c.ListsPages(ctx) {
		if err != nil {
			return nil, err
		}
		all = append(all, p.Lists...)
	}
	return all, nil
}

// walkPages reads a walk's pages from first: read reads the page at a URL
// and returns its next link, "" to stop; each link is checked
// (followURL, then w) before it is read.
func (c *Client) walkPages(w *PageWalk, first string, read func(u string) (next string, err error)) error {
	u := first
	for {
		if err := w.Follow(u); err != nil {
			return err
		}
		next, err := read(u)
		if err != nil || next == "" {
			return err
		}
		if u, err = c.followURL(next, "next"); err != nil {
			return err
		}
	}
}

// List fetches one list by id.
func (c *Client) List(ctx context.Context, id string) (List, error) {
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	if err := c.getJSON(ctx, epList, c.endpointURL("/api/lists/"+url.PathEscape(id), nil), &doc); err != nil {
		return List{}, err
	}
	return c.decodeList(doc.Data)
}

// countFresh is how long a list's member count is reused: Klaviyo allows
// only 1 count a second and 15 a minute.
const countFresh = 5 * time.Minute

// memberCount is a list's member count as read at a time.
type memberCount struct {
	n  int
	at time.Time
}

// ListProfileCount is how many members the list has (Klaviyo's
// profile_count), read at most once in countFresh per list: the count has
// a tier of its own, 1 a second and 15 a minute.
func (c *Client) ListProfileCount(ctx context.Context, id string) (int, error) {
	now := c.opts.Now()
	c.mu.Lock()
	cached, ok := c.counts[id]
	c.mu.Unlock()
	if ok && now.Sub(cached.at) < countFresh {
		return cached.n, nil
	}
	u := c.endpointURL("/api/lists/"+url.PathEscape(id), url.Values{
		"additional-fields[list]": {"profile_count"},
		"fields[list]":            {"profile_count"},
	})
	var doc struct {
		Data struct {
			Type       string `json:"type"`
			Attributes struct {
				ProfileCount *int `json:"profile_count"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, epListCount, u, &doc); err != nil {
		return 0, err
	}
	n := doc.Data.Attributes.ProfileCount
	if doc.Data.Type != "list" || n == nil || *n < 0 {
		return 0, fmt.Errorf("Klaviyo sent a list without a member count (profile_count)")
	}
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[string]memberCount{}
	}
	c.counts[id] = memberCount{n: *n, at: now}
	c.mu.Unlock()
	return *n, nil
}
