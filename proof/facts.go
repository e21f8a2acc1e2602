package proof

import (
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// Fact is one labelled line of a record: "profile", "01J… · Ana · …".
// Its value is sanitised for a terminal.
type Fact struct{ Label, Value string }

// timeLayout is how a record writes a time, before its zone: to the
// second, as a dispute needs it.
const timeLayout = "2006-01-02 15:04:05"

// When is t as a record writes it, in the agent's zone (time.Local) with
// the zone said: "2026-03-14 09:30:00 UTC".
func When(t time.Time) string { return present.Stamp(t.In(time.Local), timeLayout) }

// whenTS is Klaviyo's timestamp ts as When writes it, its sanitised text
// when it does not parse.
func whenTS(ts string) string {
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return When(t)
	}
	return model.SanitizeText(ts)
}

// Title is the record's title: "Proof of consent: ana@example.com".
func (r Record) Title() string {
	return "Proof of consent: " + model.SanitizeShort(r.Query, 100)
}

// HeaderFacts are who the record is about: the profile, its lists, the
// identifiers matched on, when it was made, whether it is redacted.
func (r Record) HeaderFacts() []Fact {
	var out []Fact
	if p := r.Profile; p != nil {
		who := []string{p.ID}
		for _, s := range []string{p.Name, p.Email, p.Phone} {
			if s != "" {
				who = append(who, s)
			}
		}
		out = append(out, Fact{"profile", strings.Join(who, " · ")})
		if r.OtherProfiles > 0 {
			out = append(out, Fact{"", fmt.Sprintf("and %d more %s with this number, not shown", r.OtherProfiles, present.Plural(r.OtherProfiles, "profile", "profiles"))})
		}
		names := make([]string, len(r.Lists))
		for i, l := range r.Lists {
			names[i] = listWords(l.Name, l.ID)
		}
		out = append(out, Fact{"lists", present.OrDash(strings.Join(names, ", "))})
	} else {
		out = append(out, Fact{"profile", "none in Klaviyo"})
	}
	out = append(out, Fact{"matched on", present.OrDash(strings.Join(append(append([]string{}, r.Email...), r.Phone...), ", "))})
	out = append(out, Fact{"entries", fmt.Sprintf("%d in the journal", len(r.Entries))})
	out = append(out, Fact{"generated", When(r.Generated)})
	if r.Redacted {
		out = append(out, Fact{"redacted", "for a data-subject request: agents unnamed, no internal ids"})
	}
	return sanitized(out)
}

// ChannelFacts are Klaviyo's consent now, a fact a channel.
func (r Record) ChannelFacts() []Fact {
	out := make([]Fact, 0, len(r.Channels))
	for _, c := range r.Channels {
		out = append(out, Fact{c.Channel.Label(), c.Words()})
	}
	return sanitized(out)
}

// Words is the channel's consent in one line: "SUBSCRIBED · can receive ·
// since 2026-03-14 00:00:00 UTC · method API, source Consent Desk ·
// suppressed: hard bounce since 2024-05-18 09:00:00 UTC".
func (c Channel) Words() string {
	if !c.Reported {
		return "not reported"
	}
	parts := []string{string(c.Consent)}
	if c.CanReceive {
		parts = append(parts, "can receive")
	} else {
		parts = append(parts, "cannot receive")
	}
	if c.ConsentTimestamp != "" {
		parts = append(parts, "since "+whenTS(c.ConsentTimestamp))
	}
	if h := how(c); h != "" {
		parts = append(parts, h)
	}
	for _, s := range c.Suppressions {
		parts = append(parts, "suppressed: "+s.Words()+" since "+whenTS(s.Timestamp))
	}
	for _, s := range c.ListSuppressions {
		parts = append(parts, "suppressed on list "+listWords(s.ListName, s.ListID)+": "+model.Suppression{Reason: s.Reason}.Words()+" since "+whenTS(s.Timestamp))
	}
	return model.SanitizeText(strings.Join(parts, " · "))
}

