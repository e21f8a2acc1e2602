package ui

import (
	"fmt"
	"testing"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// benchImportRows are n rows of a preview, built directly (no file, no
// look-ups), every fourth one held back with a reason.
func benchImportRows(n int) []importer.Row {
	rows := make([]importer.Row, n)
	for i := range rows {
		r := importer.Row{Line: i + 2, Email: fmt.Sprintf("row%d@sheet.example.com", i), Phone: fmt.Sprintf("+3863%07d", i), Verdict: importer.OK,
			Request: model.ConsentRequest{Channels: []model.Channel{model.EmailMarketing}}}
		if i%4 == 0 {
			r.Verdict, r.Detail = importer.SMSDropped, "Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded"
		}
		rows[i] = r
	}
	return rows
}

// benchImportView is an import view on the preview of rows, its cursor
// in the middle, at the members benchmarks' size.
func benchImportView(rows []importer.Row) *importView {
	v := newImportView(benchCommon())
	v.list = &newsletterList
	v.plan = importPlan{path: "bench.csv", sheet: &sheet.Sheet{Separator: ',', Columns: map[sheet.Column]int{sheet.Email: 0, sheet.Phone: 1}},
		rows: rows, counts: importer.Count(rows)}
	v.preview = newSheetTable(v.c, verdictRows(rows), verdictOrder(), "verdict", "")
	v.step = importPreview
	v.SetSize(benchWidth, benchHeight)
	v.preview.win.moveTo(len(rows) / 2)
	_ = v.View()
	return v
}

// newsletterList is the seeded single opt-in list, for benchmarks.
var newsletterList = newsletter()

// BenchmarkImportPreviewScroll is one cursor move on a 100,000-row
// preview, Update + View: only the rows on screen are drawn, so it costs
// what a move on a short sheet costs.
func BenchmarkImportPreviewScroll(b *testing.B) {
	v := benchImportView(benchImportRows(benchRows))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.Update(benchKey(i))
		_ = v.View()
	}
}
