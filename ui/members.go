package ui

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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

// memberRow is one member as the table shows it, computed once when its
// page arrives (sanitised text, the phone's region, the join date) so that
// rendering a frame never analyses or sanitises anything. It keeps only
// what is shown and the profile id: a few short strings and two bytes.
type memberRow struct {
	id     string
	email  string
	phone  string // E.164 as Klaviyo sent it, sanitised
	region string // "SI"; "PR?" when only likely; "?" when unknown
	joined string // "2006-01-02"
	// emailReason is why a suppressed email cannot receive, for a wide
	// consent column ("suppressed: hard bounce"); "" for the others.
	// emailReasonWidth is its width in cells: a byte, in the padding after
	// the two consents (a reason is at most a few dozen cells).
	emailReason string
	emailConsent,
	smsConsent memberConsent
	emailReasonWidth uint8
}

// newMemberRow turns one profile, a member of list listID, into a row. It
// runs in the command that fetched the page, off the UI's goroutine.
func newMemberRow(rules model.PhoneRules, listID string, p client.Profile) memberRow {
	email := p.Subscriptions.Channel(model.EmailMarketing)
	r := memberRow{
		id:           model.SanitizeText(p.ID),
		email:        model.SanitizeText(p.Email),
		phone:        model.SanitizeText(p.PhoneNumber),
		joined:       memberJoined(p.JoinedGroupAt),
		emailConsent: memberConsentOf(email, listID),
		smsConsent:   memberConsentOf(p.Subscriptions.Channel(model.SMSMarketing), listID),
	}
	if r.emailConsent == consentSuppressed {
		r.emailReason = email.SuppressionLabelOnList(listID)
		r.emailReasonWidth = uint8(min(memberTextWidth(r.emailReason), 255))
	}
	if r.phone != "" {
		r.region = memberRegion(rules.Analyze(r.phone))
	}
	return r
}

// newMemberRows turns a page of list listID's profiles into rows.
func newMemberRows(rules model.PhoneRules, listID string, profiles []client.Profile) []memberRow {
	rows := make([]memberRow, len(profiles))
	for i, p := range profiles {
		rows[i] = newMemberRow(rules, listID, p)
	}
	return rows
}

// memberRegion is the region a row shows for an analysed phone number.
func memberRegion(a model.PhoneAnalysis) string {
	switch {
	case a.Valid && a.Region != "":
		return a.Region
	case a.Likely != "":
		return a.Likely + "?"
	}
	return "?"
}

// memberJoined is the date part of Klaviyo's joined_group_at, copied so
// that the row does not keep the whole timestamp alive.
func memberJoined(at string) string {
	at = model.SanitizeText(at)
	if len(at) >= 10 && at[4] == '-' && at[7] == '-' {
		return strings.Clone(at[:10])
	}
	return at
}

// phoneWidth is the width of the row's phone cell, "+38631234567 SI".
func (r *memberRow) phoneWidth() int {
	if r.phone == "" {
		return 1
	}
	return memberTextWidth(r.phone) + 1 + memberTextWidth(r.region)
}

// memberPage is what the rows kept remember of one page: how many rows it
// brought and its links, so that a page dropped from either end of the
// window can be fetched again, and its number in the walk (0: the list's
// first page), so that a page fetched again is read as the same page.
type memberPage struct {
	n          int
	num        int
	prev, next string
}

// memberRows is one set of rows being paged through: the whole list, or
// the answer to a lookup. It keeps a window of whole pages (see trim), and
// knows its cursor and scroll offset, so that leaving a lookup puts the
// agent back where they were.
type memberRows struct {
	// query is the lookup's filter; zero for the whole list.
	query client.MembersQuery
	// rows is the window of rows kept, pages the pages they came in, in
	// order; first is the row number (from 0) in the list of rows[0].
	rows  []memberRow
	pages []memberPage
	first int
	// seen is how many rows of the list have been loaded: the furthest
	// row number reached, whether or not it is still kept.
	seen int
	// next is links.next of the last page kept; done is set when the last
	// page kept came without one (the list's end).
	next string
	done bool
	// cursor is the selected row and offset the first row on screen, both
	// indexes into rows.
	cursor, offset int
	// phoneWidth is the widest phone cell loaded so far, reasonWidth the
	// widest email suppression reason, smsWidth the widest SMS consent.
	phoneWidth, reasonWidth, smsWidth int
	// walk is every page read of these rows, by number: a link to a page
	// read as another, or past client.MaxMemberPages, is not followed.
	walk *client.PageWalk
}

