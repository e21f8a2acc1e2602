package ui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/model"
)

// tone is how a sheet row's verdict or outcome is styled (never its only
// sign: the words say it too).
type tone int

// The tones of a sheet row.
const (
	toneGood tone = iota
	tonePending
	toneBad
	toneMuted
)

// sheetRow is one row of an import's table (the preview's verdicts, the
// report's outcomes) as shown: its cells sanitised once, when the table
// is built, so that a frame only cuts and pads the rows on screen.
type sheetRow struct {
	line int
	// kind is the verdict or outcome, for v's filter, which says it as
	// kindLabel; label is the row's own words for it.
	kind, kindLabel, label string
	// who is the row's email and phone as the sheet has them; detail
	// says why it has its verdict or outcome.
	who, detail string
	tone        tone
}

// sheetTable is the table of an import's rows with its cursor (window),
// v's filter by verdict or outcome, / filtering by text as History does,
// and the selected row's detail under it (enter shows it in full).
type sheetTable struct {
	c    *common
	rows []sheetRow
	// kinds are the verdicts or outcomes the rows have, in the order
	// they are counted; kind is the one v shows, -1 for every row.
	kinds  []string
	labels map[string]string
	kind   int
	filter historyFilter
	// matchKeys are what / matches in each row, folded, made on the
	// first use of the filter.
	matchKeys []string
	shown     []int
	win       window
	expanded  bool
	width     int
	// lineWidth and labelWidth are the widest line number and label.
	lineWidth, labelWidth int
	// kindHead names the label's column ("verdict", "outcome"); empty is
	// what the table says when it has no row at all.
	kindHead, empty string
	// ends are the rows' styles as made for a background (endsDark).
	ends     *rowStyles
	endsDark bool
	// drawn are rows as last drawn at this width and background, by
	// their index in rows.
	drawn map[int]string
}

// newSheetTable is the table of rows, whose kinds are counted in order.
func newSheetTable(c *common, rows []sheetRow, order []string, kindHead, empty string) *sheetTable {
	t := &sheetTable{c: c, rows: rows, kind: -1, labels: map[string]string{}, kindHead: kindHead, empty: empty,
		filter: newTextFilter(c, "email, phone, verdict, detail, line")}
	present := map[string]bool{}
	for _, r := range rows {
		present[r.kind] = true
		t.labels[r.kind] = r.kindLabel
		t.labelWidth = max(t.labelWidth, lipgloss.Width(r.label))
		t.lineWidth = max(t.lineWidth, len(strconv.Itoa(r.line)))
	}
	for _, k := range order {
		if present[k] {
			t.kinds = append(t.kinds, k)
		}
	}
	t.refilter()
	return t
}

// verdictRows are a preview's rows as a table shows them.
func verdictRows(rows []importer.Row) []sheetRow {
	out := make([]sheetRow, len(rows))
	for i, r := range rows {
		label := r.Verdict.Label()
		out[i] = sheetRow{line: r.Line, kind: string(r.Verdict), kindLabel: label, label: label, who: sheetWho(r.Email, r.Phone),
			detail: model.SanitizeText(r.Detail), tone: verdictTone(r)}
	}
	return out
}

// verdictOrder is importer.Verdicts as a table's kinds.
func verdictOrder() []string {
	out := make([]string, len(importer.Verdicts))
	for i, v := range importer.Verdicts {
		out[i] = string(v)
	}
	return out
}

// verdictTone is how a verdict is styled: sent as asked, sent in part,
// nothing to do, or held back.
func verdictTone(r importer.Row) tone {
	switch {
	case r.Verdict == importer.OK:
		return toneGood
	case r.Sends():
		return tonePending
	case r.Verdict == importer.AlreadySubscribed:
		return toneMuted
	}
	return toneBad
}

