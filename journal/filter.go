package journal

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/consentdesk/consent/model"
)

// Filter keeps the entries of a team's review: made by one agent, since a
// time, about one person, in one state, on one account. A zero field
// keeps every entry.
type Filter struct {
	Agent   string
	Since   time.Time
	Email   string // normalised: entries for this address
	Phone   string // E.164: entries for this number, however it was typed
	State   State
	Account string
}

// Match reports whether e passes the filter. An entry's phone is compared
// as journaled: in E.164, as every request is checked before it is (so a
// filter over a team's journal parses no number per entry).
func (f Filter) Match(e Entry) bool {
	switch {
	case f.Agent != "" && !strings.EqualFold(e.Agent, f.Agent):
		return false
	case !f.Since.IsZero() && e.At.Before(f.Since):
		return false
	case f.State != "" && e.State != f.State:
		return false
	case f.Account != "" && e.Origin.Account != f.Account:
		return false
	case f.Email != "" && !strings.EqualFold(e.Request.Email, f.Email):
		return false
	case f.Phone != "" && e.Request.Phone != f.Phone:
		return false
	}
	return true
}

// Keep returns the entries of es that f matches, in their order, in a
// slice of its own.
func (f Filter) Keep(es []Entry) []Entry {
	var kept []Entry
	for _, e := range es {
		if f.Match(e) {
			kept = append(kept, e)
		}
	}
	return kept
}

// SetPerson sets the person to keep: an email address, else a phone
// number (read by rules); an error says why it is neither.
func (f *Filter) SetPerson(s string, rules model.PhoneRules) error {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		a := model.AnalyzeEmail(s)
		if !a.Valid {
			return errors.New(a.Reason)
		}
		f.Email = a.Normalized
		return nil
	}
	a := rules.Analyze(s)
	if !a.Valid {
		return errors.New(a.Reason)
	}
	f.Phone = a.E164
	return nil
}

// SetState sets the state to keep; an error names the states there are.
func (f *Filter) SetState(s string) error {
	st := State(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range States {
		if st == known {
			f.State = st
			return nil
		}
	}
	names := make([]string, len(States))
	for i, k := range States {
		names[i] = string(k)
	}
	return errors.New("give one of " + strings.Join(names, ", "))
}

// States are every state an entry can be in, in their order of life.
var States = []State{StatePending, StateAccepted, StateAwaitingConfirmation, StateVerified, StateFailed, StateRefused, StateDismissed}

// ParseSince reads "since when": a duration back from now ("7d", "24h",
// "90m"), or a date (midnight, the local zone) or an RFC 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
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
	return time.Time{}, errors.New("give a duration such as 7d or 24h, or a date such as 2026-11-01")
}
