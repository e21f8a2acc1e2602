package client

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"sync"
	"time"
)

// StreamOptions shape MembersInOrder.
type StreamOptions struct {
	// Fields is the sparse fieldset to ask for (nil: Klaviyo's whole
	// resource). Slicing needs joined_group_at: a fieldset without it is
	// paged by plain cursor.
	Fields []string
	// Limit, when above 0, is how many members are wanted: a few pages'
	// worth are paged by plain cursor, which reads nothing past them.
	Limit int
	// RawOnly reads of each member only its id and join time beside the
	// resource as sent (Raw), for output that writes the resource (the
	// first page, and pages of a walk by one cursor, are read whole).
	RawOnly bool
	// Workers is how many requests may be in flight (default 24: at
	// Klaviyo's 300 ms a page, what its 75 requests a second allow).
	Workers int
	// BufferPages bounds the pages read ahead of the one being yielded
	// (default 64): memory stays flat however long the list.
	BufferPages int
	// SlicePages is the size of a slice, in pages, that a dense one is cut
	// into (default: 2 when a page takes a round trip of fastPage or
	// more, as against Klaviyo, else 8): smaller slices keep more requests
	// in flight, each slice's last page is a part page, which a server that
	// answers at once pays for without gaining.
	SlicePages int
}

// fastPage is a first page's time under which the server is taken to be
// near (a sandbox on loopback): slices are made bigger, to send fewer
// requests, since latency is not what bounds the walk.
const fastPage = 30 * time.Millisecond

func (o StreamOptions) withDefaults() StreamOptions {
	if o.Workers <= 0 {
		o.Workers = 24
	}
	if o.BufferPages <= 0 {
		o.BufferPages = 64
	}
	return o
}

// plainPagingUpTo is the --limit up to which members are paged by plain
// cursor: slices would read past what is wanted.
const plainPagingUpTo = 10 * MaxPageSize

// MembersInOrder streams a list's members in the order they joined it
// (joined_group_at, oldest first; ties in Klaviyo's order), each exactly
// once, and fast: the list is cut into disjoint slices of join time, each
// paged by its own cursor, up to Workers at once, so that a long list
// streams at the rate the account's limits allow rather than at one page
// per round trip (the client's limiter keeps it under them).
//
// The first page is read alone; the newest member's join time bounds the
// rest, which is cut into slices by the density the first page shows. A
// slice whose first page shows it denser than SlicePages is cut again at
// the last whole second read (the members of that second are read again by
// the next slice, never yielded twice). Pages are yielded in order, at
// most BufferPages read ahead. Where slicing cannot apply (a fieldset
// without joined_group_at, a small Limit) the members are paged by one
// cursor, in the same order; a server that refuses the sort gives them in
// its own order, by one cursor. A failure is yielded last, with an empty
// page.
func (c *Client) MembersInOrder(ctx context.Context, listID string, opts StreamOptions) iter.Seq2[ProfilePage, error] {
	opts = opts.withDefaults()
	sorted := MembersQuery{Sort: SortJoined, Fields: opts.Fields}
	if opts.Limit > 0 && opts.Limit <= plainPagingUpTo {
		sorted.PageSize = min(opts.Limit, MaxPageSize)
		return c.sortedPages(ctx, listID, sorted)
	}
	if opts.Fields != nil && !slices.Contains(opts.Fields, "joined_group_at") {
		return c.sortedPages(ctx, listID, sorted)
	}
	return func(yield func(ProfilePage, error) bool) {
		began := c.opts.Now()
		first, err := c.Members(ctx, listID, sorted)
		if opts.SlicePages <= 0 {
			opts.SlicePages = 2
			if c.opts.Now().Sub(began) < fastPage {
				opts.SlicePages = 8
			}
		}
		if sortRefused(err) {
			for p, err := range c.MembersPages(ctx, listID, MembersQuery{Fields: opts.Fields}) {
				if !yield(p, err) {
					return
				}
			}
			return
		}
		if err != nil {
			yield(ProfilePage{}, err)
			return
		}
		if first.Next == "" {
			yield(first, nil)
			return
		}
		if !inJoinOrder(first.Profiles) {
			// Join times that cannot be read, or a server that did not
			// sort: slices would lose members. One cursor, as sent.
			c.continuePages(ctx, first, yield)
			return
		}
		newest, err := c.newestJoined(ctx, listID)
		if errors.Is(err, errNoJoinTime) {
			c.continuePages(ctx, first, yield)
			return
		}
		if err != nil {
			yield(ProfilePage{}, err)
			return
		}
		s, err := newSliceStream(ctx, c, listID, opts, first, newest)
		if err != nil {
			yield(ProfilePage{}, err)
			return
		}
		s.run(yield)
	}
}

