package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/consentdesk/consent/model"
)

const checkSynopsis = "consent check [--json] [--region CC] ID..."

// checkResult is one line of `consent check --json` (DESIGN.md).
type checkResult struct {
	Query    string               `json:"query"`
	Phone    *model.PhoneAnalysis `json:"phone"`
	Email    *model.EmailAnalysis `json:"email"`
	Profiles []json.RawMessage    `json:"profiles"`
}

// valid reports whether the ID is a usable phone number or email address.
func (r checkResult) valid() bool {
	return (r.Phone != nil && r.Phone.Valid) || (r.Email != nil && r.Email.Valid)
}

// runCheck analyses each ID (a phone number, or an email when it has an @)
// and prints a card or a JSON line for it. Every ID is reported; the exit
// code is 2 when any of them is not a valid phone number or email address. A
// valid number that cannot carry SMS consent is an answer, not an error.
func runCheck(args []string, e env) error {
	fs := newFlagSet("check")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	region := fs.String("region", "", "region of numbers typed without +")
	ids, err := parseFlags(fs, args, checkSynopsis)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usagef("give at least one phone number or email address\nusage: %s", checkSynopsis)
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return usagef("argument %d is empty: give a phone number or email address", i+1)
		}
	}
	cfg, err := loadSettings(e.getenv)
	if err != nil {
		return err
	}
	rules := cfg.rules
	if *region != "" {
		if rules.DefaultRegion, err = model.ParseRegion(*region); err != nil {
			return usagef("--region: %v", err)
		}
	}

	invalid := 0
	for i, id := range ids {
		res := analyseID(id, rules)
		if !res.valid() {
			invalid++
		}
		if *asJSON {
			err = writeJSONLine(e.stdout, res)
		} else {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			err = writeCheckCard(e.stdout, res)
		}
		if err != nil {
			return fmt.Errorf("writing the result: %w", err)
		}
	}
	if invalid > 0 {
		return usagef("%d of %d IDs %s not a valid phone number or email address", invalid, len(ids), plural(invalid, "is", "are"))
	}
	return nil
}

// analyseID reads an ID as an email when it contains @, else as a phone.
func analyseID(id string, rules model.PhoneRules) checkResult {
	res := checkResult{Query: id, Profiles: []json.RawMessage{}}
	if strings.Contains(id, "@") {
		a := model.AnalyzeEmail(id)
		res.Email = &a
	} else {
		a := rules.Analyze(id)
		res.Phone = &a
	}
	return res
}

// writeJSONLine writes v as one line of JSON, without HTML escaping.
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeCheckCard writes the human-readable card for one ID: its label
// column is aligned, and every piece of input is sanitised for the terminal.
func writeCheckCard(w io.Writer, r checkResult) error {
	c := card{w: w}
	c.title(r.Query)
	if p := r.Phone; p != nil {
		switch p.Status {
		case model.PhoneValid:
			c.row("number", p.Formatted+"   E.164 "+p.E164)
			country := fmt.Sprintf("%s (%s)", p.Country, p.Region)
			if p.DefaultRegion != "" {
				country += fmt.Sprintf(", read as a national number of %s", p.DefaultRegion)
			}
			c.row("country", country)
			c.row("type", p.Type)
			c.row("SMS", yesNo(p.SMSEligible)+": "+p.Reason)
		default:
			number := string(p.Status)
			if p.Formatted != "" {
				number = p.Formatted + "   (" + number + ")"
			}
			c.row("number", number)
			if p.Likely != "" {
				c.row("country", fmt.Sprintf("probably %s (%s)", model.CountryName(p.Likely), p.Likely))
			}
			c.row("problem", p.Reason)
		}
	}
	if m := r.Email; m != nil {
		if m.Valid {
			c.row("email", m.Normalized)
		} else {
			c.row("email", "invalid: "+m.Reason)
		}
	}
	return c.err
}

// card writes "  label     value" rows under a title, remembering the
// first write error.
type card struct {
	w   io.Writer
	err error
}

func (c *card) title(s string) { c.printf("%s\n", model.SanitizeText(s)) }

func (c *card) row(label, value string) {
	c.printf("  %-9s %s\n", label, model.SanitizeText(value))
}

func (c *card) printf(format string, args ...any) {
	if c.err == nil {
		_, c.err = fmt.Fprintf(c.w, format, args...)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
