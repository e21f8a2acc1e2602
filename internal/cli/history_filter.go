package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// historyFilter is history's filters, for a team's journal: who made an
// entry, since when, about whom, in which state, on which account. The
// account is the global --account (apiFlags), which also chooses the
// journal read.
type historyFilter struct {
	agent, since, person, state, account string
}

// addFlags adds the filters but the account to fs.
func (f *historyFilter) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.agent, "agent", "", "only entries made by agent `NAME`")
	fs.StringVar(&f.since, "since", "", "only entries made since `WHEN`: a duration (7d, 24h, 30m) or a date (2026-11-01)")
	fs.StringVar(&f.person, "person", "", "only entries about `EMAIL|PHONE` (a phone in any form: +1 201 555 0123)")
	fs.StringVar(&f.state, "state", "", "only entries in `STATE`: pending, accepted, awaiting_confirmation, verified, failed, refused, dismissed")
}

// journalFilter is the filters as the journal takes them, at now; bad
// values are usage errors naming the flag.
func (f historyFilter) journalFilter(rules model.PhoneRules, now time.Time) (journal.Filter, error) {
	jf := journal.Filter{Agent: f.agent, Account: f.account}
	if f.since != "" {
		t, err := journal.ParseSince(f.since, now)
		if err != nil {
			return jf, usage.Errorf("--since %q: %s", sanitizeArg(f.since), err)
		}
		jf.Since = t
	}
	if f.state != "" {
		if err := jf.SetState(f.state); err != nil {
			return jf, usage.Errorf("--state %q: %s", sanitizeArg(f.state), err)
		}
	}
	if f.person != "" {
		if err := jf.SetPerson(f.person, rules); err != nil {
			return jf, usage.Errorf("--person %s: %s", sanitizeArg(f.person), err)
		}
	}
	return jf, nil
}

// entries reads the journal in use (openJournalOnly) and keeps the
// entries the filters let through, newest first; bad filters are usage
// errors, checked before the journal is opened.
func (f historyFilter) entries(e env) ([]journal.Entry, error) {
	cfg, err := readingConfig(e, f.account)
	if err != nil {
		return nil, err
	}
	jf, err := f.journalFilter(cfg.Rules, time.Now())
	if err != nil {
		return nil, err
	}
	j, err := openJournalOnly(e, cfg)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	return readJournalMatching(j, jf, e.stderr)
}
