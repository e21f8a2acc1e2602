// Package sheet reads sign-up sheets as people really produce them: CSV
// with a comma, semicolon (European Excel) or tab between fields, a UTF-8
// byte-order mark, CRLF line ends, quoted fields holding separators and
// newlines, blank lines, and headers in any order under their common
// spellings ("Email Address", "e-mail", "Mobile", "SMS consent", …).
//
// It only reads: each row keeps its line number and its raw values, and
// what a value means (is this consent a yes?) is decided by the caller,
// row by row, so that no row is ever dropped unseen. No I/O beyond the
// io.Reader it is given.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
)

// Column is a field a sheet can have, whatever its header says.
type Column string

// The columns a sign-up sheet is read for.
const (
	Email        Column = "email"
	Phone        Column = "phone"
	EmailConsent Column = "email_consent"
	SMSConsent   Column = "sms_consent"
	ConsentedAt  Column = "consented_at"
	Country      Column = "country"
	FirstName    Column = "first_name"
	LastName     Column = "last_name"
)

// headerNames are the spellings of each column's header, folded by fold
// (lower case, letters and digits only).
var headerNames = map[string]Column{
	"email": Email, "emailaddress": Email, "mail": Email, "emailadresse": Email, "courriel": Email,
	"phone": Phone, "phonenumber": Phone, "mobile": Phone, "mobilenumber": Phone, "mobilephone": Phone,
	"cell": Phone, "cellphone": Phone, "tel": Phone, "telephone": Phone, "sms": Phone, "smsnumber": Phone,
	"emailconsent": EmailConsent, "emailmarketing": EmailConsent, "emailoptin": EmailConsent,
	"consentemail": EmailConsent, "newsletter": EmailConsent,
	"smsconsent": SMSConsent, "smsmarketing": SMSConsent, "smsoptin": SMSConsent, "consentsms": SMSConsent,
	"textconsent": SMSConsent,
	"consentedat": ConsentedAt, "consentdate": ConsentedAt, "consentgivenon": ConsentedAt,
	"signedupat": ConsentedAt, "signupdate": ConsentedAt, "date": ConsentedAt,
	"country": Country, "countrycode": Country, "region": Country,
	"firstname": FirstName, "givenname": FirstName, "first": FirstName,
	"lastname": LastName, "surname": LastName, "familyname": LastName, "last": LastName,
}

// Limits of one sheet: past them it is refused, not read in part.
const (
	// MaxRows keeps an import within memory: a row costs an import about
	// 1 KB at its peak (BENCHMARKS.md), so 200,000 rows stay near 200 MB.
	MaxRows       = 200_000
	MaxFieldBytes = 4 << 10
)

// Sheet is a read sign-up sheet.
type Sheet struct {
	// Separator is the field separator found: ',', ';' or '\t'.
	Separator rune
	// Columns maps each column found to its index in a row; Ignored are
	// the headers not understood (kept, so the caller can say so).
	Columns map[Column]int
	Ignored []string
	// Rows are every row after the header, blank lines left out.
	Rows []Row
}

// Row is one row of a sheet with the line it starts on (1 is the first
// line of the file, the header's when there is no blank line before it).
type Row struct {
	Line   int
	Values []string
}

// Get is the row's value of column c in s, trimmed, "" when the sheet has
// no such column or the row is short.
func (s *Sheet) Get(r Row, c Column) string {
	i, ok := s.Columns[c]
	if !ok || i >= len(r.Values) {
		return ""
	}
	return strings.TrimSpace(r.Values[i])
}

// Error is a sheet that cannot be read, at a line ("" when it is the file
// as a whole).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Read reads a sheet: it finds the separator from the header line, maps
// the header's names to columns, and reads every row. A sheet with no
// email or phone column, two headers for one column, a field over
// MaxFieldBytes, more than MaxRows rows or malformed quoting is an *Error
// naming the line.
func Read(r io.Reader) (*Sheet, error) { return ReadWith(r, nil) }

// Ignore is the column a Mapping gives a header the sheet is not to be
// read for.
const Ignore Column = "ignore"

// Columns are the columns a Mapping may name.
var Columns = []Column{Email, Phone, EmailConsent, SMSConsent, ConsentedAt, Country, FirstName, LastName, Ignore}

// Mapping says what headers mean where their spelling is not understood,
// or means something else: "Handy" → Phone, "SMS" → Ignore.
type Mapping map[string]Column

// ParseMapping reads a HEADER=COLUMN pair ("Handy=phone") into m, or says
// why it cannot.
func (m Mapping) ParseMapping(pair string) error {
	header, col, ok := strings.Cut(pair, "=")
	if !ok || strings.TrimSpace(header) == "" {
		return fmt.Errorf("%q is not HEADER=COLUMN (such as \"Handy=phone\")", pair)
	}
	c := Column(strings.ToLower(strings.TrimSpace(col)))
	for _, known := range Columns {
		if c == known {
			m[strings.TrimSpace(header)] = c
			return nil
		}
	}
	names := make([]string, len(Columns))
	for i, k := range Columns {
		names[i] = string(k)
	}
	return fmt.Errorf("unknown column %q in %q: use one of %s", strings.TrimSpace(col), pair, strings.Join(names, ", "))
}

