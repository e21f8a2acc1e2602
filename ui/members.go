package ui

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// membersPageSize is how many members one request asks for: Klaviyo's
// largest page.
const membersPageSize = client.MaxPageSize

// membersPrefetch is how near (in rows) the cursor may come to the end of
// what is loaded before the next page is asked for: half a page of the API,
// two or three screens, so that the page is usually in before the agent
// gets there and opening the view costs one request, not two.
const membersPrefetch = membersPageSize / 2

// membersKeptPages is how many pages the view keeps at most: 3,000 rows,
// about 0.6 MB, a hundred screens and far more than a screen and the
// prefetch margins above and below it. Scrolling further drops pages from
// the other end, to be fetched again if the agent comes back, so memory is
// bounded by this and not by the list's size.
const membersKeptPages = 30

// membersLookupLimit bounds the lookup input: longer than any email (254)
// or phone number.
const membersLookupLimit = 256

// Column widths of the members table that do not depend on the data
// (the consent columns' are in members_cells.go).
const (
	memberMarkerWidth   = 2  // "› " before the cursor row
	memberJoinedWidth   = 10 // "2006-01-02"
	memberMinEmailWidth = 20 // below this, the joined column goes
	memberMinPhoneWidth = 9  // "phone"; grows with the numbers loaded
	memberMaxPhoneWidth = 20 // "+" and 15 digits, a space and a region
)

// memberFetch is which page a request asks for.
type memberFetch uint8

const (
	fetchNext  memberFetch = iota // the page after those kept
	fetchPrev                     // the page before those kept
	fetchFirst                    // the list's first page, replacing those kept
	fetchLast                     // the reversed order's first page: the list's end
)

// membersPage is one page of members as a fetch in direction dir read it:
// page num of the walk from the start, or from the end (fromEnd: the
// reversed order, its rows already put back in the list's order), read
// from url; first is set for a walk's first page, whose URL the client
// made (every other page's came in a link). before and after are its
// links in screen order (see memberPage).
type membersPage struct {
	dir           memberFetch
	num           int
	first         bool
	fromEnd       bool
	url           string
	rows          []memberRow
	before, after string
}

// membersView is a list's members, a page of 100 at a time as the agent
// scrolls, with an exact lookup by email or phone done by Klaviyo. Only
// the rows on screen are rendered, so a cursor move costs the same with
// a hundred rows loaded or a hundred thousand, and only a window of pages
// around the cursor is kept (keptPages), so memory is the same too.
type membersView struct {
	c    *common
	list client.List
	// keptPages is how many pages are kept at most (membersKeptPages;
	// tests lower it).
	keptPages int
	// all is the whole list; found, when not nil, the lookup being shown.
	all   memberRows
	found *memberRows
	// input is the lookup line, open while typing; refusal says why
	// what was typed cannot be looked up.
	input   textinput.Model
	typing  bool
	refusal string
	// filtering is set when the line filters the loaded rows (f) rather
	// than looking up (/); found then holds the rows that match.
	filtering bool
	// err is the last request's failure; loading stops until retried.
	err error
	// loading reads one page at a time, for the rows on screen.
	loading request[membersPage]
	// counting asks once, on opening, for the list's member count: its
	// tier is Klaviyo's slowest (1/s, 15/min), and the client keeps it for
	// five minutes. Without it (it failed, or has not come yet) the view
	// says how many rows were loaded, and end loads toward the end.
	counting request[int]
	width    int
	height   int
	// inks memoises the styles as escape sequences (see paint).
	inks *memberPaint
}

// newMembersView returns the members of list l; Init loads the first page.
func newMembersView(c *common, l client.List) *membersView {
	in := textinput.New()
	in.Prompt = membersLookupPrompt
	in.Placeholder = membersLookupPlaceholder
	in.CharLimit = membersLookupLimit
	in.SetStyles(c.styles.Input)
	v := &membersView{c: c, list: l, input: in, keptPages: membersKeptPages}
	// The list in the order members joined it, oldest first, so that the
	// reversed order (newest first) is its exact mirror: the end key
	// reads the list's end as the reversed order's first page.
	v.all.query = client.MembersQuery{Sort: client.SortJoined, Fields: client.TableFields}
	return v
}

// Init asks for the first page and the list's member count.
func (v *membersView) Init() tea.Cmd { return tea.Batch(v.fetch(&v.all, fetchNext), v.count()) }

