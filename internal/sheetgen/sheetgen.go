// Package sheetgen writes synthetic sign-up sheets shaped like the ones
// people really produce, for tests and benchmarks of batch import: the
// separators, headers and cell spellings of internal/sheet, with, unless
// Clean, the faults a real sheet has (Slovenian and Puerto Rican numbers,
// landlines, Excel-mangled numbers, typos, duplicates, blank lines).
// Deterministic: the same Options write the same file.
package sheetgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// Options shape a generated sheet.
type Options struct {
	// Rows is how many people the sheet has.
	Rows int
	// Separator is ',', ';' or '\t' (0: ',').
	Separator rune
	// Seed makes another sheet of the same shape.
	Seed uint64
	// Clean writes only rows that import as they are: a unique email, a
	// US mobile number, email and SMS consent.
	Clean bool
	// Domain is the email domain (default example.com), so that sheets
	// written for different tests do not share people.
	Domain string
	// BOM and CRLF write Excel's byte-order mark and line ends.
	BOM, CRLF bool
	// Dated adds a consented_at column (2025 dates).
	Dated bool
}

// Write writes the sheet.
func Write(w io.Writer, o Options) error {
	sep := o.Separator
	if sep == 0 {
		sep = ','
	}
	domain := o.Domain
	if domain == "" {
		domain = "example.com"
	}
	eol := "\n"
	if o.CRLF {
		eol = "\r\n"
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if o.BOM {
		bw.WriteString("\ufeff")
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	header := []string{"Email Address", "Mobile", "Email consent", "SMS consent", "Country", "First name"}
	if o.Dated {
		header = append(header, "Consent date")
	}
	writeRow(bw, sep, header, eol)
	for i := 0; i < o.Rows; i++ {
		email := fmt.Sprintf("person.%07d@%s", i, domain)
		phone := usMobile(i)
		emailYes, smsYes, country := "yes", "yes", ""
		if !o.Clean {
			emailYes = []string{"yes", "Yes", "x", "1", "true", "no"}[rng.IntN(6)]
			smsYes = []string{"yes", "no", "", "X", "0"}[rng.IntN(5)]
			switch n := rng.IntN(100); {
			case n < 5:
				phone, country = fmt.Sprintf("031 %03d %03d", i%1000, (i/1000)%1000), "Slovenia"
			case n < 8:
				phone = fmt.Sprintf("+1 787 %03d %04d", 200+i%700, i%10000)
			case n < 10:
				phone = fmt.Sprintf("4.47911E+%d", 11)
			case n < 12:
				phone = "'" + phone
			case n < 14:
				email = fmt.Sprintf("person.%07d@%s", i, "gmial.com")
			case n < 16:
				email = fmt.Sprintf("person.%07d@", i)
			case n < 18 && i > 0:
				email = fmt.Sprintf("person.%07d@%s", rng.IntN(i), domain) // a duplicate
			case n < 25:
				phone = ""
			}
			if rng.IntN(200) == 0 {
				bw.WriteString(eol) // a blank line
			}
		}
		row := []string{email, phone, emailYes, smsYes, country, fmt.Sprintf("Person %d", i)}
		if o.Dated {
			row = append(row, fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28))
		}
		writeRow(bw, sep, row, eol)
	}
	return bw.Flush()
}

// usMobile is a distinct valid US number for each i below 8,000,000:
// area codes 201, 312, 415, 617, exchanges 200-999.
func usMobile(i int) string {
	areas := []int{201, 312, 415, 617}
	area := areas[i%len(areas)]
	n := i / len(areas)
	return fmt.Sprintf("+1 %d %03d %04d", area, 200+(n/10000)%800, n%10000)
}

func writeRow(w *bufio.Writer, sep rune, cells []string, eol string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteRune(sep)
		}
		w.WriteString(c)
	}
	w.WriteString(eol)
}