// pageWalk is the rows' walk through pages, started on first use.
func (t *memberRows) pageWalk() *client.PageWalk {
	if t.walk == nil {
		t.walk = client.NewPageWalk("members", client.MaxMemberPages)
	}
	return t.walk
}

// around is which page a fetch in direction dir reads: its link ("" for
// the list's first page) and its number in the walk.
func (t *memberRows) around(dir memberFetch) (link string, num int) {
	switch {
	case dir == fetchNext && len(t.pages) > 0:
		return t.next, t.pages[len(t.pages)-1].num + 1
	case dir == fetchPrev && len(t.pages) > 0:
		return t.prev(), t.pages[0].num - 1
	}
	return "", 0
}

// add appends page num's rows after those kept.
func (t *memberRows) add(rows []memberRow, num int, prev, next string) {
	t.rows = append(t.rows, rows...)
	t.pages = append(t.pages, memberPage{n: len(rows), num: num, prev: prev, next: next})
	t.widen(rows)
	t.next, t.done = next, next == ""
	t.seen = max(t.seen, t.first+len(t.rows))
}

// prepend puts page num's rows before those kept, keeping the cursor and
// the screen on the same rows.
func (t *memberRows) prepend(rows []memberRow, num int, prev, next string) {
	t.rows = append(rows[:len(rows):len(rows)], t.rows...)
	t.pages = append([]memberPage{{n: len(rows), num: num, prev: prev, next: next}}, t.pages...)
	t.widen(rows)
	t.first = max(t.first-len(rows), 0)
	if prev == "" { // the list's first page, whatever was counted
		t.first = 0
	}
	t.cursor += len(rows)
	t.offset += len(rows)
	t.seen = max(t.seen, t.first+len(t.rows))
}

// restart replaces the rows kept with the list's first page.
func (t *memberRows) restart(rows []memberRow, next string) {
	clear(t.rows)
	t.rows, t.pages, t.first = t.rows[:0], t.pages[:0], 0
	t.cursor, t.offset = 0, 0
	t.add(rows, 0, "", next)
}

// widen grows the phone and consent columns for the rows of a new page.
func (t *memberRows) widen(rows []memberRow) {
	for i := range rows {
		t.phoneWidth = max(t.phoneWidth, rows[i].phoneWidth())
		t.reasonWidth = max(t.reasonWidth, int(rows[i].emailReasonWidth))
		t.smsWidth = max(t.smsWidth, len(rows[i].smsConsent.label()))
	}
}

// trim drops whole pages from the end away from the cursor (the front
// after an append, the back after a prepend) until at most keep pages are
// kept, never a page with the cursor or the screen's rows in it. A page
// dropped from the front is fetched again through the links.prev of the
// new first page, one from the back through the links.next of the new last
// page.
func (t *memberRows) trim(keep int, front bool) {
	for len(t.pages) > keep {
		if front {
			n := t.pages[0].n
			if min(t.cursor, t.offset) < n {
				return
			}
			k := copy(t.rows, t.rows[n:])
			clear(t.rows[k:]) // let the dropped rows' strings go
			t.rows = t.rows[:k]
			t.pages = append(t.pages[:0], t.pages[1:]...)
			t.first += n
			t.cursor -= n
			t.offset -= n
			continue
		}
		last := t.pages[len(t.pages)-1]
		k := len(t.rows) - last.n
		if t.cursor >= k || t.offset >= k {
			return
		}
		clear(t.rows[k:])
		t.rows = t.rows[:k]
		t.pages = t.pages[:len(t.pages)-1]
		t.next = t.pages[len(t.pages)-1].next
		t.done = t.next == ""
	}
}

// prev is links.prev of the first page kept: "" when it is the list's
// first page (or Klaviyo sent no link).
func (t *memberRows) prev() string {
	if len(t.pages) == 0 {
		return ""
	}
	return t.pages[0].prev
}

// dropped reports whether rows before those kept were loaded and dropped.
func (t *memberRows) dropped() bool { return t.first > 0 || t.prev() != "" }

