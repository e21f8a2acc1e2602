package sheetgen

import (
	"bytes"
	"testing"

	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// TestCleanSheetsImportAsTheyAre: every row of a clean sheet reads, with a
// valid, SMS-eligible number of its own.
func TestCleanSheetsImportAsTheyAre(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Options{Rows: 2000, Separator: ';', Clean: true, BOM: true, CRLF: true}); err != nil {
		t.Fatal(err)
	}
	s, err := sheet.Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 2000 || s.Separator != ';' {
		t.Fatalf("%d rows, separator %q", len(s.Rows), s.Separator)
	}
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	seen := map[string]bool{}
	for _, r := range s.Rows {
		a := rules.Analyze(s.Get(r, sheet.Phone))
		if !a.SMSEligible || seen[a.E164] {
			t.Fatalf("line %d: %q eligible %v, seen %v (%s)", r.Line, s.Get(r, sheet.Phone), a.SMSEligible, seen[a.E164], a.Reason)
		}
		seen[a.E164] = true
	}
}

// TestSheetsAreDeterministic: the same options write the same bytes.
func TestSheetsAreDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	_ = Write(&a, Options{Rows: 500, Seed: 7})
	_ = Write(&b, Options{Rows: 500, Seed: 7})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two sheets of the same options differ")
	}
}
