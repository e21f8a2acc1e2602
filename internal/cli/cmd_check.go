package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/backend"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

const checkSynopsis = "consent check [--json] [--region CC] ID..."

// checkResult is one line of `consent check --json` (DESIGN.md).
type checkResult struct {
	Query    string               `json:"query"`
	Phone    *model.PhoneAnalysis `json:"phone"`
	Email    *model.EmailAnalysis `json:"email"`
	Profiles []json.RawMessage    `json:"profiles"`

	looked bool             // the profiles were looked up
	found  []client.Profile // what was found, for the human card
}

// valid reports whether the ID is a usable phone number or email address.
func (r checkResult) valid() bool {
	return (r.Phone != nil && r.Phone.Valid) || (r.Email != nil && r.Email.Valid)
}

// checkOptions are check's flags.
type checkOptions struct {
	json   bool
	region string
}

// newCheckCmd is `consent check`.
func newCheckCmd(a *app) *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [--json] [--region CC] ID...",
		Short: "can SMS consent be recorded for these numbers or emails, and their profiles' consent",
		Long: `Analyses each ID — a phone number, or an email address when it has an @ — and
looks the valid ones up: for a number, its country, its type and whether SMS
consent can be recorded for it (and if not, why); then each profile found, with
its consent per channel. Every ID is reported; the exit code is 2 when one is
not a valid number or address (a valid number that cannot carry SMS consent is
an answer, not an error).`,
		Example: `  consent check +38631234567
  consent check --region US "(201) 555-0123" ana@example.net
  consent check --json "+1 787 555 0123"`,
		Annotations: usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, ids []string) error {
			return runCheck(cmd.Context(), a, o, ids)
		}),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per ID, a line each")
	cmd.Flags().StringVar(&o.region, "region", "", "region `CC` of numbers typed without + (e.g. US; else the config's default_region)")
	return cmd
}

// runCheck analyses each ID (a phone number, or an email when it has an @)
// and prints a card or a JSON line for it. Every ID is reported; the exit
// code is 2 when any of them is not a valid phone number or email address. A
// valid number that cannot carry SMS consent is an answer, not an error.
func runCheck(ctx context.Context, a *app, o checkOptions, ids []string) error {
	e, api := a.e, &a.api
	if len(ids) == 0 {
		return usage.Errorf("give at least one phone number or email address\nusage: %s", checkSynopsis)
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return usage.Errorf("argument %d is empty: give a phone number or email address", i+1)
		}
	}
	cfg, err := config.Load(e.getenv, api.overrides(o.region))
	if err != nil {
		return err
	}
	rules := cfg.Rules

	results := make([]checkResult, len(ids))
	invalid := 0
	for i, id := range ids {
		results[i] = analyseID(id, rules)
		if !results[i].valid() {
			invalid++
		}
	}
	lookupErr := lookupProfiles(ctx, api, e, cfg, results)

	for i, res := range results {
		if o.json {
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
	if lookupErr != nil {
		return fmt.Errorf("looking up profiles: %w", lookupErr)
	}
	if invalid > 0 {
		// Each JSON line says which ID is not valid, and why.
		return &shownInJSON{usage.Errorf("%d of %d IDs %s not a valid phone number or email address", invalid, len(ids), present.Plural(invalid, "is", "are"))}
	}
	return nil
}

// lookupProfiles finds the profiles of every valid ID, through one backend
// opened only when there is something to look up. On the first failure it
// stops and returns it; the analyses stand as they are.
func lookupProfiles(ctx context.Context, api *apiFlags, e env, cfg config.Settings, results []checkResult) error {
	var b *backend.Backend
	for i := range results {
		r := &results[i]
		if !r.valid() {
			continue
		}
		if b == nil {
			var err error
			if b, err = openBackend(ctx, api, e, cfg); err != nil {
				return err
			}
			defer b.Close()
		}
		var profiles []client.Profile
		var err error
		if r.Email != nil {
			profiles, err = b.Client.LookupEmail(ctx, r.Email.Normalized)
		} else {
			profiles, err = b.Client.LookupPhone(ctx, r.Phone.E164)
		}
		if err != nil {
			return err
		}
		r.looked = true
		r.found = profiles
		for _, p := range profiles {
			r.Profiles = append(r.Profiles, profileJSON(p))
		}
	}
	return nil
}

// profileJSON is a profile in `consent check --json`: id, email,
// phone_number and Klaviyo's subscriptions object exactly as returned.
func profileJSON(p client.Profile) json.RawMessage {
	var doc struct {
		Attributes struct {
			Subscriptions json.RawMessage `json:"subscriptions"`
		} `json:"attributes"`
	}
	_ = json.Unmarshal(p.Raw, &doc) // p.Raw was decoded once already
	subs := doc.Attributes.Subscriptions
	if len(subs) == 0 {
		subs = json.RawMessage("null")
	}
	out, err := json.Marshal(struct {
		ID            string          `json:"id"`
		Email         *string         `json:"email"`
		PhoneNumber   *string         `json:"phone_number"`
		Subscriptions json.RawMessage `json:"subscriptions"`
	}{p.ID, nullable(p.Email), nullable(p.PhoneNumber), subs})
	if err != nil {
		return json.RawMessage("null")
	}
	return out
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
			c.row("type", p.TypeWords()) // --json keeps libphonenumber's name
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
			problem := p.Reason
			if problem == model.NoDefaultRegionReason {
				problem += ` (or, here, --region US)`
			}
			c.row("problem", problem)
		}
	}
	if m := r.Email; m != nil {
		switch {
		case m.Valid && m.Suggestion != "":
			c.row("email", m.Normalized+" (did you mean "+m.Suggestion+"?)")
		case m.Valid:
			c.row("email", m.Normalized)
		default:
			c.row("email", "invalid: "+m.Reason)
		}
	}
	if r.looked {
		writeProfiles(&c, r.found)
	}
	return c.err
}

// writeProfiles adds the consent card of each profile found.
func writeProfiles(c *card, profiles []client.Profile) {
	if len(profiles) == 0 {
		c.row("profile", "none found")
		return
	}
	for _, p := range profiles {
		who := strings.Join(strings.Fields(strings.Join([]string{p.Name(), p.Email, p.PhoneNumber}, " ")), " ")
		c.row("profile", p.ID+"  "+who)
		for _, ch := range model.Channels {
			cc := p.Subscriptions.Channel(ch)
			line := "not reported"
			if cc.Present {
				line = present.ChannelFacts(cc).Line()
			}
			c.row("  "+present.ChannelShort(ch), line)
		}
	}
}

// card writes "  label     value" rows under a title, remembering the
// first write error.
type card struct {
	w     io.Writer
	width int // of the label column; at least 9
	err   error
}

// maxTitle bounds a card's title: the query as typed, which may be long.
const maxTitle = 100

func (c *card) title(s string) { c.printf("%s\n", model.SanitizeShort(s, maxTitle)) }

func (c *card) row(label, value string) {
	c.printf("  %-*s %s\n", max(9, c.width), label, model.SanitizeText(value))
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