// ReadWith is Read with the headers of mapping read as it says; a header
// it names that the sheet does not have is an *Error.
func ReadWith(r io.Reader, mapping Mapping) (*Sheet, error) {
	var rows []Row
	s, err := ReadEach(r, mapping, func(_ *Sheet, row Row) error {
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Rows = rows
	return s, nil
}

// ReadEach is ReadWith handing each row to each as it is read, and keeping
// none (the returned Sheet's Rows are nil): a sheet of any length is read
// in the memory of one row. An error from each stops the reading and is
// returned.
func ReadEach(r io.Reader, mapping Mapping, each func(s *Sheet, row Row) error) (*Sheet, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	head, err := peekHeader(br)
	if err != nil {
		return nil, err
	}
	s := &Sheet{Separator: sniffSeparator(head), Columns: map[Column]int{}}
	cr := csv.NewReader(br)
	cr.Comma = s.Separator
	cr.FieldsPerRecord = -1 // rows may be short or long: each is judged on its own
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Msg: "the file is empty: a header line (email, phone, …) and a row a person are needed"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	headerLine, _ := cr.FieldPos(0)
	mapped := map[string]Column{}
	for h, c := range mapping {
		mapped[fold(h)] = c
	}
	for h := range mapping {
		if !slices.ContainsFunc(header, func(name string) bool { return fold(name) == fold(h) }) {
			return nil, &Error{Line: headerLine, Msg: fmt.Sprintf("no column %q in the header (%s)", h, strings.Join(trimAll(header), ", "))}
		}
	}
	for i, name := range header {
		c, ok := mapped[fold(name)]
		if !ok {
			c, ok = headerNames[fold(name)]
		}
		if c == Ignore {
			s.Ignored = append(s.Ignored, strings.TrimSpace(name))
			continue
		}
		if !ok {
			if strings.TrimSpace(name) != "" {
				s.Ignored = append(s.Ignored, strings.TrimSpace(name))
			}
			continue
		}
		if j, dup := s.Columns[c]; dup {
			return nil, &Error{Line: headerLine, Msg: fmt.Sprintf("two columns are read as %s: %q and %q: keep one, or say which with --column HEADER=ignore", c, strings.TrimSpace(header[j]), strings.TrimSpace(name))}
		}
		s.Columns[c] = i
	}
	_, hasEmail := s.Columns[Email]
	_, hasPhone := s.Columns[Phone]
	if !hasEmail && !hasPhone {
		return nil, &Error{Line: headerLine, Msg: fmt.Sprintf("no email or phone column in the header (%s): name one Email or Phone", strings.Join(trimAll(header), ", "))}
	}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		for _, v := range rec {
			if len(v) > MaxFieldBytes {
				return nil, &Error{Line: line, Msg: fmt.Sprintf("a field of %d bytes, over the %d a sheet's field may have", len(v), MaxFieldBytes)}
			}
		}
		if rows == MaxRows {
			return nil, &Error{Line: line, Msg: fmt.Sprintf("more than %d rows: split the file into sheets of at most %d", MaxRows, MaxRows)}
		}
		rows++
		if err := each(s, Row{Line: line, Values: rec}); err != nil {
			return nil, err
		}
	}
}

// peekHeader is the first non-blank line, without reading past it.
func peekHeader(br *bufio.Reader) (string, error) {
	for n := 4096; ; n *= 2 {
		b, err := br.Peek(n)
		for _, line := range strings.SplitAfter(string(b), "\n") {
			if !strings.HasSuffix(line, "\n") && err == nil {
				break // not whole yet: peek further
			}
			if strings.TrimSpace(line) != "" {
				return line, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrBufferFull) {
				return string(b), nil
			}
			return "", &Error{Msg: "the file cannot be read: " + err.Error()}
		}
		if n >= 1<<20 {
			return "", &Error{Line: 1, Msg: "the header line is over 1 MiB: not a sign-up sheet"}
		}
	}
}

// sniffSeparator is the separator the header line uses most, outside
// quotes: a tab, then a semicolon, then a comma when they tie.
func sniffSeparator(header string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range header {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';', ','} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// fold is a header as it is looked up: lower case, letters and digits
// only ("E-Mail Address" is "emailaddress").
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func trimAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

// csvError is a CSV reader's error as an *Error at its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Msg: pe.Err.Error() + " (a quote that does not close? quote a field that holds the separator)"}
	}
	return &Error{Msg: "the file cannot be read: " + err.Error()}
}
