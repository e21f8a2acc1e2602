package client

import (
	"fmt"
	"hash/maphash"
	"net/url"
	"strconv"
	"strings"
)

// The most pages one walk through a collection reads. Klaviyo sends lists
// 10 a page and members up to 100 a page, so these are 100,000 lists and
// 10,000,000 members: past any account, and an end to a server whose next
// links never end.
const (
	MaxListPages   = 10_000
	MaxMemberPages = 100_000
)

// PageWalk is one walk through the pages of a collection, following
// Klaviyo's links from the first page, and the rule that keeps it finite:
// a page whose URL was already read as another page of the walk is not
// read again (links that go round in a circle would never end), nor is a
// page past the walk's bound (links that always lead to one more page).
//
// Pages are numbered from 0, the first. A walk that only goes forward
// (Lists, MembersPages, the list picker) calls Follow before reading each
// page; one that goes back and forth and reads dropped pages again (the
// members view) says which page it reads with Visit. A page's URL is
// compared with the query's parameters in order, so a link that only
// reorders them is the same page. A PageWalk is not safe for concurrent
// use.
type PageWalk struct {
	what string // what the pages hold, for errors: "lists", "members"
	max  int
	seed maphash.Seed
	// seen is the pages read, by the hash of their URL, each with its
	// number; next is the number Follow gives the next page, last the
	// number of the page visited last.
	seen       map[uint64]int
	next, last int
}

// NewPageWalk starts a walk through pages of what ("lists", "members")
// that reads at most max pages (MaxListPages, MaxMemberPages).
func NewPageWalk(what string, max int) *PageWalk {
	return &PageWalk{what: what, max: max, seed: maphash.MakeSeed(), seen: map[uint64]int{}}
}

// Follow checks and records link as the next page of a forward walk: the
// first page on the first call.
func (w *PageWalk) Follow(link string) error { return w.Visit(link, w.next) }

// Visit checks and records that link is about to be read as page n. It
// refuses a link already read as another page, a page before the first,
// and a page at or past the bound, saying what Klaviyo's links did.
// Reading the same URL as the same page again (a dropped page fetched
// again) is allowed.
func (w *PageWalk) Visit(link string, n int) error {
	switch {
	case n < 0:
		return fmt.Errorf("Klaviyo's previous link leads before the first page of %s: not followed", w.what)
	case n >= w.max:
		return fmt.Errorf("Klaviyo still sent a next link after %s of %s: stopped there, the most Consent Desk reads in one go", pages(w.max), w.what)
	}
	h := maphash.String(w.seed, pageKey(link))
	if was, ok := w.seen[h]; ok && was != n {
		if n >= w.last {
			return fmt.Errorf("Klaviyo's next link points back to a page already read: stopped after %s of %s", pages(n), w.what)
		}
		return fmt.Errorf("Klaviyo's previous link points to a page of %s already read as another: not followed", w.what)
	}
	w.seen[h] = n
	w.last, w.next = n, max(w.next, n+1)
	return nil
}

// pageKey is link as the walk compares it: scheme and host in lower case,
// the path without a trailing slash, the query's parameters sorted, no
// fragment.
func pageKey(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	query := u.RawQuery
	if q, err := url.ParseQuery(query); err == nil {
		query = q.Encode()
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/") + "?" + query
}

// pages says n pages: "1 page", "10,000 pages".
func pages(n int) string {
	if n == 1 {
		return "1 page"
	}
	return thousands(n) + " pages"
}

// thousands writes n with thousands separators: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