// inJoinOrder reports whether every member's join time can be read and
// they come oldest first.
func inJoinOrder(members []Profile) bool {
	var last time.Time
	for _, m := range members {
		t, err := joinedAt(m)
		if err != nil || t.Before(last) {
			return false
		}
		last = t
	}
	return true
}

// continuePages yields first, a page of members already read, and then
// the pages its next links lead to, one at a time (see PageWalk).
func (c *Client) continuePages(ctx context.Context, first ProfilePage, yield func(ProfilePage, error) bool) {
	w := NewPageWalk("members", MaxMemberPages)
	if err := w.Follow(first.URL); err != nil {
		yield(ProfilePage{}, err)
		return
	}
	if !yield(first, nil) {
		return
	}
	next, err := c.followURL(first.Next, "next")
	if err != nil {
		yield(ProfilePage{}, err)
		return
	}
	c.walkMembers(ctx, w, next, yield)
}

// sortedPages is MembersPages of q, sorted by join time; a server that
// cannot sort members gives them in its own order.
func (c *Client) sortedPages(ctx context.Context, listID string, q MembersQuery) iter.Seq2[ProfilePage, error] {
	return func(yield func(ProfilePage, error) bool) {
		started := false
		for p, err := range c.MembersPages(ctx, listID, q) {
			if !started && sortRefused(err) {
				q.Sort = ""
				for p, err := range c.MembersPages(ctx, listID, q) {
					if !yield(p, err) {
						return
					}
				}
				return
			}
			started = true
			if !yield(p, err) {
				return
			}
		}
	}
}

// sortRefused reports whether err is a 400 about the sort parameter: a
// server that cannot sort a list's members.
func sortRefused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest && ae.Parameter == "sort"
}

// newestJoined is when the newest member joined the list.
func (c *Client) newestJoined(ctx context.Context, listID string) (time.Time, error) {
	p, err := c.Members(ctx, listID, MembersQuery{Sort: SortJoinedDesc, Fields: []string{"joined_group_at"}, PageSize: 1})
	if err != nil {
		return time.Time{}, err
	}
	if len(p.Profiles) == 0 {
		return time.Time{}, errNoJoinTime
	}
	return joinedAt(p.Profiles[0])
}

var errNoJoinTime = errors.New("Klaviyo sent a list member without a readable joined_group_at: cannot page by join time")

// joinedAt is when a member joined its list.
func joinedAt(p Profile) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, p.JoinedGroupAt)
	if err != nil {
		return time.Time{}, errNoJoinTime
	}
	return t, nil
}

// slice is one run of join times, [from, before), paged by its own
// cursor; its pages wait in pages until they are yielded.
type slice struct {
	from, before time.Time // from is zero for the first slice
	next         string    // the cursor to read next; "" before the first page
	started      bool      // a worker has it
	done         bool      // every page read
	read         int       // pages read
	firstSecond  time.Time // the whole second of its first member
	pages        []ProfilePage
	walk         *PageWalk
}

// sliceStream is one MembersInOrder walk: the slices in join-time order,
// the workers that read them and the yielding loop that empties them in
// order. Everything is guarded by mu; cond wakes whoever waits on a change.
type sliceStream struct {
	ctx    context.Context
	cancel context.CancelFunc
	c      *Client
	listID string
	opts   StreamOptions
	end    time.Time // after the newest member's second

	mu       sync.Mutex
	cond     *sync.Cond
	slices   []*slice // in join-time order, from the one being yielded (the head)
	buffered int      // pages read and not yet yielded
	pages    int      // pages read in all
	err      error    // the first failure; stops everything
}

