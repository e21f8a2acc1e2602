package client

import (
	"context"
	"encoding/json"
	"net/url"
)

// ListPage is one page of lists and the link to the next, "" on the last.
type ListPage struct {
	Lists []List
	Next  string
}

// ListsPage fetches one page of lists: the first when next is "", else the
// page next (a links.next from the previous page) points to. Klaviyo gives
// 10 lists a page.
func (c *Client) ListsPage(ctx context.Context, next string) (ListPage, error) {
	u := c.endpointURL("/api/lists", url.Values{"fields[list]": {"name,opt_in_process,created,updated"}})
	if next != "" {
		var err error
		if u, err = c.followURL(next, "next"); err != nil {
			return ListPage{}, err
		}
	}
	return c.listPage(ctx, epLists, u)
}

// listPage reads one page of list resources at u.
func (c *Client) listPage(ctx context.Context, endpoint, u string) (ListPage, error) {
	var p page
	if err := c.getJSON(ctx, endpoint, u, &p); err != nil {
		return ListPage{}, err
	}
	lists, err := decodeAll(p.Data, decodeList)
	return ListPage{Lists: lists, Next: p.next()}, err
}

// Lists fetches every list, following links.next to the last page.
func (c *Client) Lists(ctx context.Context) ([]List, error) {
	var all []List
	next := ""
	for {
		p, err := c.ListsPage(ctx, next)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Lists...)
		if p.Next == "" || p.Next == next {
			return all, nil
		}
		next = p.Next
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
	return decodeList(doc.Data)
}