// moveTo puts the cursor on row i, within the rows kept.
func (t *memberRows) moveTo(i int) {
	t.cursor = max(0, min(i, len(t.rows)-1))
}

// scroll moves the offset just enough for the cursor to be on screen.
func (t *memberRows) scroll(visible int) {
	t.offset, _ = t.window(visible)
}

// window is the rows on screen, [start, end): from the offset, moved just
// enough to show the cursor (the screen may have shrunk since the last
// scroll), and a screen's worth whatever the number of rows kept.
func (t *memberRows) window(visible int) (start, end int) {
	visible = max(visible, 1)
	start = min(t.offset, t.cursor)
	if t.cursor >= start+visible {
		start = t.cursor - visible + 1
	}
	start = max(0, min(start, len(t.rows)-visible))
	return start, min(start+visible, len(t.rows))
}

// nearEnd reports whether the cursor is within margin rows of the end of
// what is kept.
func (t *memberRows) nearEnd(margin int) bool {
	return t.cursor >= len(t.rows)-margin
}

// nearTop reports whether the cursor is within margin rows of the first
// row kept.
func (t *memberRows) nearTop(margin int) bool {
	return t.cursor < margin
}

// memberFetch is which page a request asks for.
type memberFetch uint8

const (
	fetchNext  memberFetch = iota // the page after those kept
	fetchPrev                     // the page before those kept
	fetchFirst                    // the list's first page, replacing those kept
)

// membersPageMsg is one page for the members view's request number seq:
// page num of the walk, read from url; first is set for the first page,
// whose URL the client made (every other page's came in a link).
type membersPageMsg struct {
	view       *membersView
	seq        int
	dir        memberFetch
	num        int
	first      bool
	url        string
	rows       []memberRow
	prev, next string
	err        error
}

// memberColumns are the widths of the table's columns for one width of
// the screen; joined is 0 when it does not fit.
type memberColumns struct {
	email, phone, emailConsent, sms, joined, gap int
}

// total is the width of a row: every cell is padded or cut to its column.
func (c memberColumns) total() int {
	w := memberMarkerWidth + c.email + c.phone + c.emailConsent + c.sms + 3*c.gap
	if c.joined > 0 {
		w += c.gap + c.joined
	}
	return w
}

// layoutMemberColumns gives the email column what the fixed ones leave:
// two spaces between columns if that leaves enough, else one, else the
// joined column goes. At tiny widths the lines are cut at the edge. phone,
// reason and sms are the widest phone cell, email suppression reason and
// SMS consent word loaded: the email consent column widens to the reasons
// when the email column keeps room for an address (wide windows).
func layoutMemberColumns(width, phone, reason, sms int) memberColumns {
	c := memberColumns{phone: phone, emailConsent: memberEmailConsentWidth, sms: max(sms, memberSMSConsentWidth), gap: 1}
	fixed := memberMarkerWidth + phone + c.emailConsent + c.sms
	for _, gap := range []int{2, 1} {
		if email := width - fixed - memberJoinedWidth - 4*gap; email >= memberMinEmailWidth {
			c.email, c.joined, c.gap = email, memberJoinedWidth, gap
			c.widenForReasons(reason)
			return c
		}
	}
	c.email = max(width-fixed-3, 8)
	return c
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
	// err is the last request's failure; loading stops until retried.
	err error
	// seq numbers requests; loading is the one in flight (0: none) and
	// cancel stops it.
	seq     int
	loading int
	cancel  context.CancelFunc
	width   int
	height  int
	// inks memoises the styles as escape sequences (see paint).
	inks *memberPaint
	// escFullList and lookupGo are the help of esc and enter in lookup
	// mode.
	escFullList key.Binding
	lookupGo    key.Binding
}

// newMembersView returns the members of list l; Init loads the first page.
func newMembersView(c *common, l client.List) *membersView {
	in := textinput.New()
	in.Prompt = "find: "
	in.Placeholder = "an exact email, or a phone number with +"
	in.CharLimit = membersLookupLimit
	in.SetStyles(c.styles.Input)
	return &membersView{
		c: c, list: l, input: in, keptPages: membersKeptPages,
		escFullList: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "full list")),
		lookupGo:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "look up")),
	}
}

