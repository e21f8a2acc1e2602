package proof

import (
	"regexp"
	"slices"

	"github.com/consentdesk/consent/journal"
)

// AnAgent stands for an agent's name in a redacted record.
const AnAgent = "an agent"

// retryWords finds an entry's id where a result names the retry that
// verified it ("verified by retry 01J…: …").
var retryWords = regexp.MustCompile(`\bretry [^\s:,;]+`)

// profileWords finds a profile id (a ULID) in a result, with "profile "
// before it and the name a refusal gives after it: "profile 01HX… (Ana
// K.)"; the id is its second group.
var profileWords = regexp.MustCompile(`(profile )?\b([0-9A-HJKMNP-TV-Z]{26})\b( \([^)]*\))?`)

// Redact is the record cut to what a data-subject request may disclose:
// the person's own data (their profile, its id, their identifiers, their
// consent at Klaviyo and its history, the wording, who or where collected
// it, the evidence's name and hash, the lists by name), and nothing of
// other people or of the desk's internals: agents become AnAgent, no
// other profile is counted, no key fingerprint, no journal entry, retry,
// claim or import id, no list id, no profile id but the person's. The timeline is built again from what
// is left.
func (r Record) Redact() Record {
	out := r
	out.Redacted = true
	out.OtherProfiles = 0
	out.Lists = make([]List, len(r.Lists))
	for i, l := range r.Lists {
		out.Lists[i] = List{Name: l.Name}
	}
	out.Channels = make([]Channel, len(r.Channels))
	for i, c := range r.Channels {
		c.ListSuppressions = slices.Clone(c.ListSuppressions)
		for j := range c.ListSuppressions {
			c.ListSuppressions[j].ListID = ""
		}
		out.Channels[i] = c
	}
	out.Entries = make([]Entry, len(r.Entries))
	for i, e := range r.Entries {
		e.ID, e.RetryOf, e.ListID = "", "", ""
		e.Agent = agentWord(e.Agent)
		e.NoteBy = agentWord(e.NoteBy)
		e.origin = journal.Origin{Backend: e.origin.Backend, Account: e.origin.Account}
		e.Origin = e.origin.String()
		e.Result = retryWords.ReplaceAllString(e.Result, "a retry")
		e.Result = profileWords.ReplaceAllStringFunc(e.Result, func(m string) string {
			if r.Profile != nil && profileWords.FindStringSubmatch(m)[2] == r.Profile.ID {
				return m
			}
			return "another profile"
		})
		if r.Profile == nil || e.ChosenProfile != r.Profile.ID {
			e.ChosenProfile = "" // another person's profile, or none to compare with
		}
		if e.Import != nil {
			e.Import = &Import{File: e.Import.File, Line: e.Import.Line}
		}
		out.Entries[i] = e
	}
	out.Timeline = timeline(out)
	return out
}

// agentWord is AnAgent for a name, "" for none.
func agentWord(name string) string {
	if name == "" {
		return ""
	}
	return AnAgent
}