// sheetWho is a row's email and phone as the sheet has them, safe on a
// terminal.
func sheetWho(email, phone string) string {
	switch {
	case email != "" && phone != "":
		return model.SanitizeText(email + ", " + phone)
	case email != "":
		return model.SanitizeText(email)
	case phone != "":
		return model.SanitizeText(phone)
	}
	return "(no email or phone)"
}

// selected is the row under the cursor.
func (t *sheetTable) selected() (sheetRow, bool) {
	if t.win.cursor >= len(t.shown) {
		return sheetRow{}, false
	}
	return t.rows[t.shown[t.win.cursor]], true
}

// refilter recomputes the rows v's and /'s filters let through, keeping
// the cursor on the row it was on when it is still shown.
func (t *sheetTable) refilter() {
	keep := -1
	if len(t.shown) > 0 && t.win.cursor < len(t.shown) {
		keep = t.shown[t.win.cursor]
	}
	q := t.filter.query()
	if q != "" && t.matchKeys == nil {
		t.matchKeys = make([]string, len(t.rows))
		for i, r := range t.rows {
			t.matchKeys[i] = foldForMatch(strings.Join([]string{strconv.Itoa(r.line), r.label, r.who, r.detail}, "\x00"))
		}
	}
	t.shown = t.shown[:0]
	cursor := 0
	for i, r := range t.rows {
		if t.kind >= 0 && r.kind != t.kinds[t.kind] {
			continue
		}
		if q != "" && !strings.Contains(t.matchKeys[i], q) {
			continue
		}
		if i <= keep {
			cursor = len(t.shown)
		}
		t.shown = append(t.shown, i)
	}
	t.win.setCount(len(t.shown))
	t.win.moveTo(cursor)
}

// cycleKind shows the next verdict or outcome present, then every row.
func (t *sheetTable) cycleKind() {
	t.kind++
	if t.kind >= len(t.kinds) {
		t.kind = -1
	}
	t.refilter()
}

// typing reports whether the filter's line takes the keys.
func (t *sheetTable) typing() bool { return t.filter.typing }

// narrowed reports whether a filter hides rows (esc clears it).
func (t *sheetTable) narrowed() bool { return t.filter.active() || t.kind >= 0 }

// clear shows every row again.
func (t *sheetTable) clear() {
	t.filter.typing = false
	t.filter.input.Blur()
	t.filter.input.SetValue("")
	t.kind = -1
	t.refilter()
}

// key handles the table's keys: moves (page is the rows on screen), v,
// /, enter, esc clearing a filter; handled is false for the others.
func (t *sheetTable) key(msg tea.KeyPressMsg, page int) (cmd tea.Cmd, handled bool) {
	k := t.c.keys
	if t.filter.typing {
		switch {
		case key.Matches(msg, k.Back):
			t.clear()
		case key.Matches(msg, k.Enter):
			t.filter.typing = false
			t.filter.input.Blur()
		default:
			return t.filter.update(msg, t.refilter), true
		}
		return nil, true
	}
	switch {
	case key.Matches(msg, k.RowUp):
		t.win.moveBy(-1)
	case key.Matches(msg, k.RowDown):
		t.win.moveBy(1)
	case key.Matches(msg, k.PageUp):
		t.win.moveBy(-max(page, 1))
	case key.Matches(msg, k.PageDown):
		t.win.moveBy(max(page, 1))
	case key.Matches(msg, k.Top):
		t.win.toFirst()
	case key.Matches(msg, k.Bottom):
		t.win.toLast()
	case key.Matches(msg, k.VerdictFilter):
		t.cycleKind()
	case key.Matches(msg, k.Filter):
		t.filter.typing = true
		return t.filter.input.Focus(), true
	case key.Matches(msg, k.RowDetail):
		t.expanded = !t.expanded
	case key.Matches(msg, k.Back) && t.narrowed():
		t.clear()
	default:
		return nil, false
	}
	return nil, true
}

