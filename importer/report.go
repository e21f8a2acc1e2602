package importer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/consentdesk/consent/model"
)

// Outcome is what came of a row once the import ran.
type Outcome string

// The outcomes of a row in the reconcile report.
const (
	// Verified: Klaviyo shows every channel the row asked.
	Verified Outcome = "verified"
	// PendingDoubleOptIn: the list uses double opt-in; Klaviyo records the
	// consent when the person confirms.
	PendingDoubleOptIn Outcome = "pending_double_opt_in"
	// NotRecorded: Klaviyo accepted the row's job, and its profile did not
	// show the consent within the bound (Detail says what it shows).
	NotRecorded Outcome = "not_recorded"
	// Failed: the row's job was refused or could not be sent (Detail says
	// why); nothing changed for it.
	Failed Outcome = "failed"
	// Unknown: the row was handed to Klaviyo and the answer was lost; it is
	// not resent while that cannot be told (History can retry it).
	Unknown Outcome = "unknown"
	// NotSent: the row's verdict kept it back.
	NotSent Outcome = "not_sent"
)

// Outcomes are every outcome, in the order a report counts them.
var Outcomes = []Outcome{Verified, PendingDoubleOptIn, NotRecorded, Failed, Unknown, NotSent}

// Label is the outcome in a person's words: "pending double opt-in".
func (o Outcome) Label() string {
	switch o {
	case Verified:
		return "verified"
	case PendingDoubleOptIn:
		return "pending double opt-in"
	case NotRecorded:
		return "not recorded"
	case Failed:
		return "failed"
	case Unknown:
		return "unknown"
	case NotSent:
		return "not sent"
	}
	return model.SanitizeShort(string(o), 30)
}

// Reconciled is one row of the reconcile report.
type Reconciled struct {
	Line    int     `json:"line"`
	Email   string  `json:"email,omitempty"`
	Phone   string  `json:"phone,omitempty"`
	Verdict Verdict `json:"verdict"`
	Outcome Outcome `json:"outcome"`
	Detail  string  `json:"detail,omitempty"`
	// EntryID is the row's journal entry, "" for a row not sent.
	EntryID string `json:"entry_id,omitempty"`
}

// Report is what an import came to: every row of the sheet (or, for a
// resumed import, of the journal), by line.
type Report struct {
	ImportID string       `json:"import_id"`
	File     string       `json:"file,omitempty"`
	Rows     []Reconciled `json:"rows"`
	Jobs     int          `json:"jobs"`
	// Unjournaled is how many rows of a resumed import the journal never
	// got (it stopped while writing them): they were never sent, and only
	// importing the file again sends them.
	Unjournaled int           `json:"unjournaled,omitempty"`
	Took        time.Duration `json:"took_ns"`
}

// Tally counts the report's rows by outcome.
func (r Report) Tally() map[Outcome]int {
	t := map[Outcome]int{}
	for _, row := range r.Rows {
		t[row.Outcome]++
	}
	return t
}

// WriteVerdictsCSV writes the preview as CSV: line, email, phone, verdict,
// detail, channels, duplicate_of, one row per row of the sheet.
func WriteVerdictsCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"line", "email", "phone", "verdict", "detail", "channels", "duplicate_of", "profile_id", "other_profile_id"})
	for _, r := range rows {
		dup := ""
		if r.DuplicateOf > 0 {
			dup = strconv.Itoa(r.DuplicateOf)
		}
		_ = cw.Write(CSVSafe(strconv.Itoa(r.Line), r.Email, r.Phone, string(r.Verdict), r.Detail, channelList(r.Request.Channels), dup, r.ProfileID, r.OtherProfileID))
	}
	cw.Flush()
	return cw.Error()
}

// WriteReportCSV writes the reconcile report as CSV: line, email, phone,
// verdict, outcome, detail, entry_id.
func WriteReportCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"line", "email", "phone", "verdict", "outcome", "detail", "entry_id"})
	for _, r := range rep.Rows {
		_ = cw.Write(CSVSafe(strconv.Itoa(r.Line), r.Email, r.Phone, string(r.Verdict), string(r.Outcome), r.Detail, r.EntryID))
	}
	cw.Flush()
	return cw.Error()
}

// WriteReportJSON writes the report as one JSON object.
func WriteReportJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// CSVSafe keeps a spreadsheet from reading a cell as a formula (a cell
// starting with =, +, - or @ is prefixed with '), as OWASP advises for CSV
// that people open in Excel; phone numbers in E.164 keep their + as the
// sheet had them only when they are digits after it.
func CSVSafe(cells ...string) []string {
	for i, c := range cells {
		if c == "" {
			continue
		}
		switch c[0] {
		case '=', '@', '-', '\t', '\r':
			cells[i] = "'" + c
		case '+':
			if !allDigits(c[1:]) {
				cells[i] = "'" + c
			}
		}
	}
	return cells
}

func allDigits(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && c != ' ' {
			return false
		}
	}
	return s != ""
}

// channelList is channels as "email_marketing sms_marketing".
func channelList(cs []model.Channel) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += " "
		}
		s += string(c)
	}
	return s
}
