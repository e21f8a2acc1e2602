package sheet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadSheetsAsPeopleWriteThem reads the files under testdata, one per
// shape a sign-up sheet comes in, and expects the same two people from
// each, with their lines.
func TestReadSheetsAsPeopleWriteThem(t *testing.T) {
	tests := []struct {
		file      string
		separator rune
		lines     []int
	}{
		{"comma.csv", ',', []int{2, 3}},
		{"semicolon-bom-crlf.csv", ';', []int{2, 3}},
		{"tab.tsv", '\t', []int{2, 3}},
		{"quoted-newlines.csv", ',', []int{2, 5}},
		{"blank-lines-reordered.csv", ';', []int{3, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if s.Separator != tt.separator {
				t.Errorf("separator %q, want %q", s.Separator, tt.separator)
			}
			if len(s.Rows) != 2 {
				t.Fatalf("%d rows: %+v", len(s.Rows), s.Rows)
			}
			for i, want := range []struct{ email, phone, emailOK, smsOK string }{
				{"ana.novak@example.si", "+386 31 234 567", "yes", "yes"},
				{"jo.smith@example.com", "'+1 201 555 0123", "x", ""},
			} {
				r := s.Rows[i]
				if r.Line != tt.lines[i] {
					t.Errorf("row %d on line %d, want %d", i, r.Line, tt.lines[i])
				}
				got := []string{s.Get(r, Email), s.Get(r, Phone), s.Get(r, EmailConsent), s.Get(r, SMSConsent)}
				if got[0] != want.email || got[1] != want.phone || !strings.EqualFold(got[2], want.emailOK) || !strings.EqualFold(got[3], want.smsOK) {
					t.Errorf("row %d = %q", i, got)
				}
			}
		})
	}
}

// TestReadRefusesWhatItCannotRead: every refusal names the line.
func TestReadRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		want     string
	}{
		{"empty", "", 0, "the file is empty"},
		{"no email or phone", "name,city\nAna,Ljubljana\n", 1, "no email or phone column in the header (name, city)"},
		{"two email columns", "Email,E-mail\na@example.com,b@example.com\n", 1, `two columns are read as email: "Email" and "E-mail"`},
		{"unclosed quote", "email,phone\n\"a@example.com,+1\n", 2, "quote"},
		{"huge field", "email\n" + strings.Repeat("a", MaxFieldBytes+1) + "\n", 2, "over the 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			var se *Error
			if !errors.As(err, &se) || se.Line != tt.line || !strings.Contains(se.Msg, tt.want) {
				t.Fatalf("err = %v, want line %d and %q", err, tt.line, tt.want)
			}
		})
	}
}

// TestHeadersInTheirCommonSpellings maps each spelling to its column and
// keeps the ones it does not know.
func TestHeadersInTheirCommonSpellings(t *testing.T) {
	s, err := Read(strings.NewReader("E-Mail Address;Mobile Number;SMS Opt-In;Newsletter;Consent date;Favourite colour\nx@example.com;+447400123456;y;n;2026-03-14;blue\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[Column]int{Email: 0, Phone: 1, SMSConsent: 2, EmailConsent: 3, ConsentedAt: 4}
	for c, i := range want {
		if s.Columns[c] != i {
			t.Errorf("%s at %d, want %d (%v)", c, s.Columns[c], i, s.Columns)
		}
	}
	if len(s.Ignored) != 1 || s.Ignored[0] != "Favourite colour" {
		t.Errorf("ignored %q", s.Ignored)
	}
}

func TestConsentValues(t *testing.T) {
	for _, tt := range []struct {
		in      string
		yes, ok bool
	}{
		{"yes", true, true}, {"Y", true, true}, {"TRUE", true, true}, {"1", true, true}, {"x", true, true}, {" ja ", true, true},
		{"no", false, true}, {"", false, true}, {"0", false, true}, {"false", false, true},
		{"maybe", false, false}, {"2", false, false},
	} {
		if yes, ok := Consent(tt.in); yes != tt.yes || ok != tt.ok {
			t.Errorf("Consent(%q) = %v, %v; want %v, %v", tt.in, yes, ok, tt.yes, tt.ok)
		}
	}
}

func TestPhoneText(t *testing.T) {
	for _, tt := range []struct {
		in, text string
		mangled  bool
	}{
		{"'+1 201 555 0123", "+1 201 555 0123", false},
		{" +386 31 234 567 ", "+386 31 234 567", false},
		{"4.47911E+11", "4.47911E+11", true},
		{"4,47911E+11", "4,47911E+11", false}, // not a number in this notation: the phone rules say why
		{"447911123456", "447911123456", false},
	} {
		if text, mangled := PhoneText(tt.in); text != tt.text || mangled != tt.mangled {
			t.Errorf("PhoneText(%q) = %q, %v; want %q, %v", tt.in, text, mangled, tt.text, tt.mangled)
		}
	}
}

// FuzzRead: any input is read or refused with an *Error, never a panic,
// and every row read keeps a line number after the header's.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{"email,phone\na@b.co,+1\n", "\xef\xbb\xbfEmail;Mobile\r\n\"a;b\";1\r\n", "email\n\n\n", "\"", "phone\tx\n1\t2\t3\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Read(strings.NewReader(in))
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, r := range s.Rows {
			if r.Line < 2 {
				t.Fatalf("a row on line %d", r.Line)
			}
		}
	})
}

// TestTooManyRows refuses a sheet of more than MaxRows rows at the first
// row too many, naming its line, rather than reading it in part.
func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("email\n")
	for i := 0; i <= MaxRows; i++ {
		b.WriteString("a@example.com\n")
	}
	_, err := Read(strings.NewReader(b.String()))
	var se *Error
	if !errors.As(err, &se) || se.Line != MaxRows+2 || !strings.Contains(se.Msg, "split the file") {
		t.Fatalf("err = %v, want the line after the last allowed row", err)
	}
}
