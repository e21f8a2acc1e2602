package cli

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// TestExportCSVIsSafeInASpreadsheet: the export is oldest first; a number
// in E.164 keeps its +, and a cell a spreadsheet would run as a formula
// (a dismissal's note, say) is quoted.
func TestExportCSVIsSafeInASpreadsheet(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	entries := []journal.Entry{ // newest first, as a journal reads
		{ID: "2", At: at.Add(time.Hour), Agent: "ben", Action: journal.ActionSubscribe, State: journal.StateDismissed, Note: "=HYPERLINK(\"http://x\")",
			Request: model.ConsentRequest{Email: "b@example.com", Channels: []model.Channel{model.EmailMarketing}}},
		{ID: "1", At: at, Updated: at, Agent: "ana", Action: journal.ActionSubscribe, State: journal.StateVerified,
			Request: model.ConsentRequest{Phone: "+12015550123", Channels: []model.Channel{model.SMSMarketing}}},
	}
	var buf bytes.Buffer
	if err := writeExportCSV(&buf, entries); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	if rows[1][col["id"]] != "1" || rows[1][col["phone"]] != "+12015550123" || rows[1][col["verified_at"]] != "2026-12-01T09:00:00Z" {
		t.Errorf("first row = %v", rows[1])
	}
	if got := rows[2][col["note"]]; got != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("note = %q, want it quoted", got)
	}
}