// newSliceStream starts a walk from its first page, read, and the newest
// member's join time.
func newSliceStream(ctx context.Context, c *Client, listID string, opts StreamOptions, first ProfilePage, newest time.Time) (*sliceStream, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &sliceStream{ctx: ctx, cancel: cancel, c: c, listID: listID, opts: opts,
		end: newest.Truncate(time.Second).Add(time.Second)}
	s.cond = sync.NewCond(&s.mu)
	head := &slice{before: s.end, walk: NewPageWalk("members", MaxMemberPages)}
	s.slices = []*slice{head}
	s.pages = 1
	// The first page may cut the rest into slices, or leave the first
	// slice for a worker to go on with by its cursor.
	if err := errors.Join(head.walk.Follow(first.URL), s.took(head, first)); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// run starts the workers, yields the pages in order, and stops the workers
// before it returns.
func (s *sliceStream) run(yield func(ProfilePage, error) bool) {
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work()
		}()
	}
	// Wake the workers when the caller's context ends.
	stop := context.AfterFunc(s.ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer func() {
		stop()
		s.cancel()
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
		wg.Wait()
	}()
	for {
		p, ok, err := s.nextPage()
		if err != nil {
			yield(ProfilePage{}, err)
			return
		}
		if !ok || !yield(p, nil) {
			return
		}
	}
}

// nextPage waits for the head slice's next page: ok is false when every
// slice is yielded.
func (s *sliceStream) nextPage() (ProfilePage, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		switch {
		case s.err != nil:
			return ProfilePage{}, false, s.err
		case s.ctx.Err() != nil:
			return ProfilePage{}, false, s.ctx.Err()
		case len(s.slices) == 0:
			return ProfilePage{}, false, nil
		}
		h := s.slices[0]
		if len(h.pages) > 0 {
			p := h.pages[0]
			h.pages[0] = ProfilePage{} // not kept by the array
			h.pages = h.pages[1:]
			s.buffered--
			s.cond.Broadcast() // room in the buffer
			return p, true, nil
		}
		if h.done {
			// Yielded: dropped, so that memory stays flat.
			s.slices[0] = nil
			s.slices = s.slices[1:]
			s.cond.Broadcast() // a new head may read past the buffer
			continue
		}
		s.cond.Wait()
	}
}

// work reads slices, the earliest waiting first, until none is left. A
// worker reads ahead of the head slice only while the buffer has room;
// when it is full and nobody reads the head slice, it leaves its own slice
// (its cursor kept, for whoever takes it next) and reads the head, so the
// yielding loop never waits on a slice nobody reads.
func (s *sliceStream) work() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sl *slice
	for s.err == nil && s.ctx.Err() == nil {
		if sl == nil || sl.done {
			if sl = s.waiting(); sl == nil {
				if s.allRead() {
					return
				}
				s.cond.Wait()
				continue
			}
			sl.started = true
		}
		if s.buffered >= s.opts.BufferPages && len(s.slices) > 0 && s.slices[0] != sl {
			if h := s.slices[0]; !h.started && !h.done {
				sl.started, sl = false, nil // the head needs reading more
				continue
			}
			s.cond.Wait()
			continue
		}
		if err := s.readPage(sl); err != nil {
			if s.err == nil && s.ctx.Err() == nil {
				s.err = err
			}
			s.cond.Broadcast()
			return
		}
	}
}

// waiting is the earliest slice no worker has, or nil.
func (s *sliceStream) waiting() *slice {
	for _, sl := range s.slices {
		if !sl.started && !sl.done {
			return sl
		}
	}
	return nil
}

// allRead reports whether every slice has been read to its end.
func (s *sliceStream) allRead() bool {
	for _, sl := range s.slices {
		if !sl.done {
			return false
		}
	}
	return true
}

