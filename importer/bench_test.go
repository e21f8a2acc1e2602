package importer

import (
	"bytes"
	"testing"

	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/internal/sheetgen"
)

// BenchmarkImportVerdicts10k reads a 10,000-row sign-up sheet with the
// faults real ones have and gives every row its verdict from the file
// alone (Plan: no network). The budget is 1 s (DESIGN.md).
func BenchmarkImportVerdicts10k(b *testing.B) {
	var file bytes.Buffer
	if err := sheetgen.Write(&file, sheetgen.Options{Rows: 10_000, Separator: ';', BOM: true, CRLF: true}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		s, err := sheet.Read(bytes.NewReader(file.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		rows := Plan(s, Options{ListID: newsletter, Rules: rules})
		if len(rows) != 10_000 {
			b.Fatalf("%d rows", len(rows))
		}
	}
}

// BenchmarkSheetRead10k is the baseline beside BenchmarkImportVerdicts10k:
// the same sheet only read (encoding/csv, the separator sniffed, headers
// mapped), no verdict given.
func BenchmarkSheetRead10k(b *testing.B) {
	var file bytes.Buffer
	if err := sheetgen.Write(&file, sheetgen.Options{Rows: 10_000, Separator: ';', BOM: true, CRLF: true}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		s, err := sheet.Read(bytes.NewReader(file.Bytes()))
		if err != nil || len(s.Rows) != 10_000 {
			b.Fatal(len(s.Rows), err)
		}
	}
}