// count asks for the list's member count (Klaviyo's profile_count).
func (v *membersView) count() tea.Cmd {
	cl, listID := v.c.client, v.list.ID
	return v.counting.start(v.c.ctx, v, func(ctx context.Context) (int, error) {
		return cl.ListProfileCount(ctx, listID)
	})
}

// active is the rows on screen: the lookup's, or the whole list's.
func (v *membersView) active() *memberRows {
	if v.found != nil {
		return v.found
	}
	return &v.all
}

// fetch asks for one of t's pages (dir), replacing any request in flight.
// A link the walk refuses (a page already read as another, or too many) is
// not followed: the view shows why. The page's profiles become rows in the
// command, off the UI's goroutine.
//
// A page from the end (the end key, or a page beside those kept from the
// end) is of the reversed order: its links.next leads up the screen, its
// links.prev down, and its rows are reversed, in the command, to be shown
// in the list's order.
func (v *membersView) fetch(t *memberRows, dir memberFetch) tea.Cmd {
	v.stop()
	fromEnd := dir == fetchLast || (t.fromEnd && dir != fetchFirst)
	q := t.query
	q.PageSize = membersPageSize
	if fromEnd {
		q.Sort = client.SortJoinedDesc
	}
	link, num := t.around(dir)
	if link != "" {
		if err := t.pageWalk(fromEnd).Visit(link, num); err != nil {
			v.err = err
			return nil
		}
		if (dir == fetchPrev) != fromEnd {
			q.Prev = link
		} else {
			q.Next = link
		}
	}
	cl, rules, listID := v.c.client, v.c.rules, v.list.ID
	return v.loading.start(v.c.ctx, v, func(ctx context.Context) (membersPage, error) {
		page, err := cl.Members(ctx, listID, q)
		if err != nil {
			return membersPage{dir: dir, num: num, fromEnd: fromEnd}, err
		}
		p := membersPage{dir: dir, num: num, first: link == "", fromEnd: fromEnd, url: page.URL,
			rows: newMemberRows(rules, listID, page.Profiles), before: page.Prev, after: page.Next}
		if fromEnd {
			slices.Reverse(p.rows)
			p.before, p.after = page.Next, page.Prev
		}
		return p, nil
	})
}

// stop cancels the request in flight, if any; its answer will be dropped.
func (v *membersView) stop() { v.loading.cancel() }

// margin is how near (in rows) the cursor may come to either end of the
// rows kept before the page beyond is asked for.
func (v *membersView) margin() int { return max(membersPrefetch, v.visibleRows()) }

// keep is how many pages are kept: keptPages, or more on a screen so tall
// that a page dropped at one end would leave the cursor within the margin
// of the other (the view would fetch and drop the same pages in turn): a
// window of k pages is safe when (k-1) pages hold both margins.
func (v *membersView) keep() int {
	return max(v.keptPages, (2*v.margin()+membersPageSize-1)/membersPageSize+2)
}

// prefetch asks for the page below when the cursor nears the last row
// kept (or the window does, on a tall screen) and the list goes on, or for
// the page above when it nears the first row kept and the list goes on
// above (pages dropped, or a walk from the end): so in both directions,
// from either end. Not while a request is in flight or after one failed.
func (v *membersView) prefetch() tea.Cmd {
	if v.loading.running() || v.err != nil {
		return nil
	}
	t := v.active()
	if dir, ok := t.wanted(v.margin()); ok {
		return v.fetch(t, dir)
	}
	return nil
}

// Update handles pages and keys.
func (v *membersView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[membersPage]:
		if a, ok := v.loading.accept(msg); ok {
			return v.receive(a.value, a.err)
		}
		return nil // an answer nobody is waiting for any more
	case answer[int]:
		if a, ok := v.counting.accept(msg); ok && a.err == nil {
			// A count that failed changes nothing: the view goes on
			// without it, as before counts existed.
			v.all.setTotal(a.value)
		}
		return nil
	case tea.KeyPressMsg:
		if v.typing {
			return v.typingKey(msg)
		}
		return v.key(msg)
	case tea.PasteMsg:
		if v.typing {
			return v.updateInput(msg)
		}
	}
	return nil
}

