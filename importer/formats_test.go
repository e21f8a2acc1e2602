package importer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentdesk/consent/internal/sheet"
)

// TestEveryFormatOfTheTestdata reads each real-world-shaped sheet of
// internal/sheet/testdata (comma, semicolon with BOM and CRLF, tab, quoted
// newlines, blank lines and reordered headers, an Excel export with
// national numbers, a mangled one and day-first dates) and gives every row
// a verdict: the same people get the same verdicts whatever the format.
func TestEveryFormatOfTheTestdata(t *testing.T) {
	dir := filepath.Join("..", "internal", "sheet", "testdata")
	for _, tc := range []struct {
		file string
		want map[string]Verdict // by email
	}{
		{"comma.csv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": OK}},
		{"semicolon-bom-crlf.csv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": OK}},
		{"tab.tsv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": OK}},
		{"quoted-newlines.csv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": OK}},
		{"blank-lines-reordered.csv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": OK}},
		{"excel-export-dmy.csv", map[string]Verdict{"ana.novak@example.si": SMSDropped, "jo.smith@example.com": SMSDropped,
			"sam.lee@example.com": OK, "mia.wong@gmial.com": MissingConsentDate, "luis@example.com": SMSDropped}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := sheet.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			_, dated := s.Columns[sheet.ConsentedAt]
			rows := Plan(s, Options{ListID: newsletter, Rules: rules, BackDated: dated, DateLayout: DateFormats["DD/MM/YYYY"],
				Location: time.UTC, Now: func() time.Time { return time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) }})
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d", len(rows), len(tc.want))
			}
			for _, r := range rows {
				if want, ok := tc.want[r.Email]; !ok || r.Verdict != want {
					t.Errorf("line %d %s: %s (%s), want %s", r.Line, r.Email, r.Verdict, r.Detail, want)
				}
			}
		})
	}
}

// TestNationalNumbersReadInTheRowsCountry: 07400 123456 in a GB row is
// +44 7400 123456, and 787 555 0100 in a Puerto Rico row is Puerto Rican
// (so its SMS is dropped).
func TestNationalNumbersReadInTheRowsCountry(t *testing.T) {
	s, err := sheet.Read(openTestdata(t, "excel-export-dmy.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := Plan(s, Options{ListID: newsletter, Rules: rules})
	for _, r := range rows {
		switch r.Email {
		case "sam.lee@example.com":
			if r.Request.Phone != "+447400123456" {
				t.Errorf("sam's number = %q, want +447400123456", r.Request.Phone)
			}
		case "luis@example.com":
			a := rules.Analyze("+17875550100")
			if r.Request.Phone != "" || a.Region != "PR" {
				t.Errorf("luis: phone %q sent; +1 787 is %s", r.Request.Phone, a.Region)
			}
		}
	}
}

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "internal", "sheet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
