package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// View is the step's screen.
func (v *importView) View() string {
	switch v.step {
	case importPreview:
		head, foot := v.previewHead(), v.previewFoot()
		return joinScreen(head, v.preview.view(v.tableRoom(head, foot)), foot)
	case importSending:
		return v.sendingView()
	case importReport:
		head := v.reportHead()
		return joinScreen(head, v.results.view(v.tableRoom(head, nil)), nil)
	}
	return v.vp.render(v.chooseBody(), v.height, v.c.styles)
}

// joinScreen is the lines above a table, the table, and the lines under.
func joinScreen(head []string, table string, foot []string) string {
	parts := append(append([]string{}, head...), table)
	return strings.Join(append(parts, foot...), "\n")
}

// tableRoom is the lines left for the table between head and foot; the
// head gives way (its last lines first) so that the table keeps three.
func (v *importView) tableRoom(head, foot []string) int {
	return max(v.height-len(head)-len(foot), 3)
}

// tableHeight is the rows a page moves: the table's lines less its head
// and detail.
func (v *importView) tableHeight() int {
	switch v.step {
	case importPreview:
		return max(v.tableRoom(v.previewHead(), v.previewFoot())-3, 1)
	case importReport:
		return max(v.tableRoom(v.reportHead(), nil)-3, 1)
	}
	return 1
}

// previewHead is the lines above the preview's table: the file, its
// separator, columns and list; the counts by verdict; for a back-dated
// sheet, what that does and the historical import's warnings. In a short
// window it is cut to a third of the height.
func (v *importView) previewHead() []string {
	key := [3]int{v.width, v.height, boolInt(v.c.styles.isDarkBG)}
	if v.headLines != nil && v.headKey == key {
		return v.headLines
	}
	v.headLines, v.headKey = v.renderPreviewHead(), key
	return v.headLines
}

// renderPreviewHead makes previewHead's lines.
func (v *importView) renderPreviewHead() []string {
	s := v.c.styles
	p := v.plan
	var out []string
	add := func(style func(...string) string, text string) { out = addWrapped(out, style, text, v.width) }
	add(s.Label.Render, sheetLine(p, v.listName(v.listID())))
	var parts []string
	for _, verdict := range importer.Verdicts {
		if n := p.counts.By[verdict]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, verdict.Label()))
		}
	}
	parts = append(parts, fmt.Sprintf("%d to send", p.counts.Sends))
	add(fmtPlain, strings.Join(parts, " · "))
	if p.backDated {
		add(s.Pending.Render, "The sheet has a consented_at column: each row is sent as a historical import with its own date. Nothing else of a back-date can be given here (consent import --consented-at, --collected-by, --evidence can).")
		for _, w := range present.BackDateWarnings(v.list) {
			add(s.Pending.Render, "⚠ "+w)
		}
	}
	if limit := max(v.height/3, 1); len(out) > limit {
		out = append(out[:limit-1], s.Muted.Render(ellipsis(out[limit-1], v.width)))
	}
	return out
}

// ellipsis is a line marked as cut, within width.
func ellipsis(line string, width int) string {
	return firstLines(line+"\n…", 1, width)
}

// sheetLine says what the sheet is: its name, rows, separator, columns
// and the columns not read, and the list.
func sheetLine(p importPlan, list string) string {
	sep := map[rune]string{',': "comma", ';': "semicolon", '\t': "tab"}[p.sheet.Separator]
	var cols []string
	for _, c := range sheet.Columns {
		if _, ok := p.sheet.Columns[c]; ok {
			cols = append(cols, string(c))
		}
	}
	line := fmt.Sprintf("%s: %d %s · %s-separated · columns %s", model.SanitizeText(importer.Name(p.path)), p.counts.Rows,
		present.Plural(p.counts.Rows, "row", "rows"), sep, strings.Join(cols, ", "))
	if len(p.sheet.Ignored) > 0 {
		line += " · not read: " + model.SanitizeText(strings.Join(p.sheet.Ignored, ", "))
	}
	return line + " → list " + list
}

// previewFoot is the line under the preview: the send question, the
// notice, or the action.
func (v *importView) previewFoot() []string {
	s := v.c.styles
	var text string
	switch {
	case v.asking == askSend:
		text = s.Pending.Render(wrap(v.sendQuestion(), v.width))
	case v.notice != "":
		style := s.Pending
		if v.problem {
			style = s.Bad
		}
		text = style.Render(wrap(v.notice, v.width))
	case v.plan.counts.Sends > 0:
		text = s.Key.Render(fmt.Sprintf("[ Import %d %s ]", v.plan.counts.Sends, present.Plural(v.plan.counts.Sends, "row", "rows"))) + s.Muted.Render("  ctrl+s")
	default:
		text = s.Muted.Render("No row can be sent.")
	}
	return strings.Split(text, "\n")
}

// ShortHelp is the footer: the step's keys.
func (v *importView) ShortHelp() []key.Binding {
	k := v.c.keys
	if v.asking != askNothing {
		return []key.Binding{k.Yes, k.AnyOtherKeyNo}
	}
	if t := v.table(); t != nil && t.typing() {
		return []key.Binding{relabel(k.Enter, "keep the filter"), relabel(k.Back, "clear it")}
	}
	switch {
	case v.reading.running():
		return []key.Binding{relabel(k.Cancel, "stop reading")}
	case v.step == importSending:
		return []key.Binding{k.StopImport}
	case v.step == importPreview:
		return []key.Binding{k.SendImport, k.VerdictFilter, k.Filter, k.ExportCSV, k.RowDetail, k.Back, k.Help}
	case v.step == importReport:
		keys := []key.Binding{k.NewImport, relabel(k.VerdictFilter, "outcome"), k.Filter, k.ExportCSV}
		if v.runErr != nil {
			keys = append([]key.Binding{k.ResumeImport}, keys...)
		}
		return append(keys, k.Back, k.Help)
	case v.focus == fieldImportResume:
		return []key.Binding{k.ResumeImport, k.Next, k.Back, k.Help}
	case v.focus == fieldImportList:
		return []key.Binding{k.PickList, k.Next, relabel(k.Submit, "read"), k.Back, k.Help}
	case importChannel[v.focus] != "":
		return []key.Binding{k.Toggle, k.Next, relabel(k.Submit, "read"), k.Back, k.Help}
	}
	return []key.Binding{relabel(k.Enter, "read the sheet"), k.Next, k.Back, k.Help}
}

// FullHelp is every key the view answers to now.
func (v *importView) FullHelp() [][]key.Binding {
	k := v.c.keys
	switch {
	case v.asking != askNothing || v.reading.running() || v.step == importSending:
		return [][]key.Binding{v.ShortHelp(), {k.Quit}}
	case v.step == importPreview:
		return [][]key.Binding{{k.RowUp, k.RowDown, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.VerdictFilter, k.Filter, k.RowDetail, k.ExportCSV, k.SendImport}, {k.Back, k.Help, k.Quit}}
	case v.step == importReport:
		return [][]key.Binding{{k.RowUp, k.RowDown, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.VerdictFilter, k.Filter, k.RowDetail, k.ExportCSV, k.NewImport, k.ResumeImport}, {k.Back, k.Help, k.Quit}}
	}
	return [][]key.Binding{{k.Next, k.Prev, k.Toggle}, {relabel(k.Enter, "read / pick / toggle"), relabel(k.Submit, "read the sheet"), k.ResumeImport},
		{k.Back, k.Quit}}
}
