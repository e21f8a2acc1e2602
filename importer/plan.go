package importer

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/model"
)

// Options are what an import asks of every row.
type Options struct {
	// ListID is the list the rows are subscribed through.
	ListID string
	// Rules are the SMS policy and the default region for national numbers
	// (a row's country cell overrides the region).
	Rules model.PhoneRules
	// Channels are asked of every row for the consent the sheet has no
	// column for (the command line's --email-marketing, --sms-marketing,
	// --sms-transactional). A sheet's email_consent column decides email
	// marketing, its sms_consent column SMS marketing, row by row.
	Channels []model.Channel
	// Source is recorded with each subscription.
	Source string
	// File is the sheet's name, for the journal and the report.
	File string
	// BackDated makes the import a historical one: every row is sent with
	// the date its consent was given (its consented_at cell, or
	// ConsentedAt), and a row without one is not sent.
	BackDated bool
	// ConsentedAt is the consent date of rows whose sheet has no date.
	ConsentedAt time.Time
	// DateLayout is the Go layout of the sheet's dates, "" for the usual
	// forms (2026-03-14, 2026-03-14 15:04, RFC 3339); Location is the zone
	// of a date without one (nil: UTC).
	DateLayout string
	Location   *time.Location
	// Offline is what a back-dated import records with each row (who
	// collected the consent and where, the wording's version, the
	// evidence's hash); its ConsentedAt is each row's own.
	Offline model.OfflineConsent
	// Now is the clock a consent date is checked against; nil: time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Plan gives every row of the sheet its verdict from what the file alone
// says (no network): consent cells, the email, the phone against the SMS
// policy with the form's reasons, duplicates, consent dates. LookUp adds
// what only Klaviyo knows. The rows come back in the sheet's order, one
// per row.
func Plan(s *sheet.Sheet, opts Options) []Row {
	p := NewPlanner(opts)
	rows := make([]Row, len(s.Rows))
	for i, sr := range s.Rows {
		rows[i] = p.Row(s, sr)
	}
	return rows
}

// Planner gives rows their verdicts one at a time, as a sheet is read
// (sheet.ReadEach), remembering only what duplicates need.
type Planner struct {
	opts                   Options
	now                    time.Time
	firstEmail, firstPhone map[string]int
}

// NewPlanner starts planning an import.
func NewPlanner(opts Options) *Planner {
	return &Planner{opts: opts, now: opts.now(), firstEmail: map[string]int{}, firstPhone: map[string]int{}}
}

// Row is the verdict of the next row of s, as Plan gives it.
func (p *Planner) Row(s *sheet.Sheet, sr sheet.Row) Row {
	r := planRow(s, sr, p.opts, p.now)
	// The cells are copied out of the sheet's record, which is then
	// dropped rather than kept alive by them.
	r.Email, r.Phone = strings.Clone(r.Email), strings.Clone(r.Phone)
	if r.Verdict != NoIdentifier && r.Verdict != UnclearConsent {
		markDuplicate(&r, p.firstEmail, p.firstPhone)
	}
	shared(&r)
	return r
}

// markDuplicate makes r a Duplicate of the first row with its email or
// phone, or records r as the first.
func markDuplicate(r *Row, firstEmail, firstPhone map[string]int) {
	email, phone := identityKeys(*r)
	switch {
	case email != "" && firstEmail[email] > 0:
		r.Verdict, r.DuplicateOf = Duplicate, firstEmail[email]
		r.Detail = fmt.Sprintf("the same email as line %d, which is the one sent", r.DuplicateOf)
	case phone != "" && firstPhone[phone] > 0:
		r.Verdict, r.DuplicateOf = Duplicate, firstPhone[phone]
		r.Detail = fmt.Sprintf("the same phone number as line %d, which is the one sent", r.DuplicateOf)
	}
	if r.Verdict == Duplicate {
		r.Request.Channels = nil
		return
	}
	if email != "" {
		firstEmail[email] = r.Line
	}
	if phone != "" {
		firstPhone[phone] = r.Line
	}
}

// identityKeys are the row's email and phone as compared for duplicates:
// normalised when they are valid, as typed (folded) when not.
func identityKeys(r Row) (email, phone string) {
	email, phone = strings.ToLower(r.Request.Email), r.Request.Phone
	if email == "" {
		email = strings.ToLower(strings.TrimSpace(r.Email))
	}
	if phone == "" {
		phone = strings.Join(strings.FieldsFunc(r.Phone, func(c rune) bool { return c < '0' || c > '9' }), "")
	}
	return email, phone
}

// planRow is one row's verdict from the file alone.
func planRow(s *sheet.Sheet, sr sheet.Row, opts Options, now time.Time) Row {
	r := Row{Line: sr.Line, Email: s.Get(sr, sheet.Email), Phone: s.Get(sr, sheet.Phone)}
	phoneText, mangled := sheet.PhoneText(r.Phone)
	if r.Email == "" && phoneText == "" {
		r.Verdict, r.Detail = NoIdentifier, "the row has neither an email address nor a phone number"
		return r
	}
	channels, unclear := rowChannels(s, sr, opts)
	if unclear != "" {
		r.Verdict, r.Detail = UnclearConsent, unclear
		return r
	}
	if len(channels) == 0 {
		r.Verdict, r.Detail = NoConsent, "the row gives no consent on any channel: nothing to send"
		return r
	}
	req := model.ConsentRequest{ListID: opts.ListID, Email: r.Email, Phone: phoneText, Channels: channels, Source: opts.Source}
	rules := opts.Rules
	rules.Now = func() time.Time { return now }
	if opts.BackDated {
		at, verdict, why := rowConsentDate(s, sr, opts)
		if verdict != "" {
			r.Verdict, r.Detail = verdict, why
			return r
		}
		off := opts.Offline
		off.ConsentedAt = at
		req.Offline = &off
		// The date alone (the rest of the request is checked below, with
		// its phone analysis, once).
		if p, ok := problemOf(off.Check(now), "consented_at"); ok {
			r.Verdict, r.Detail = BadConsentDate, "the consent date: "+p
			return r
		}
	}
	if c := s.Get(sr, sheet.Country); c != "" {
		region, ok := model.RegionOfCountry(c)
		if !ok {
			r.Verdict, r.Detail = SMSDropped, fmt.Sprintf("the country %q is not one Consent Desk knows (use a name such as Slovenia or a code such as SI)", model.SanitizeShort(c, 40))
			return dropPhone(r, req, rules, r.Detail)
		}
		rules.DefaultRegion = region
	}
	if mangled {
		why := fmt.Sprintf("the spreadsheet turned the number into %s and its last digits are lost: format the column as text and export again", model.SanitizeShort(r.Phone, 30))
		return dropPhone(r, req, rules, why)
	}
	checked, problems := req.Check(rules)
	if p, ok := problemOf(problems, "email"); ok {
		r.Verdict, r.Detail = EmailInvalid, p
		return r
	}
	if p, ok := problemOf(problems, "phone"); ok {
		return dropPhone(r, req, rules, p)
	}
	if len(problems) > 0 {
		// Only the email or the phone can be wrong in a row: anything else
		// is the import's own options, and is said as it is.
		r.Verdict, r.Detail = EmailInvalid, model.JoinProblems(problems)
		return r
	}
	r.Verdict, r.Request = OK, checked.ConsentRequest
	return r
}

// dropPhone is the row without its phone number, which cannot carry what
// was asked (why): the SMS channels go, and the email consent, if any, is
// sent alone.
func dropPhone(r Row, req model.ConsentRequest, rules model.PhoneRules, why string) Row {
	asked := req.WantsSMS()
	req.Phone = ""
	req.Channels = onlyEmail(req.Channels)
	r.Verdict, r.Detail = SMSDropped, why
	if !asked {
		// No SMS was asked: the number is only left out.
		r.Verdict, r.Detail = OK, "the phone number is left out: "+why
	}
	if len(req.Channels) == 0 {
		r.Detail += "; nothing else to send"
		r.Request = model.ConsentRequest{}
		return r
	}
	checked, problems := req.Check(rules)
	if p, ok := problemOf(problems, "email"); ok {
		r.Verdict, r.Detail = EmailInvalid, p
		return r
	}
	if len(problems) > 0 {
		r.Verdict, r.Detail = EmailInvalid, model.JoinProblems(problems)
		return r
	}
	r.Request = checked.ConsentRequest
	if asked && !strings.Contains(why, "Email consent") {
		r.Detail += "; email consent is still sent"
	}
	return r
}

// onlyEmail is channels without the SMS ones.
func onlyEmail(channels []model.Channel) []model.Channel {
	var out []model.Channel
	for _, c := range channels {
		if !c.IsSMS() {
			out = append(out, c)
		}
	}
	return out
}

// problemOf is the first problem about field, said as a sentence.
func problemOf(problems []model.Problem, field string) (string, bool) {
	for _, p := range problems {
		if p.Field == field {
			return p.Reason, true
		}
	}
	return "", false
}

// rowChannels are the channels a row asks for: each consent column's yes,
// and opts.Channels for the consent the sheet has no column for. A cell
// that is neither yes nor no is said in unclear.
func rowChannels(s *sheet.Sheet, sr sheet.Row, opts Options) (channels []model.Channel, unclear string) {
	cells := map[model.Channel]sheet.Column{model.EmailMarketing: sheet.EmailConsent, model.SMSMarketing: sheet.SMSConsent}
	for _, ch := range model.Channels {
		col, hasColumn := cells[ch]
		if hasColumn {
			_, hasColumn = s.Columns[col]
		}
		if !hasColumn {
			if slices.Contains(opts.Channels, ch) {
				channels = append(channels, ch)
			}
			continue
		}
		v := s.Get(sr, col)
		yes, ok := sheet.Consent(v)
		if !ok {
			return nil, fmt.Sprintf("the %s cell %q is neither yes nor no", col, model.SanitizeShort(v, 30))
		}
		if yes {
			channels = append(channels, ch)
		}
	}
	return channels, ""
}

// rowConsentDate is the row's consent date for a back-dated import, or the
// verdict that keeps it from being sent. (Check refuses a date in the
// future or before 1990.)
func rowConsentDate(s *sheet.Sheet, sr sheet.Row, opts Options) (time.Time, Verdict, string) {
	text := s.Get(sr, sheet.ConsentedAt)
	if text == "" {
		if !opts.ConsentedAt.IsZero() {
			return opts.ConsentedAt, "", ""
		}
		return time.Time{}, MissingConsentDate, "a back-dated import needs the date consent was given, and this row has none"
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	at, err := model.ParseConsentedAt(text, opts.DateLayout, loc)
	if err != nil {
		return time.Time{}, BadConsentDate, err.Error()
	}
	return at, "", ""
}

// Name is the sheet's file name as the journal and the report keep it.
func Name(path string) string { return filepath.Base(path) }