// setWidth sets the width the table renders to.
func (t *sheetTable) setWidth(width int) {
	if width != t.width {
		t.drawn = nil
	}
	t.width = width
	t.filter.input.SetWidth(max(width-len(t.filter.input.Prompt)-1, 10))
}

// view is the table in height lines at most: the filter's line, the
// column heads, the rows on screen and the selected row's detail. Only
// the rows on screen are drawn.
func (t *sheetTable) view(height int) string {
	s := t.c.styles
	var top []string
	if line := t.filterLine(); line != "" {
		top = append(top, line)
	}
	detail := t.detailView(height)
	rowsHigh := max(height-len(top)-1-lipgloss.Height(detail), 1)
	t.win.scroll(rowsHigh)
	start, end := t.win.span(rowsHigh)
	var b strings.Builder
	for _, l := range top {
		b.WriteString(l + "\n")
	}
	b.WriteString(s.Muted.Render(t.headLine()) + "\n")
	switch {
	case len(t.rows) == 0:
		return s.Muted.Render(wrap(t.empty, t.width))
	case len(t.shown) == 0:
		b.WriteString(s.Muted.Render("  no row matches: esc shows every row") + "\n")
	}
	if t.ends == nil || t.endsDark != t.c.styles.isDarkBG {
		t.ends, t.endsDark, t.drawn = t.newRowStyles(), t.c.styles.isDarkBG, nil
	}
	ends := t.ends
	for i := start; i < end; i++ {
		b.WriteString(t.cachedRow(t.shown[i], i == t.win.cursor, ends) + "\n")
	}
	b.WriteString(detail)
	return strings.TrimSuffix(b.String(), "\n")
}

// columns are the widths of the label and who columns at the table's
// width; detail is false when there is no room for a detail column.
func (t *sheetTable) columns() (label, who int, detail bool) {
	label = min(t.labelWidth, 22)
	if t.width >= 90 {
		label = min(t.labelWidth, 28)
	}
	rest := t.width - 2 - t.lineWidth - 1 - label - 1
	if rest < 12 {
		label = max(min(label, t.width/3), 4)
		rest = t.width - 2 - t.lineWidth - 1 - label - 1
	}
	who = min(32, max(rest, 0))
	detail = rest-who >= 12
	return label, who, detail
}

// headLine names the columns.
func (t *sheetTable) headLine() string {
	label, who, detail := t.columns()
	line := "  " + fmt.Sprintf("%*s", t.lineWidth, "#") + " " + padCut(t.kindHead, label) + " " + padCut("who", who)
	if detail {
		line += " detail"
	}
	return ansi.Truncate(line, t.width, "…")
}

// rowView is one row: marker, line, label, who and, when it fits,
// detail. It is on every frame's path for each row on screen: the styles'
// escape sequences are made once a frame (styleEnds), not per cell.
func (t *sheetTable) rowView(r sheetRow, selected bool, ends *rowStyles) string {
	label, who, detail := t.columns()
	var b strings.Builder
	b.Grow(t.width + 64)
	if selected {
		b.WriteString(ends.key[0] + "› " + ends.key[1])
	} else {
		b.WriteString("  ")
	}
	fmt.Fprintf(&b, "%*d ", t.lineWidth, r.line)
	tn := ends.tones[r.tone]
	b.WriteString(tn[0] + padCut(r.label, label) + tn[1] + " ")
	if selected {
		b.WriteString(ends.label[0] + padCut(r.who, who) + ends.label[1])
	} else {
		b.WriteString(padCut(r.who, who))
	}
	if room := t.width - 2 - t.lineWidth - 1 - label - 1 - who - 1; detail && r.detail != "" && room > 0 {
		b.WriteString(" " + ends.muted[0] + cutTo(r.detail, room) + ends.muted[1])
	}
	return b.String()
}

// rowCacheLimit bounds the rows kept drawn: a few screens' worth.
const rowCacheLimit = 1024

