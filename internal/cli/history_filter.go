package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// historyFilter is history's filters, for a team's journal: who made an
// entry, since when, about whom, in which state, on which account.
type historyFilter struct {
	agent, since, person, state, account string
}

// addFlags adds the filters to fs.
func (f *historyFilter) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.agent, "agent", "", "only entries made by agent `NAME`")
	fs.StringVar(&f.since, "since", "", "only entries made since `WHEN`: a duration (7d, 24h, 30m) or a date (2026-11-01)")
	fs.StringVar(&f.person, "person", "", "only entries about `EMAIL|PHONE` (a phone in any form: +1 201 555 0123)")
	fs.StringVar(&f.state, "state", "", "only entries in `STATE`: pending, accepted, awaiting_confirmation, verified, failed, refused, dismissed")
	fs.StringVar(&f.account, "account", "", "only entries made on account `A` (its name in config.toml)")
}

// matcher is the filters as a test of an entry, at now; bad values are
// usage errors naming the flag.
func (f historyFilter) matcher(rules model.PhoneRules, now time.Time) (func(journal.Entry) bool, error) {
	var since time.Time
	if f.since != "" {
		t, err := parseSince(f.since, now)
		if err != nil {
			return nil, err
		}
		since = t
	}
	state := journal.State(strings.ToLower(strings.TrimSpace(f.state)))
	if state != "" && !knownState(state) {
		return nil, usage.Errorf("--state %q: give one of %s", sanitizeArg(f.state), strings.Join(stateNames(), ", "))
	}
	var email, phone string
	if p := strings.TrimSpace(f.person); p != "" {
		if strings.Contains(p, "@") {
			a := model.AnalyzeEmail(p)
			if !a.Valid {
				return nil, usage.Errorf("--person %s: %s", sanitizeArg(p), a.Reason)
			}
			email = a.Normalized
		} else {
			a := rules.Analyze(p)
			if !a.Valid {
				return nil, usage.Errorf("--person %s: %s", sanitizeArg(p), a.Reason)
			}
			phone = a.E164
		}
	}
	return func(e journal.Entry) bool {
		switch {
		case f.agent != "" && !strings.EqualFold(e.Agent, f.agent):
			return false
		case !since.IsZero() && e.At.Before(since):
			return false
		case state != "" && e.State != state:
			return false
		case f.account != "" && e.Origin.Account != f.account:
			return false
		case email != "" && !strings.EqualFold(e.Request.Email, email):
			return false
		case phone != "" && rules.Analyze(e.Request.Phone).E164 != phone:
			return false
		}
		return true
	}, nil
}

// parseSince reads --since: "7d", "24h", "90m" back from now, or a date
// (midnight, the agent's zone) or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usage.Errorf("--since %q: give a duration such as 7d or 24h, or a date such as 2026-11-01", sanitizeArg(s))
}

// knownState reports whether s is a state an entry can be in.
func knownState(s journal.State) bool {
	for _, n := range stateNames() {
		if string(s) == n {
			return true
		}
	}
	return false
}

// stateNames are the states --state takes.
func stateNames() []string {
	return []string{string(journal.StatePending), string(journal.StateAccepted), string(journal.StateAwaitingConfirmation),
		string(journal.StateVerified), string(journal.StateFailed), string(journal.StateRefused), string(journal.StateDismissed)}
}

// filterEntries keeps the entries match accepts, in order.
func filterEntries(entries []journal.Entry, match func(journal.Entry) bool) []journal.Entry {
	out := entries[:0:0]
	for _, e := range entries {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}