// Init asks for the first page.
func (v *membersView) Init() tea.Cmd { return v.fetch(&v.all, fetchNext) }

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
func (v *membersView) fetch(t *memberRows, dir memberFetch) tea.Cmd {
	v.stop()
	q := t.query
	q.PageSize = membersPageSize
	link, num := t.around(dir)
	if link != "" {
		if err := t.pageWalk().Visit(link, num); err != nil {
			v.err = err
			return nil
		}
		if dir == fetchPrev {
			q.Prev = link
		} else {
			q.Next = link
		}
	}
	ctx, cancel := context.WithCancel(v.c.ctx)
	v.seq++
	v.loading, v.cancel = v.seq, cancel
	view, seq, cl, rules, listID := v, v.seq, v.c.client, v.c.rules, v.list.ID
	return func() tea.Msg {
		defer cancel()
		page, err := cl.Members(ctx, listID, q)
		if err != nil {
			return membersPageMsg{view: view, seq: seq, dir: dir, num: num, err: err}
		}
		return membersPageMsg{view: view, seq: seq, dir: dir, num: num, first: link == "", url: page.URL,
			rows: newMemberRows(rules, listID, page.Profiles), prev: page.Prev, next: page.Next}
	}
}

// stop cancels the request in flight, if any; its answer will be dropped.
func (v *membersView) stop() {
	if v.cancel != nil {
		v.cancel()
	}
	v.loading, v.cancel = 0, nil
}

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

// prefetch asks for the next page when the cursor nears the end of what
// is kept (or the window does, on a tall screen), or for the previous page
// when it nears the first row kept and earlier pages were dropped; not
// while a request is in flight or after one failed.
func (v *membersView) prefetch() tea.Cmd {
	t := v.active()
	if v.loading != 0 || v.err != nil {
		return nil
	}
	margin := v.margin()
	down := !t.done && t.nearEnd(margin)
	up := t.prev() != "" && t.nearTop(margin)
	switch {
	case down && up: // few rows kept: the nearer end first
		if t.cursor < len(t.rows)-t.cursor {
			return v.fetch(t, fetchPrev)
		}
		return v.fetch(t, fetchNext)
	case down:
		return v.fetch(t, fetchNext)
	case up:
		return v.fetch(t, fetchPrev)
	}
	return nil
}

