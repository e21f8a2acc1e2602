package present

import (
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// backDateLayout is how a back-date is written for the agent, before its
// zone: "14 Mar 2026 00:00".
const backDateLayout = "2 Jan 2006 15:04"

// ConsentedOn is a back-date in the agent's zone (time.Local), with the
// zone said: "14 Mar 2026 00:00 UTC", "14 Mar 2026 00:00 +01:00".
func ConsentedOn(t time.Time) string { return Stamp(t.In(time.Local), backDateLayout) }

// BackDateWarnings say, before a back-dated subscribe is sent, what a
// historical import does that an ordinary subscribe does not: on a
// double-opt-in list, that no confirmation is asked; through a list, that
// the flows the list triggers do not run; always, that a person already
// subscribed keeps their older consent date. list may be nil (no list, or
// not read yet: then nothing is said of the list).
func BackDateWarnings(list *client.List) []string {
	var out []string
	if list != nil {
		name := model.SanitizeShort(list.Name, 60)
		if list.DoubleOptIn() {
			out = append(out, "Historical import skips double opt-in: "+name+" asks people to confirm, but this person will not be asked; the consent is recorded at once.")
		}
		out = append(out, "List-triggered welcome flows will not fire: Klaviyo's historical import bypasses \"Added to list\" flows, so "+name+"'s welcome is not sent.")
	}
	return append(out, "A profile already subscribed keeps its older consent date: the date given is recorded only where there is no consent yet.")
}

// OfflineFacts say an offline consent's record, one fact a part:
// "consent given on 14 Mar 2026 00:00 UTC", "collected by Booth, Spring
// Fair", "wording fair-2026", "evidence sheet.jpg (SHA-256 9f86d081…)".
// Text is sanitised.
func OfflineFacts(o model.OfflineConsent) []string {
	out := []string{"consent given on " + ConsentedOn(o.ConsentedAt)}
	if o.CollectedBy != "" {
		out = append(out, "collected by "+model.SanitizeShort(o.CollectedBy, 80))
	}
	if o.TextVersion != "" {
		out = append(out, "wording "+model.SanitizeShort(o.TextVersion, 80))
	}
	if o.EvidenceSHA256 != "" {
		name := model.SanitizeShort(o.EvidenceName, 60)
		if name == "" {
			name = "file"
		}
		out = append(out, "evidence "+name+" (SHA-256 "+model.SanitizeShort(o.EvidenceSHA256, 13)+")")
	}
	return out
}

// BackDate is how a back-dated channel's date came out, in the agent's
// zone: "Klaviyo records consent given on 14 Mar 2026 00:00 UTC, as asked",
// "Klaviyo kept the earlier consent date 1 Jun 2025 08:00 UTC (not 14 Mar
// 2026 00:00 UTC as asked): the person was already subscribed"; "" for a
// channel that was not back-dated or not verified.
func BackDate(ch client.ChannelResult) string {
	asked, err := time.Parse(time.RFC3339Nano, ch.AskedConsentedAt)
	if ch.BackDate == "" || err != nil {
		return ""
	}
	got, gotErr := time.Parse(time.RFC3339Nano, ch.ConsentTimestamp)
	switch {
	case ch.BackDate == client.BackDateAsAsked:
		return "Klaviyo records consent given on " + ConsentedOn(asked) + ", as asked"
	case gotErr != nil:
		return "Klaviyo shows no consent date to compare with " + ConsentedOn(asked) + ", the date asked"
	case ch.BackDate == client.BackDateKeptEarlier:
		return "Klaviyo kept the earlier consent date " + ConsentedOn(got) + " (not " + ConsentedOn(asked) + " as asked): the person was already subscribed"
	}
	return "Klaviyo records consent given on " + ConsentedOn(got) + ", not " + ConsentedOn(asked) + " as asked: the person was probably already subscribed"
}

// OverrideWords say what an override lifted and on what evidence: "lifted
// the SMS opt-out (replied STOP) on new evidence: wording sms-2026-11,
// collected by Dana, evidence call.mp3"; "" unless it lifted one.
func OverrideWords(o *model.Override) string {
	if !o.Lifts() {
		return ""
	}
	var facts []string
	if o.TextVersion != "" {
		facts = append(facts, "wording "+model.SanitizeText(o.TextVersion))
	}
	if o.CollectedBy != "" {
		facts = append(facts, "collected by "+model.SanitizeText(o.CollectedBy))
	}
	if o.EvidenceSHA256 != "" {
		name := o.EvidenceName
		if name == "" {
			name = "a file"
		}
		facts = append(facts, "evidence "+model.SanitizeText(name))
	}
	return "lifted the SMS opt-out (" + model.SanitizeText(o.OptOut) + ") on new evidence: " + strings.Join(facts, ", ")
}
