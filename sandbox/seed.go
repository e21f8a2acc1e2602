package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/consentdesk/consent/model"
)

// Demo data is generated from a fixed seed at times relative to a fixed
// date, so every fresh sandbox shows the same account.
const (
	demoSeed     = 20240601
	demoProfiles = 320
)

// demoEpoch is the "now" of the demo data.
func demoEpoch() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }

// demoList is one list of the demo account.
type demoList struct {
	id, name, optIn string
	share           int // percent of profiles on the list
}

func demoLists() []demoList {
	return []demoList{
		{"Y6nRLr", "Newsletter", "single_opt_in", 70},
		{"", "VIP Early Access", "double_opt_in", 12},
		{"", "SMS Flash Deals", "single_opt_in", 25},
		{"", "Product Updates", "single_opt_in", 30},
		{"", "Back in Stock Alerts", "single_opt_in", 15},
		{"", "Spring Sale 2024", "single_opt_in", 20},
		{"", "Holiday Gift Guide", "single_opt_in", 18},
		{"", "Loyalty Program", "double_opt_in", 10},
		{"", "Wholesale Partners", "double_opt_in", 4},
		{"", "Events – London", "single_opt_in", 6},
		{"", "Blog Digest", "single_opt_in", 14},
		{"", "Beta Testers", "double_opt_in", 5},
		{"", "Store Pickup Alerts", "single_opt_in", 8},
		{"", "Customer Feedback Panel", "single_opt_in", 7},
	}
}

// SeedDemo fills an empty database with the demo account: 14 lists (so
// that list paging is exercised), among them the single-opt-in
// "Newsletter" (Y6nRLr) and the double-opt-in "VIP Early Access", and a
// few hundred profiles across SMS and non-SMS countries with mixed consent
// and suppressions. A database that has any list or profile is left as it
// is, so SeedDemo can be called on every start.
func (s *Sandbox) SeedDemo(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var used bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM lists) OR EXISTS (SELECT 1 FROM profiles)").Scan(&used); err != nil {
			return fmt.Errorf("sandbox: checking for data before seeding: %w", err)
		}
		if used {
			return nil
		}
		return s.seed(ctx, tx)
	})
}

func (s *Sandbox) seed(ctx context.Context, tx *sql.Tx) error {
	rng := newRand(demoSeed)
	epoch := demoEpoch()
	lists := demoLists()
	listSeqs := make([]int64, len(lists))
	listCreated := make([]int64, len(lists))
	for i := range lists {
		l := &lists[i]
		if l.id == "" {
			l.id = seededListID(rng)
		}
		created := micros(epoch.AddDate(0, 0, -600+i*30))
		listCreated[i] = created
		res, err := tx.ExecContext(ctx, "INSERT INTO lists (id, name, opt_in_process, created, updated) VALUES (?, ?, ?, ?, ?)",
			l.id, l.name, l.optIn, created, created)
		if err != nil {
			return fmt.Errorf("sandbox: seeding lists: %w", err)
		}
		if listSeqs[i], err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sandbox: seeding lists: %w", err)
		}
	}

	insert, err := tx.PrepareContext(ctx, insertProfileSQL)
	if err != nil {
		return fmt.Errorf("sandbox: seeding profiles: %w", err)
	}
	defer insert.Close()
	join, err := tx.PrepareContext(ctx, "INSERT INTO memberships (list_seq, profile_seq, joined) VALUES (?, ?, ?)")
	if err != nil {
		return fmt.Errorf("sandbox: seeding members: %w", err)
	}
	defer join.Close()

	profiles := s.demoProfiles(rng, epoch, lists)
	for i := range profiles {
		p := &profiles[i]
		args, err := p.args()
		if err != nil {
			return fmt.Errorf("sandbox: seeding profiles: %w", err)
		}
		res, err := insert.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("sandbox: seeding profiles: %w", err)
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("sandbox: seeding profiles: %w", err)
		}
		for li, l := range lists {
			if rng.IntN(100) >= l.share && !(i == 0 && li == 0) {
				continue
			}
			if l.optIn == "double_opt_in" && p.emailConsent.state != model.Subscribed && p.smsMarketing.state != model.Subscribed {
				continue // unconfirmed double opt-ins are not members
			}
			from := max(p.created, listCreated[li])
			joined := from + rng.Int64N(epoch.UnixMicro()-from)
			if _, err := join.ExecContext(ctx, listSeqs[li], seq, joined); err != nil {
				return fmt.Errorf("sandbox: seeding members: %w", err)
			}
		}
	}
	for _, p := range demoCast(epoch) {
		args, err := p.args()
		if err != nil {
			return fmt.Errorf("sandbox: seeding profiles: %w", err)
		}
		if _, err := insert.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sandbox: seeding profiles: %w", err)
		}
	}
	return nil
}