// Update handles pages and keys.
func (v *membersView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case membersPageMsg:
		return v.receive(msg)
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

// receive adds a page to the rows it was asked for; an answer to a request
// that is no longer current is dropped.
func (v *membersView) receive(msg membersPageMsg) tea.Cmd {
	if v.loading == 0 || msg.seq != v.loading {
		return nil // an answer nobody is waiting for any more
	}
	v.loading, v.cancel = 0, nil
	if msg.err != nil {
		v.err = msg.err
		return nil
	}
	t := v.active()
	if msg.first { // the walk starts where the first page was read
		if err := t.pageWalk().Visit(msg.url, 0); err != nil {
			v.err = err
			return nil
		}
	}
	switch msg.dir {
	case fetchNext:
		t.add(msg.rows, msg.num, msg.prev, msg.next)
		t.trim(v.keep(), true)
	case fetchPrev:
		t.prepend(msg.rows, msg.num, msg.prev, msg.next)
		t.trim(v.keep(), false)
	case fetchFirst:
		t.restart(msg.rows, msg.next)
	}
	t.scroll(v.visibleRows())
	return v.prefetch()
}

// key handles a key on the table.
func (v *membersView) key(msg tea.KeyPressMsg) tea.Cmd {
	k, t := v.c.keys, v.active()
	switch {
	case key.Matches(msg, k.Back):
		return v.escape()
	case key.Matches(msg, k.Lookup):
		v.typing, v.refusal = true, ""
		return v.input.Focus()
	case key.Matches(msg, k.Open):
		if len(t.rows) == 0 {
			return nil
		}
		return open(newProfileView(v.c, t.rows[t.cursor].id))
	case key.Matches(msg, k.Retry) && v.err != nil:
		v.err = nil
		return v.prefetch()
	case key.Matches(msg, k.Up):
		t.moveTo(t.cursor - 1)
	case key.Matches(msg, k.Down):
		t.moveTo(t.cursor + 1)
	case key.Matches(msg, k.PageUp):
		t.moveTo(t.cursor - v.visibleRows())
	case key.Matches(msg, k.PageDown):
		t.moveTo(t.cursor + v.visibleRows())
	case key.Matches(msg, k.Top):
		t.moveTo(0)
		if t.dropped() { // start again from the list's first page
			t.scroll(v.visibleRows())
			return v.fetch(t, fetchFirst)
		}
	case key.Matches(msg, k.Bottom):
		t.moveTo(len(t.rows) - 1)
	default:
		return nil
	}
	t.scroll(v.visibleRows())
	return v.prefetch()
}

// escape is esc when the view holds it (EscIsMine): leave the lookup, or
// stop loading and go back.
func (v *membersView) escape() tea.Cmd {
	if v.found != nil {
		return v.leaveLookup()
	}
	v.stop()
	return back
}

// typingKey handles a key while the lookup line is open: enter looks up,
// esc leaves lookup mode, the rest is typed.
func (v *membersView) typingKey(msg tea.KeyPressMsg) tea.Cmd {
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
	case q == client.MembersQuery{}:
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
	v.typing, v.refusal = false, ""
	v.input.Blur()
	v.input.SetValue("")
	if v.found == nil {
		return nil
	}
	v.stop()
	v.found, v.err = nil, nil
	v.all.scroll(v.visibleRows())
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

// View renders the lookup line, the header, the rows on screen, the
// position line and any problem: work proportional to the screen, never
// to the rows loaded. Text is cut to the width before it is styled, and
// styled as whole lines, so a frame costs a handful of style renders.
func (v *membersView) View() string {
	s := v.c.styles
	t := v.active()
	visible := v.visibleRows()
	cols := layoutMemberColumns(v.width, min(max(t.phoneWidth, v.all.phoneWidth, memberMinPhoneWidth), memberMaxPhoneWidth),
		max(t.reasonWidth, v.all.reasonWidth), max(t.smsWidth, v.all.smsWidth))
	var b strings.Builder
	b.Grow((visible + 4) * (cols.total() + 48))
	if line := v.lookupLine(); line != "" {
		b.WriteString(line + "\n")
	}
	p := v.paint()
	p.label.write(&b, v.fit(v.headerLine(cols)))
	b.WriteByte('\n')
	start, end := t.window(visible)
	if start == end {
		p.muted.write(&b, v.fit(v.emptyText()))
		b.WriteByte('\n')
	}
	for i := start; i < end; i++ {
		if i == t.cursor {
			v.writeSelected(&b, &t.rows[i], cols, p)
		} else {
			v.writeRow(&b, &t.rows[i], cols, p)
		}
		b.WriteByte('\n')
	}
	p.muted.write(&b, v.fit(v.positionLine(start, end)))
	if problem := v.problem(); problem != "" {
		b.WriteString("\n" + s.Bad.Render(v.wrapProblem(problem)))
	}
	return b.String()
}

// fit cuts plain text at the view's width. Its length in bytes bounds its
// width on screen, so most lines are let through without measuring.
func (v *membersView) fit(line string) string {
	if len(line) <= v.width {
		return line
	}
	return ansi.Truncate(line, max(v.width, 1), "…")
}

// lookupLine is the lookup input while typing, what was looked up while
// its answer is shown, "" otherwise.
func (v *membersView) lookupLine() string {
	switch {
	case v.typing:
		return v.input.View()
	case v.found != nil:
		return v.c.styles.Label.Render(v.fit("lookup: " + v.describeQuery(v.found.query) + "  (esc: full list)"))
	}
	return ""
}

// describeQuery says what a lookup asked for.
func (v *membersView) describeQuery(q client.MembersQuery) string {
	if q.Email != "" {
		return "email " + model.SanitizeText(q.Email)
	}
	return "phone " + q.Phone
}

// emptyText is what shows instead of rows when there are none.
func (v *membersView) emptyText() string {
	t := v.active()
	switch {
	case v.loading != 0 || (!t.done && v.err == nil):
		return "  loading…"
	case v.found != nil:
		return "  no member of " + model.SanitizeText(v.list.Name) + " has " + v.describeQuery(t.query)
	}
	return "  this list has no members"
}

// headerLine names the columns.
func (v *membersView) headerLine(cols memberColumns) string {
	var b strings.Builder
	memberPad(&b, memberMarkerWidth)
	memberCell(&b, "email", cols.email, cols.gap)
	memberCell(&b, "phone", cols.phone, cols.gap)
	memberCell(&b, "email consent", cols.emailConsent, cols.gap)
	if cols.joined == 0 {
		b.WriteString("SMS consent")
		return b.String()
	}
	memberCell(&b, "SMS consent", cols.sms, cols.gap)
	b.WriteString("joined")
	return b.String()
}

// memberInk is a style as the escape sequences it puts around one line of
// plain text: writing them is the same as rendering the style, without
// lipgloss measuring the line again.
type memberInk struct{ before, after string }

// memberInkOf finds a style's escape sequences by rendering a probe.
func memberInkOf(st lipgloss.Style) memberInk {
	const probe = "x" // SGR sequences hold digits, ';', '[' and 'm' only
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return memberInk{}
	}
	return memberInk{before: r[:i], after: r[i+len(probe):]}
}

// write writes text in the ink.
func (k memberInk) write(b *strings.Builder, text string) {
	b.WriteString(k.before)
	b.WriteString(text)
	b.WriteString(k.after)
}

// memberPaint is the view's styles as inks, for one background.
type memberPaint struct {
	dark                   bool
	label, muted, key, bad memberInk
	consent                [memberConsentKinds]memberInk
}

// paint returns the view's inks, rendering the styles again only when the
// background (and so the styles) changed since the last frame.
func (v *membersView) paint() *memberPaint {
	s := v.c.styles
	if v.inks != nil && v.inks.dark == s.isDarkBG {
		return v.inks
	}
	p := &memberPaint{dark: s.isDarkBG, label: memberInkOf(s.Label), muted: memberInkOf(s.Muted),
		key: memberInkOf(s.Key), bad: memberInkOf(s.Bad)}
	p.consent[consentNever] = p.muted
	p.consent[consentSubscribed] = memberInkOf(s.Good)
	p.consent[consentUnsubscribed] = p.bad
	p.consent[consentOther] = p.muted
	p.consent[consentSuppressed] = p.bad
	p.consent[consentCannotReceive] = p.bad
	v.inks = p
	return p
}

// writeRow writes one row, with coloured consent words, straight into the
// frame. Rows are only cut at the edge when the columns do not fit.
func (v *membersView) writeRow(b *strings.Builder, r *memberRow, cols memberColumns, p *memberPaint) {
	if cols.total() > v.width {
		b.WriteString(v.fit(v.plainRow(r, cols)))
		return
	}
	v.writeCells(b, r, cols, p)
}

// writeSelected writes the cursor's row: marked, bold, without colours
// inside it.
func (v *membersView) writeSelected(b *strings.Builder, r *memberRow, cols memberColumns, p *memberPaint) {
	line := v.plainRow(r, cols)
	if cols.total() > v.width {
		line = v.fit(line)
	}
	if !strings.HasPrefix(line, " ") { // too narrow for the marker
		p.label.write(b, line)
		return
	}
	p.key.write(b, "›")
	p.label.write(b, line[1:])
}

// plainRow is a row without colours.
func (v *membersView) plainRow(r *memberRow, cols memberColumns) string {
	var b strings.Builder
	b.Grow(cols.total() + 8)
	v.writeCells(&b, r, cols, nil)
	return b.String()
}

// writeCells writes a row's cells, the consent words coloured when p is
// given.
func (v *membersView) writeCells(b *strings.Builder, r *memberRow, cols memberColumns, p *memberPaint) {
	memberPad(b, memberMarkerWidth)
	memberCell(b, cmp.Or(r.email, "—"), cols.email, cols.gap)
	v.writePhone(b, r, cols)
	words, w := r.emailCell(cols)
	memberConsentCell(b, words, w, r.emailConsent, cols.emailConsent, cols.gap, p)
	words = r.smsConsent.label()
	if cols.joined == 0 {
		memberConsentCell(b, words, len(words), r.smsConsent, 0, 0, p)
		return
	}
	memberConsentCell(b, words, len(words), r.smsConsent, cols.sms, cols.gap, p)
	b.WriteString(r.joined)
}

// writePhone writes the phone cell, "+38631234567 SI", or "—".
func (v *membersView) writePhone(b *strings.Builder, r *memberRow, cols memberColumns) {
	if r.phone == "" {
		memberCell(b, "—", cols.phone, cols.gap)
		return
	}
	w := r.phoneWidth()
	if w > cols.phone {
		memberCell(b, r.phone+" "+r.region, cols.phone, cols.gap)
		return
	}
	b.WriteString(r.phone)
	b.WriteByte(' ')
	b.WriteString(r.region)
	memberPad(b, cols.phone-w+cols.gap)
}

// memberCell writes s cut or padded to width, then gap spaces.
func memberCell(b *strings.Builder, s string, width, gap int) {
	w := memberTextWidth(s)
	switch {
	case w <= width:
	case width < 1:
		s, w = "", 0
	case w == len(s): // only ASCII is as wide as it is long: cut by bytes
		s, w = s[:width-1], width
		b.WriteString(s)
		b.WriteString("…")
		memberPad(b, gap)
		return
	default:
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	b.WriteString(s)
	memberPad(b, width-w+gap)
}

// memberBlanks is a run of spaces to pad cells from, without allocating.
const memberBlanks = "                                                                "

// memberPad writes n spaces.
func memberPad(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(memberBlanks))
		b.WriteString(memberBlanks[:k])
		n -= k
	}
}