// cachedRow is row i drawn, as drawn before when it is not selected: a
// cursor move draws only the rows it changes.
func (t *sheetTable) cachedRow(i int, selected bool, ends *rowStyles) string {
	if selected {
		return t.rowView(t.rows[i], true, ends)
	}
	if line, ok := t.drawn[i]; ok {
		return line
	}
	if t.drawn == nil || len(t.drawn) >= rowCacheLimit {
		t.drawn = make(map[int]string, 64)
	}
	line := t.rowView(t.rows[i], false, ends)
	t.drawn[i] = line
	return line
}

// rowStyles are the escape sequences that open and close each style a
// row uses, made once a frame.
type rowStyles struct {
	key, label, muted [2]string
	tones             [4][2]string
}

// newRowStyles makes the table's row styles.
func (t *sheetTable) newRowStyles() *rowStyles {
	s := t.c.styles
	ends := &rowStyles{key: styleEnds(s.Key), label: styleEnds(s.Label), muted: styleEnds(s.Muted)}
	for tn := toneGood; tn <= toneMuted; tn++ {
		ends.tones[tn] = styleEnds(t.toneStyle(tn))
	}
	return ends
}

// styleEnds are the sequences style puts before and after a text.
func styleEnds(style lipgloss.Style) [2]string {
	open, close, _ := strings.Cut(style.Render("\x00"), "\x00")
	return [2]string{open, close}
}

// toneStyle is the style of a tone.
func (t *sheetTable) toneStyle(tn tone) lipgloss.Style {
	s := t.c.styles
	switch tn {
	case toneGood:
		return s.Good
	case tonePending:
		return s.Pending
	case toneBad:
		return s.Bad
	}
	return s.Muted
}

// detailView is the selected row in words, wrapped: two lines, or up to
// half the height once enter asked for it in full.
func (t *sheetTable) detailView(height int) string {
	r, ok := t.selected()
	if !ok {
		return ""
	}
	text := fmt.Sprintf("line %d · %s · %s", r.line, r.label, r.who)
	if r.detail != "" {
		text += ": " + r.detail
	}
	lines := max(min(2, height/4), 1)
	if t.expanded {
		lines = max(height/2, 1)
	}
	return t.c.styles.Muted.Render(firstLines(wrap(text, t.width), lines, t.width))
}

// filterLine is the filter's line while it is typed or narrows the rows,
// with v's verdict or outcome.
func (t *sheetTable) filterLine() string {
	s := t.c.styles
	var parts []string
	if t.kind >= 0 {
		parts = append(parts, "only "+t.labels[t.kinds[t.kind]]+" (v: next)")
	}
	switch {
	case t.filter.typing:
		if len(parts) == 0 {
			return t.filter.input.View()
		}
		return s.Muted.Render(strings.Join(parts, " · ")+" · ") + t.filter.input.View()
	case t.filter.active():
		parts = append(parts, "filter: "+model.SanitizeShort(t.filter.input.Value(), 40)+" (/ edits)")
	}
	if len(parts) == 0 {
		return ""
	}
	return s.Muted.Render(fmt.Sprintf("%d of %d rows · %s · esc shows all", len(t.shown), len(t.rows), strings.Join(parts, " · ")))
}

// padCut is s cut or padded to n cells.
func padCut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	s = cutTo(s, n)
	return s + strings.Repeat(" ", max(n-cellWidth(s), 0))
}

// cutTo is s cut to n cells, with an ellipsis when cut. Only the bytes
// that can be on screen are measured: a long detail costs what a short
// one does.
func cutTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head := s
	if limit := 4 * (n + 1); len(head) > limit {
		for limit > 0 && !utf8.RuneStart(head[limit]) {
			limit--
		}
		head = head[:limit]
	}
	if cellWidth(head) <= n {
		if len(head) == len(s) {
			return s
		}
		return ansi.Truncate(head+"…", n, "…")
	}
	return ansi.Truncate(head, n, "…")
}

// cellWidth is the cells s takes: its length when it is ASCII.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}
