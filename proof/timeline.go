package proof

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// timeline is r's events, newest first: each entry's (consent given, for
// one entered later; made; accepted; how it ended) and Klaviyo's dated
// facts (each channel's consent timestamp, each suppression's).
func timeline(r Record) []Event {
	var out []Event
	for _, e := range r.Entries {
		out = append(out, entryEvents(e)...)
	}
	for _, c := range r.Channels {
		out = append(out, klaviyoEvents(c)...)
	}
	// Newest first: reversed, then sorted stably, so that steps at the
	// same instant read newest first too.
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Event) int { return b.At.Compare(a.At) })
	if out == nil {
		out = []Event{}
	}
	return out
}

// entryEvents are one entry's dated steps.
func entryEvents(e Entry) []Event {
	ev := func(at time.Time, what, by string) Event {
		return Event{At: at, Source: FromJournal, Channels: e.Channels, What: what, By: by, Entry: e.ID}
	}
	var out []Event
	if o := e.Offline; o != nil {
		what := "consent given, entered later"
		if o.TextVersion != "" {
			what += "; wording " + o.TextVersion
		}
		if o.EvidenceSHA256 != "" {
			what += "; evidence " + evidenceWords(o.EvidenceName, o.EvidenceSHA256)
		}
		by := o.CollectedBy
		if by == "" {
			by = e.Agent
		}
		out = append(out, ev(o.ConsentedAt, what, by))
	}
	out = append(out, ev(e.At, asked(e), e.Agent))
	if !e.AcceptedAt.IsZero() {
		out = append(out, ev(e.AcceptedAt, "accepted by Klaviyo", ""))
	}
	if end := ended(e); end != "" && e.Updated.After(e.At) && !e.Updated.Equal(e.AcceptedAt) {
		by := ""
		if e.State == journal.StateDismissed {
			by = e.NoteBy
		}
		out = append(out, ev(e.Updated, end, by))
	}
	return out
}

// asked is what an entry asked: "subscribe asked through list Newsletter
// (import fair.csv line 3)".
func asked(e Entry) string {
	s := string(e.Action) + " asked"
	if list := listWords(e.ListName, e.ListID); list != "" {
		s += " through list " + list
	}
	if e.Source != "" {
		s += ", source " + e.Source
	}
	if e.Import != nil {
		s += fmt.Sprintf(" (import %s line %d)", e.Import.File, e.Import.Line)
	}
	if e.RetryOf != "" {
		s += " (a retry of entry " + e.RetryOf + ")"
	}
	if w := present.OverrideWords(e.Override); w != "" {
		s += "; " + w
	}
	if e.ChosenProfile != "" {
		s += "; sent to " + e.ChosenProfile + " despite the number being on another profile"
	}
	return s
}

// ended is how an entry ended, when it did: "verified: …", "refused: …",
// "dismissed: …"; "" while pending or accepted.
func ended(e Entry) string {
	switch e.State {
	case journal.StatePending, journal.StateAccepted, "":
		return ""
	case journal.StateDismissed:
		return "dismissed: " + e.Note
	}
	result := e.Result
	if len(e.Channels) == 1 {
		// The event line names its channel already: "email marketing:
		// verified", not "email marketing: Email marketing: verified".
		result = strings.TrimPrefix(result, e.Channels[0].Label()+": ")
	}
	switch label := e.State.Label(); {
	case result == "":
		return label
	case strings.Contains(result, label):
		return result // "verified", "SMS marketing: verified; …" say it already
	default:
		return label + ": " + result
	}
}

// klaviyoEvents are one channel's dated facts at Klaviyo.
func klaviyoEvents(c Channel) []Event {
	if !c.Reported {
		return nil
	}
	var out []Event
	ev := func(ts, what, by string) { // by: Klaviyo records no one
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			out = append(out, Event{At: t, Source: FromKlaviyo, Channels: []model.Channel{c.Channel}, What: what, By: by})
		}
	}
	what := "consent " + string(c.Consent)
	if how := how(c); how != "" {
		what += " (" + how + ")"
	}
	ev(c.ConsentTimestamp, what, "")
	for _, s := range c.Suppressions {
		ev(s.Timestamp, "suppressed: "+s.Words(), "")
	}
	for _, s := range c.ListSuppressions {
		ev(s.Timestamp, "suppressed on list "+listWords(s.ListName, s.ListID)+": "+model.Suppression{Reason: s.Reason}.Words(), "")
	}
	return out
}

// how is how Klaviyo says consent was given: "method API, detail …,
// source Consent Desk, double opt-in".
func how(c Channel) string {
	var parts []string
	if c.Method != "" {
		parts = append(parts, "method "+c.Method)
	}
	if c.MethodDetail != "" {
		parts = append(parts, "detail "+c.MethodDetail)
	}
	if c.CustomDetail != "" {
		parts = append(parts, "source "+c.CustomDetail)
	}
	if c.DoubleOptin {
		parts = append(parts, "double opt-in")
	}
	return strings.Join(parts, ", ")
}

// listWords names a list: its name with its id, either alone when the
// other is not known (a redacted record keeps no ids).
func listWords(name, id string) string {
	switch {
	case name != "" && id != "":
		return name + " (" + id + ")"
	case name != "":
		return name
	}
	return id
}

// evidenceWords is an evidence file as a record names it: "sheet.jpg
// (SHA-256 f2ca…)" with the whole digest.
func evidenceWords(name, sha256 string) string {
	if name == "" {
		name = "file"
	}
	return name + " (SHA-256 " + sha256 + ")"
}
