package ui

import (
	"cmp"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// memberColumns are the widths of the table's columns for one width of
// the screen; joined is 0 when it does not fit.
type memberColumns struct {
	name, email, phone, emailConsent, sms, joined, gap int
}

// total is the width of a row: every cell is padded or cut to its column.
func (c memberColumns) total() int {
	w := memberMarkerWidth + c.email + c.phone + c.emailConsent + c.sms + 3*c.gap
	if c.joined > 0 {
		w += c.gap + c.joined
	}
	if c.name > 0 {
		w += c.name + c.gap
	}
	return w
}

// Widths of the name column, shown in wide windows: it takes what the email
// column does not need, between its least and its most.
const (
	memberMinNameWidth = 12
	memberMaxNameWidth = 32
	// memberWideEmail is as wide as the email column stays whole before a
	// name column takes what is left.
	memberWideEmail = 36
)

// shareWithNames gives a name column, in front of the email column, the
// width the email column does not need when the window is wide: the
// email column keeps its widest address (emailWidth, up to
// memberWideEmail, at least memberMinEmailWidth), the name column takes up
// to its widest name (nameWidth) or memberMaxNameWidth, and the email column
// then grows no wider than its widest address, leaving the rest of a very
// wide window blank at the right rather than inside one column.
func (c *memberColumns) shareWithNames(emailWidth, nameWidth int) {
	if c.joined == 0 {
		return
	}
	keep := max(min(emailWidth, memberWideEmail), memberMinEmailWidth)
	if c.emailConsent > memberEmailConsentWidth {
		keep = max(keep, memberReasonEmailWidth) // widened for reasons: see widenForReasons
	}
	if room := c.email - keep - c.gap; nameWidth > 0 && room >= memberMinNameWidth {
		c.name = min(room, max(nameWidth, len("name")), memberMaxNameWidth)
		c.email -= c.name + c.gap
	}
	c.email = min(c.email, max(emailWidth, keep)) // only ever narrower
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
	cols.shareWithNames(max(t.emailWidth, v.all.emailWidth), max(t.nameWidth, v.all.nameWidth))
	var b strings.Builder
	b.Grow((visible + 4) * (cols.total() + 48))
	if line := v.lookupLine(); line != "" {
		b.WriteString(line + "\n")
	}
	p := v.paint()
	p.label.write(&b, v.fit(v.headerLine(cols)))
	b.WriteByte('\n')
	start, end := t.win.span(visible)
	if start == end {
		p.muted.write(&b, v.fit(v.emptyText()))
		b.WriteByte('\n')
	}
	for i := start; i < end; i++ {
		if i == t.win.cursor {
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
	case v.found != nil && v.filtering:
		return v.c.styles.Label.Render(v.fit(v.filterLine()))
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
	case v.loading.running() || (!t.done() && v.err == nil):
		return "  loading…"
	case v.found != nil && v.filtering:
		return "  no row loaded matches: / looks up a whole email or +number in the whole list"
	case v.found != nil:
		return "  no member of " + model.SanitizeText(v.list.Name) + " has " + v.describeQuery(t.query)
	}
	return "  this list has no members"
}

// headerLine names the columns.
func (v *membersView) headerLine(cols memberColumns) string {
	var b strings.Builder
	memberPad(&b, memberMarkerWidth)
	if cols.name > 0 {
		memberCell(&b, "name", cols.name, cols.gap)
	}
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
	if cols.name > 0 {
		memberCell(b, cmp.Or(r.name, "—"), cols.name, cols.gap)
	}
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

// positionLine says which rows of the list are on screen. With the list
// counted: "rows 99,981–100,000 of 100,000". Without (the count failed, has
// not come, or the list changed since it was counted), how many rows have
// been loaded, how many of those are kept when some were dropped, and
// whether more are coming: "rows 101–120 of 4,210 loaded · …more", or
// "rows 95,001–95,020 · 3,000 kept of 95,100 loaded · …more"; from the end,
// the rows are numbered from the last member: "rows 120–101 from the end".
func (v *membersView) positionLine(start, end int) string {
	t := v.active()
	first, numbered := t.start()
	if t.counted && numbered {
		if end > start {
			return "rows " + memberCount(first+start+1) + "–" + memberCount(first+end) + " of " + memberCount(t.total)
		}
		return memberCount(t.total) + " members"
	}
	var b strings.Builder
	if end > start {
		if numbered {
			b.WriteString("rows " + memberCount(first+start+1) + "–" + memberCount(first+end))
		} else { // from the end: the last row kept is t.after+1 from it
			n := t.after + len(t.rows)
			b.WriteString("rows " + memberCount(n-start) + "–" + memberCount(n-end+1) + " from the end")
		}
		if len(t.rows) == t.seen && numbered {
			b.WriteString(" of ")
		} else {
			b.WriteString(" · ")
		}
	}
	if len(t.rows) != t.seen {
		b.WriteString(memberCount(len(t.rows)) + " kept of ")
	}
	b.WriteString(memberCount(t.seen) + " loaded · ")
	if v.filtering && t == v.found {
		b.WriteString("matching the filter") // of the rows loaded: the list may have more
	} else if (!t.fromEnd && t.done()) || (t.fromEnd && t.topKept()) {
		b.WriteString("all loaded")
	} else {
		b.WriteString("…more")
	}
	return b.String()
}

// memberCount writes n with thousands separators: 4,210 (present.Count).
func memberCount(n int) string { return present.Count(n) }