// demoProfiles generates the demo profiles. The first is Sarah Mason of
// Klaviyo's documentation, whose +1 500 number is valid but a personal
// number that cannot receive texts.
func (s *Sandbox) demoProfiles(rng *mrand, epoch time.Time, lists []demoList) []synthProfile {
	countries := synthCountries()
	total := totalWeight(countries)
	emails := map[string]bool{}
	domains := []string{"example.com", "example.org", "example.net", "mail.example.com"}
	methods := []string{"FORM", "PREFERENCE_PAGE", "API", "IMPORT"}
	out := make([]synthProfile, 0, demoProfiles)
	for i := range demoProfiles {
		c := pickCountry(countries, rng.IntN(total))
		p := synthProfile{
			first:   c.names.first[rng.IntN(len(c.names.first))],
			last:    c.names.last[rng.IntN(len(c.names.last))],
			locale:  c.locale,
			place:   c.places[rng.IntN(len(c.places))],
			country: model.CountryName(c.region),
			created: micros(epoch.AddDate(0, 0, -rng.IntN(900)-1).Add(time.Duration(rng.IntN(86400)) * time.Second)),
		}
		p.updated = p.created + rng.Int64N(epoch.UnixMicro()-p.created)
		p.lastEvent = p.updated
		p.id = seededProfileID(time.UnixMicro(p.created), rng)
		local := emailLocal(p.first, p.last)
		p.email = local + "@" + domains[rng.IntN(len(domains))]
		for n := 2; emails[p.email]; n++ {
			p.email = local + strconv.Itoa(n) + "@" + domains[rng.IntN(len(domains))]
		}
		if rng.IntN(100) < 90 {
			p.phone = c.phone(rng.Uint64N(1 << 40))
		}
		if i == 0 {
			p.first, p.last, p.email, p.phone = "Sarah", "Mason", "sarah.mason@klaviyo-demo.com", "+15005550006"
			c = &countries[0]
			p.place, p.country, p.locale = c.places[0], model.CountryName("US"), "en-US"
		}
		if p.phone != "" && rng.IntN(100) < 4 {
			p.email = "" // a few phone-only profiles
		}
		emails[p.email] = true
		s.demoConsent(rng, &p, c, epoch, methods, lists)
		out = append(out, p)
	}
	return out
}

// demoConsent gives a demo profile its consent: mostly subscribed email,
// some never subscribed, unsubscribed, bounced or complaining; SMS consent
// only for numbers the policy allows and that can receive texts.
func (s *Sandbox) demoConsent(rng *mrand, p *synthProfile, c *synthCountry, epoch time.Time, methods []string, lists []demoList) {
	at := func() int64 { return p.created + rng.Int64N(epoch.UnixMicro()-p.created) }
	if p.email != "" {
		m := methods[rng.IntN(len(methods))]
		switch r := rng.IntN(100); {
		case r < 55:
			p.emailConsent = synthConsent{model.Subscribed, at(), m, ""}
			if m == "API" {
				src := "Support TUI"
				p.emCustom = &src
			}
		case r < 73:
		case r < 88:
			p.emailConsent = synthConsent{model.Unsubscribed, at(), "PREFERENCE_PAGE", ""}
			p.emSuppr = []storedSuppression{{Reason: "UNSUBSCRIBE", At: p.emailConsent.at}}
		case r < 94:
			p.emailConsent = synthConsent{model.Subscribed, at(), m, ""}
			p.emSuppr = []storedSuppression{{Reason: "HARD_BOUNCE", At: at()}}
		default:
			p.emailConsent = synthConsent{model.Unsubscribed, at(), "SPAM_COMPLAINT", ""}
			p.emSuppr = []storedSuppression{{Reason: "SPAM_COMPLAINT", At: p.emailConsent.at}}
		}
		if p.emailConsent.state == model.Subscribed && len(p.emSuppr) == 0 && rng.IntN(100) < 4 {
			p.emListSuppr = []storedSuppression{{Reason: "USER_SUPPRESSED", At: at(), ListID: lists[0].id}}
		}
	}
	if p.phone == "" || !s.phones.Analyze(p.phone).SMSEligible {
		return
	}
	switch r := rng.IntN(100); {
	case r < 50:
		p.smsMarketing = synthConsent{model.Subscribed, at(), "TEXT", "JOIN"}
		if rng.IntN(100) < 40 {
			p.smsTransaction = synthConsent{model.Subscribed, p.smsMarketing.at, "TEXT", "JOIN"}
		}
	case r < 65:
		p.smsMarketing = synthConsent{model.Unsubscribed, at(), stopMethod, stopDetail}
	}
}