// memberTextWidth is the display width of sanitised text: its length when
// it is ASCII, which nearly every email and phone number is.
func memberTextWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0x1b {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// positionLine says which rows of the list are on screen, how many have
// been loaded, how many of those are kept when some were dropped, and
// whether more are coming: "rows 101–120 of 4,210 loaded · …more", or
// "rows 95,001–95,020 · 3,000 kept of 95,100 loaded · …more".
func (v *membersView) positionLine(start, end int) string {
	t := v.active()
	var b strings.Builder
	if end > start {
		b.WriteString("rows " + memberCount(t.first+start+1) + "–" + memberCount(t.first+end))
		if len(t.rows) == t.seen {
			b.WriteString(" of ")
		} else {
			b.WriteString(" · ")
		}
	}
	if len(t.rows) != t.seen {
		b.WriteString(memberCount(len(t.rows)) + " kept of ")
	}
	b.WriteString(memberCount(t.seen) + " loaded · ")
	if t.done {
		b.WriteString("all loaded")
	} else {
		b.WriteString("…more")
	}
	return b.String()
}

// memberCount writes n with thousands separators: 4,210.
func memberCount(n int) string {
	digits := strconv.Itoa(n)
	if n < 0 || len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Title names the list and its opt-in process in the status line.
func (v *membersView) Title() string {
	return "members of " + model.SanitizeText(v.list.Name) + " (" + v.list.OptInName() + ")"
}

// Busy says what is loading, for the root's spinner.
func (v *membersView) Busy() string {
	switch {
	case v.loading == 0:
		return ""
	case v.found != nil:
		return "looking up"
	}
	return "loading members"
}

// EscIsMine: esc closes the lookup (line or answer) rather than the view,
// and while a page loads it cancels the request before going back.
func (v *membersView) EscIsMine() bool { return v.typing || v.found != nil || v.loading != 0 }

// CapturesText: while the lookup line is open, letters are typed.
func (v *membersView) CapturesText() bool { return v.typing }

// SetSize takes the body's size and keeps both cursors on screen.
func (v *membersView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.input.SetWidth(max(width-len(v.input.Prompt)-1, 10))
	v.all.scroll(v.visibleRows())
	if v.found != nil {
		v.found.scroll(v.visibleRows())
	}
}

// ShortHelp is the footer: the lookup line's keys while typing, the
// table's otherwise.
func (v *membersView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.typing:
		return []key.Binding{v.lookupGo, v.escFullList, k.Quit}
	case v.err != nil:
		return []key.Binding{k.Retry, k.Down, k.Open, k.Lookup, v.esc(), k.Help}
	}
	return []key.Binding{k.Down, k.Up, k.Open, k.Lookup, v.esc(), k.Help}
}

// FullHelp is every key of the table.
func (v *membersView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.typing {
		return [][]key.Binding{{v.lookupGo, v.escFullList}, {k.Quit}}
	}
	last := []key.Binding{v.esc(), k.Help, k.Quit}
	if v.err != nil {
		last = append([]key.Binding{k.Retry}, last...)
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Open, k.Lookup}, last}
}

// esc is what esc does now, for the help.
func (v *membersView) esc() key.Binding {
	if v.found != nil {
		return v.escFullList
	}
	return v.c.keys.Back
}