// Heading is an entry in one line: "2026-03-14 09:30:00 UTC subscribe
// email marketing, SMS marketing: verified".
func (e Entry) Heading() string {
	return model.SanitizeText(When(e.At) + " " + string(e.Action) + " " + ChannelWords(e.Channels) + ": " + e.State.Label())
}

// Facts are everything the journal says of the entry.
func (e Entry) Facts() []Fact {
	by := present.OrDash(e.Agent)
	out := []Fact{{"by", by + ", on " + e.Origin}, {"matched", "by " + e.MatchedBy + " " + e.MatchedOn}}
	if list := listWords(e.ListName, e.ListID); list != "" {
		out = append(out, Fact{"list", list})
	}
	if e.Source != "" {
		out = append(out, Fact{"source", e.Source})
	}
	if e.Result != "" {
		out = append(out, Fact{"answer", e.Result})
	}
	if !e.AcceptedAt.IsZero() {
		out = append(out, Fact{"accepted", When(e.AcceptedAt)})
	}
	if !e.VerifiedAt.IsZero() {
		out = append(out, Fact{"verified", When(e.VerifiedAt)})
	}
	if o := e.Offline; o != nil {
		out = append(out, Fact{"consented", When(o.ConsentedAt) + " (entered later)"})
		out = append(out, evidenceFacts(o.CollectedBy, o.TextVersion, o.EvidenceName, o.EvidenceSHA256)...)
	}
	if o := e.Override; o != nil {
		if o.Lifts() {
			out = append(out, Fact{"override", "lifted an SMS opt-out (" + o.OptOut + present.SinceDate(o.OptOutAt) + ") on new evidence"})
		}
		out = append(out, evidenceFacts(o.CollectedBy, o.TextVersion, o.EvidenceName, o.EvidenceSHA256)...)
	}
	if e.ChosenProfile != "" {
		out = append(out, Fact{"conflict", "email and number on two profiles; the agent chose to send to " + e.ChosenProfile})
	}
	if im := e.Import; im != nil {
		s := fmt.Sprintf("%s line %d", im.File, im.Line)
		if im.ID != "" {
			s += " (import " + im.ID + ")"
		}
		out = append(out, Fact{"import", s})
	}
	if e.Note != "" {
		out = append(out, Fact{"note", e.Note + " (" + present.OrDash(e.NoteBy) + ")"})
	}
	if e.ID != "" {
		id := e.ID
		if e.RetryOf != "" {
			id += ", a retry of " + e.RetryOf
		}
		out = append(out, Fact{"entry", id})
	}
	return sanitized(out)
}

// Cells are the event as a row of the timeline: when, from where, the
// channels, what, by whom; sanitised.
func (ev Event) Cells() [5]string {
	return [5]string{
		When(ev.At), ev.Source, model.SanitizeText(ChannelWords(ev.Channels)),
		model.SanitizeText(ev.What), model.SanitizeText(ev.By),
	}
}

// ChannelWords names channels in a sentence: "email marketing, SMS
// marketing".
func ChannelWords(chs []model.Channel) string {
	names := make([]string, len(chs))
	for i, c := range chs {
		names[i] = c.Label()
		if c == model.EmailMarketing {
			names[i] = "email marketing"
		}
	}
	return strings.Join(names, ", ")
}

// sanitized is facts with every label and value sanitised.
func sanitized(facts []Fact) []Fact {
	for i, f := range facts {
		facts[i] = Fact{model.SanitizeText(f.Label), model.SanitizeText(f.Value)}
	}
	return facts
}

// evidenceFacts are who collected a consent, the wording's version and
// the evidence file, each when given.
func evidenceFacts(by, version, name, sha256 string) []Fact {
	var out []Fact
	if by != "" {
		out = append(out, Fact{"collected by", by})
	}
	if version != "" {
		out = append(out, Fact{"wording", version})
	}
	if sha256 != "" {
		out = append(out, Fact{"evidence", evidenceWords(name, sha256)})
	}
	return out
}