// readPage reads sl's next page, without holding mu while it waits for
// Klaviyo, and takes it in.
func (s *sliceStream) readPage(sl *slice) error {
	var u string
	var err error
	if sl.next == "" {
		u, err = s.c.membersURL(s.listID, MembersQuery{Sort: SortJoined, Fields: s.opts.Fields, JoinedFrom: sl.from, JoinedBefore: sl.before})
	} else {
		u, err = s.c.followURL(sl.next, "next")
	}
	if err == nil {
		err = sl.walk.Follow(u)
	}
	if err == nil && s.pages >= MaxMemberPages {
		err = errors.New("Klaviyo still sent members after " + pages(MaxMemberPages) + ": stopped there, the most Consent Desk reads in one go")
	}
	if err != nil {
		return err
	}
	s.pages++
	s.mu.Unlock()
	decode := s.c.decodeProfile
	if s.opts.RawOnly {
		decode = s.c.decodeMemberRaw
	}
	p, err := s.c.profilePageBy(s.ctx, epMembers, u, decode)
	s.mu.Lock()
	if err != nil {
		return err
	}
	return s.took(sl, p)
}

// took takes in a page of sl: it waits to be yielded, and either sl goes
// on by its cursor, or, when the page shows sl denser than a slice should
// be, sl ends at the page's last whole second and the rest of it becomes
// new slices (the page's members of that second are left to the first of
// them). Called with mu held.
func (s *sliceStream) took(sl *slice, p ProfilePage) error {
	sl.read++
	if !inJoinOrder(p.Profiles) {
		// The cuts rely on the order: never guess past it.
		return errors.New("Klaviyo sent a page of members out of join order (or without joined_group_at) in a walk sorted by it: stopped, so that no member is missed")
	}
	if len(p.Profiles) > 0 && sl.firstSecond.IsZero() {
		t, _ := joinedAt(p.Profiles[0])
		sl.firstSecond = t.Truncate(time.Second)
	}
	if p.Next != "" && len(p.Profiles) > 0 {
		if cut, left, ok := s.cutAt(sl, p); ok {
			kept := p.Profiles[:0:0]
			for _, m := range p.Profiles {
				if t, _ := joinedAt(m); t.Before(cut) { // read: the page is in join order
					kept = append(kept, m)
				}
			}
			p.Profiles, p.Next = kept, ""
			s.split(sl, cut, left)
		}
	}
	sl.next = p.Next
	sl.done = p.Next == ""
	if len(p.Profiles) > 0 {
		sl.pages = append(sl.pages, p)
		s.buffered++
	}
	s.cond.Broadcast()
	return nil
}

// cutAt says where to end sl after page p, whose join times took has read:
// at the whole second of p's last member, when that is past sl's first
// second (so that sl has yielded something), leaves at least two seconds
// to cut, and the pages left at the density read so far (left) are more
// than a slice's worth.
func (s *sliceStream) cutAt(sl *slice, p ProfilePage) (cut time.Time, left float64, ok bool) {
	last, _ := joinedAt(p.Profiles[len(p.Profiles)-1])
	cut = last.Truncate(time.Second)
	readSpan := cut.Sub(sl.firstSecond)
	rest := sl.before.Sub(cut)
	if readSpan <= 0 || rest < 2*time.Second {
		return cut, 0, false
	}
	left = float64(sl.read) * float64(rest) / float64(readSpan)
	return cut, left, left > float64(s.opts.SlicePages)
}

// split puts new slices for [cut, sl.before) after sl, as many as the
// left pages hold slices' worth (at most a second each, and at most four
// per worker), and ends sl at cut.
func (s *sliceStream) split(sl *slice, cut time.Time, left float64) {
	rest := sl.before.Sub(cut)
	n := int(left/float64(s.opts.SlicePages)) + 1
	n = min(n, int(rest/time.Second), 4*s.opts.Workers)
	step := (rest / time.Duration(n)).Truncate(time.Second)
	at := slices.Index(s.slices, sl)
	added := make([]*slice, 0, n)
	from := cut
	for i := range n {
		before := from.Add(step)
		if i == n-1 {
			before = sl.before
		}
		added = append(added, &slice{from: from, before: before, walk: NewPageWalk("members", MaxMemberPages)})
		from = before
	}
	sl.before = cut
	s.slices = slices.Insert(s.slices, at+1, added...)
}