// receive adds a page to the rows it was asked for, or keeps the error.
func (v *membersView) receive(msg membersPage, err error) tea.Cmd {
	if err != nil {
		v.err = err
		return nil
	}
	t := v.active()
	if msg.first { // the walk starts where its first page was read
		if err := t.pageWalk(msg.fromEnd).Visit(msg.url, 0); err != nil {
			v.err = err
			return nil
		}
	}
	switch msg.dir {
	case fetchNext:
		t.add(msg.rows, msg.num, msg.before, msg.after)
		t.trim(v.keep(), true)
	case fetchPrev:
		t.prepend(msg.rows, msg.num, msg.before, msg.after)
		t.trim(v.keep(), false)
	case fetchFirst:
		t.restart(msg.rows, msg.after)
	case fetchLast:
		t.restartFromEnd(msg.rows, msg.before)
	}
	t.reconcile()
	t.win.scroll(v.visibleRows())
	return v.prefetch()
}

// key handles a key on the table.
func (v *membersView) key(msg tea.KeyPressMsg) tea.Cmd {
	k, t := v.c.keys, v.active()
	switch {
	case key.Matches(msg, k.Back):
		return v.escape()
	case key.Matches(msg, k.Lookup):
		var leave tea.Cmd
		if v.filtering {
			leave = v.leaveLookup() // the whole list back, paging again
		}
		return tea.Batch(leave, v.startLookup())
	case key.Matches(msg, k.FilterLoaded):
		return tea.Batch(v.leaveLookup(), v.startFilter())
	case key.Matches(msg, k.Open):
		if r, ok := t.selected(); ok {
			return open(newProfileView(v.c, r.id))
		}
		return nil
	case key.Matches(msg, k.Retry) && v.err != nil:
		v.err = nil
		return v.prefetch()
	case key.Matches(msg, k.RowUp):
		t.win.moveBy(-1)
	case key.Matches(msg, k.RowDown):
		t.win.moveBy(1)
	case key.Matches(msg, k.PageUp):
		t.win.moveBy(-v.visibleRows())
	case key.Matches(msg, k.PageDown):
		t.win.moveBy(v.visibleRows())
	case key.Matches(msg, k.Top):
		return v.toTop(t)
	case key.Matches(msg, k.Bottom):
		return v.toBottom(t)
	default:
		return nil
	}
	t.win.scroll(v.visibleRows())
	return v.prefetch()
}

// toTop is home: the list's first member. When the rows kept do not
// start with it, they are dropped for the list's first page (the cursor
// on the first row kept until it comes). A jump to the end still on its
// way is abandoned either way.
func (v *membersView) toTop(t *memberRows) tea.Cmd {
	v.stop()
	t.win.toFirst()
	t.win.scroll(v.visibleRows())
	if !t.topKept() {
		return v.fetch(t, fetchFirst)
	}
	return v.prefetch()
}

// toBottom is end: the list's last member. With the list counted, when
// the rows kept do not end with it, they are dropped for the reversed
// order's first page, shown at the list's end (the cursor on the last row
// kept until it comes). Without a count the rows cannot be numbered from
// the end, so the cursor goes to the last row loaded and the next page is
// asked for, as before counts existed.
func (v *membersView) toBottom(t *memberRows) tea.Cmd {
	v.stop()
	t.win.toLast()
	t.win.scroll(v.visibleRows())
	if t.counted && !t.done() {
		return v.fetch(t, fetchLast)
	}
	return v.prefetch()
}

// escape is esc when the view holds it (EscIsMine): leave the lookup, or
// stop loading and go back.
func (v *membersView) escape() tea.Cmd {
	if v.found != nil {
		return v.leaveLookup()
	}
	v.stop()
	v.counting.cancel()
	return back
}

// typingKey handles a key while the lookup line is open: enter looks up,
// esc leaves lookup mode, the rest is typed.
func (v *membersView) typingKey(msg tea.KeyPressMsg) tea.Cmd {
	if v.filtering {
		return v.filterKey(msg)
	}
	switch {
	case key.Matches(msg, v.c.keys.Back):
		return v.leaveLookup()
	case key.Matches(msg, v.c.keys.Enter):
		return v.lookup()
	}
	return v.updateInput(msg)
}

// updateInput gives a message to the lookup line; an edit clears the
// refusal of what was there before.
func (v *membersView) updateInput(msg tea.Msg) tea.Cmd {
	before := v.input.Value()
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	if v.input.Value() != before {
		v.refusal = ""
	}
	return cmd
}

// lookup sends what was typed as an exact filter. Input that is neither an
// email address nor a valid phone number is refused, with the reason, and
// kept; an empty line leaves lookup mode.
func (v *membersView) lookup() tea.Cmd {
	q, why := v.lookupQuery(v.input.Value())
	switch {
	case why != "":
		v.refusal = why
		return nil
	case q.Email == "" && q.Phone == "":
		return v.leaveLookup()
	}
	v.stop()
	v.typing, v.refusal, v.err = false, "", nil
	v.input.Blur()
	v.found = &memberRows{query: q}
	return v.fetch(v.found, fetchNext)
}

// lookupQuery reads the lookup line: an email when it has an @, otherwise
// a phone number, sent in E.164. why says what is wrong with it.
func (v *membersView) lookupQuery(text string) (q client.MembersQuery, why string) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return q, ""
	case strings.Contains(text, "@"):
		e := model.AnalyzeEmail(text)
		if !e.Valid {
			return q, e.Reason
		}
		q.Email = e.Normalized
	default:
		a := v.c.rules.Analyze(text)
		if !a.Valid {
			return q, a.Reason
		}
		q.Phone = a.E164
	}
	return q, ""
}

// leaveLookup closes the lookup line and puts the whole list back, where
// the agent left it.
func (v *membersView) leaveLookup() tea.Cmd {
	v.typing, v.filtering, v.refusal = false, false, ""
	v.input.Blur()
	v.input.SetValue("")
	if v.found == nil {
		return nil
	}
	v.stop()
	v.found, v.err = nil, nil
	v.all.win.scroll(v.visibleRows())
	return v.prefetch()
}

// visibleRows is how many table rows fit under the lines around them.
func (v *membersView) visibleRows() int {
	chrome := 2 // the header and the position line
	if v.typing || v.found != nil {
		chrome++
	}
	if n := v.problem(); n != "" {
		chrome += strings.Count(v.wrapProblem(n), "\n") + 1
	}
	return max(v.height-chrome, 1)
}

// problem is what the agent must know is wrong: the refused lookup, or
// the failed request (sanitised), "" when nothing is.
func (v *membersView) problem() string {
	switch {
	case v.refusal != "":
		return "✗ " + v.refusal
	case v.err != nil:
		return "✗ " + model.SanitizeText(v.err.Error()) + " (r retries; the rows loaded are kept)"
	}
	return ""
}

// wrapProblem wraps a problem to the view's width.
func (v *membersView) wrapProblem(p string) string {
	return ansi.Wrap(p, max(v.width, 10), "")
}

// Title names the list and its opt-in process in the status line.
func (v *membersView) Title() string {
	return "members of " + model.SanitizeText(v.list.Name) + " (" + v.list.OptInName() + ")"
}

// Busy says what is loading, for the root's spinner.
func (v *membersView) Busy() string {
	switch {
	case !v.loading.running():
		return ""
	case v.found != nil:
		return "looking up"
	}
	return "loading members"
}

// EscIsMine: esc closes the lookup (line or answer) rather than the view,
// and while a page or the count loads it cancels them before going back.
func (v *membersView) EscIsMine() bool {
	return v.typing || v.found != nil || v.loading.running() || v.counting.running()
}

// CapturesText: while the lookup line is open, letters are typed.
func (v *membersView) CapturesText() bool { return v.typing }

// SetSize takes the body's size and keeps both cursors on screen.
func (v *membersView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.input.SetWidth(max(width-len(v.input.Prompt)-1, 10))
	v.all.win.scroll(v.visibleRows())
	if v.found != nil {
		v.found.win.scroll(v.visibleRows())
	}
}

// ShortHelp is the footer: the lookup line's keys while typing, the
// table's otherwise.
func (v *membersView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.typing:
		if v.filtering {
			return []key.Binding{relabel(k.Enter, "keep the filter"), v.c.keys.FullList, k.Quit}
		}
		return []key.Binding{v.c.keys.LookUp, v.c.keys.FullList, k.Quit}
	case v.err != nil:
		return []key.Binding{k.Retry, k.Down, k.Open, k.Lookup, v.esc(), k.Help}
	}
	return []key.Binding{k.Down, k.Up, k.Open, k.Lookup, v.esc(), k.Help}
}

// FullHelp is every key of the table.
func (v *membersView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.typing {
		return [][]key.Binding{{v.c.keys.LookUp, v.c.keys.FullList}, {k.Quit}}
	}
	last := []key.Binding{v.esc(), k.Help, k.Quit}
	if v.err != nil {
		last = append([]key.Binding{k.Retry}, last...)
	}
	return [][]key.Binding{{k.RowUp, k.RowDown, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Open, k.Lookup, k.FilterLoaded}, append([]key.Binding{k.LeaveView}, last...)}
}

// esc is what esc does now, for the help.
func (v *membersView) esc() key.Binding {
	if v.found != nil {
		return v.c.keys.FullList
	}
	return v.c.keys.Back
}
