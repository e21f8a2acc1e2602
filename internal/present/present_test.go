package present

import (
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

func TestDatesAndTimes(t *testing.T) {
	tests := []struct{ in, date, minute, second string }{
		{"2024-05-06T10:11:12.5+02:00", "2024-05-06", "2024-05-06 08:11 UTC", "2024-05-06 08:11:12 UTC"},
		{"\x1b[2J2024-05-06T10:11:12+00:00", "2024-05-06", "2024-05-06T10:11:12+00:00", "2024-05-06T10:11:12+00:00"},
		{"soon", "soon", "soon", "soon"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		if got := Date(tt.in); got != tt.date {
			t.Errorf("Date(%q) = %q, want %q", tt.in, got, tt.date)
		}
		if got := MinuteIn(tt.in, time.UTC); got != tt.minute {
			t.Errorf("Minute(%q) = %q, want %q", tt.in, got, tt.minute)
		}
		if got := SecondIn(tt.in, time.UTC); got != tt.second {
			t.Errorf("Second(%q) = %q, want %q", tt.in, got, tt.second)
		}
	}
}

// TestTimesInTheLocalZone shows Klaviyo's UTC timestamps in the agent's
// zone, with its offset; the zones are set here, so the test passes
// anywhere.
func TestTimesInTheLocalZone(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	kolkata := time.FixedZone("IST", 5*3600+1800)
	tests := []struct {
		loc            *time.Location
		minute, second string
	}{
		{paris, "2026-11-26 14:04 +01:00", "2026-11-26 14:04:16 +01:00"},
		{kolkata, "2026-11-26 18:34 +05:30", "2026-11-26 18:34:16 +05:30"},
		{time.FixedZone("", -5*3600), "2026-11-26 08:04 -05:00", "2026-11-26 08:04:16 -05:00"},
		{time.UTC, "2026-11-26 13:04 UTC", "2026-11-26 13:04:16 UTC"},
		{time.FixedZone("GMT", 0), "2026-11-26 13:04 +00:00", "2026-11-26 13:04:16 +00:00"},
	}
	for _, tt := range tests {
		ts := "2026-11-26T13:04:16.750+00:00"
		if got := MinuteIn(ts, tt.loc); got != tt.minute {
			t.Errorf("MinuteIn(%s) = %q, want %q", tt.loc, got, tt.minute)
		}
		if got := SecondIn(ts, tt.loc); got != tt.second {
			t.Errorf("SecondIn(%s) = %q, want %q", tt.loc, got, tt.second)
		}
	}
}

func TestPhones(t *testing.T) {
	tests := []struct{ in, cell, text, notEligible string }{
		{"+16175475595", "+16175475595 US", "+1 617-547-5595 · United States (US)", ""},
		{"+38631234567", "+38631234567 SI", "+386 31 234 567 · Slovenia (SI)", "Slovenia (+386) is not an SMS country"},
		{"+1787555", "+1787555 PR?", "+1787555", "keep typing"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		if got := PhoneWithRegion(tt.in, rules); got != tt.cell {
			t.Errorf("PhoneWithRegion(%q) = %q, want %q", tt.in, got, tt.cell)
		}
		p := DescribePhone(tt.in, rules)
		if p.Text != tt.text || !strings.Contains(p.NotEligible, tt.notEligible) || (tt.notEligible == "" && p.NotEligible != "") {
			t.Errorf("DescribePhone(%q) = %+v", tt.in, p)
		}
	}
}

func TestConsentWordsAndFacts(t *testing.T) {
	ts := "2024-05-20T19:46:03+00:00"
	bounced := model.ChannelConsent{Channel: model.EmailMarketing, Present: true, Consent: model.Subscribed, ConsentTimestamp: ts,
		Method: "API", CustomDetail: "Front desk", Suppressions: []model.Suppression{{Reason: "HARD_BOUNCE", Timestamp: ts}}}
	tests := []struct {
		c          model.ChannelConsent
		word, line string
	}{
		{model.ChannelConsent{Present: true, Consent: model.Subscribed, CanReceive: true, ConsentTimestamp: ts}, "subscribed", "SUBSCRIBED · can receive · since 2024-05-20 19:46 UTC"},
		{model.ChannelConsent{Present: true, Consent: model.NeverSubscribed}, "never subscribed", "NEVER_SUBSCRIBED · cannot receive"},
		{bounced, "suppressed: hard bounce (consent SUBSCRIBED)",
			"SUBSCRIBED · cannot receive (hard bounce) · since 2024-05-20 19:46 UTC · method API · custom detail Front desk · suppressed: HARD_BOUNCE since 2024-05-20"},
		{model.ChannelConsent{}, "-", " · cannot receive"},
	}
	for _, tt := range tests {
		if got := ConsentWord(tt.c, "Y6nRLr"); got != tt.word {
			t.Errorf("ConsentWord(%+v) = %q, want %q", tt.c, got, tt.word)
		}
		if got := ChannelFacts(tt.c).Line(); got != tt.line {
			t.Errorf("Line() = %q, want %q", got, tt.line)
		}
	}
}

func TestOutcomes(t *testing.T) {
	ts := "2026-11-26T13:04:16.129+00:00"
	tests := []struct {
		ch   client.ChannelResult
		want string
		tone Tone
	}{
		{client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, ConsentTimestamp: ts, After: 756 * time.Millisecond},
			"✓ verified SUBSCRIBED at 2026-11-26 13:04:16 UTC", Good},
		{client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, ConsentTimestamp: ts, Already: true},
			"✓ already SUBSCRIBED before this change, since 2026-11-26 13:04:16 UTC (Klaviyo keeps that consent and its date)", Good},
		{client.ChannelResult{Outcome: client.PendingDoubleOptIn, Detail: "the list uses double opt-in"}, "… pending double opt-in: the list uses double opt-in", Waiting},
		{client.ChannelResult{Outcome: client.PartialFailure, Detail: "ignored\x1b[2J the phone"}, "✗ partial failure: ignored the phone", Bad},
		{client.ChannelResult{Outcome: client.NotRecorded, Detail: "after 30s Klaviyo still shows NEVER_SUBSCRIBED"}, "… accepted by Klaviyo, not yet seen on the profile: after 30s", Waiting},
	}
	for _, tt := range tests {
		got, tone := Outcome(tt.ch)
		if strings.Contains(got, "after 7") {
			t.Errorf("Outcome(%+v) = %q: a timing of its own (ReadBack gives the one figure)", tt.ch.Outcome, got)
		}
		if !strings.HasPrefix(got, tt.want) || tone != tt.tone {
			t.Errorf("Outcome(%+v) = %q, %d; want %q, %d", tt.ch.Outcome, got, tone, tt.want, tt.tone)
		}
	}
	bounce := client.ChannelResult{Channel: model.EmailMarketing, Outcome: client.Verified, Consent: model.Subscribed,
		Suppressions: []model.Suppression{{Reason: "HARD_BOUNCE", Timestamp: "2024-03-02T08:00:00+00:00"}}}
	if w := Warning(bounce); w != "— but Klaviyo cannot send email marketing to this person: suppressed (hard bounce since 2024-03-02); "+model.AnotherAddressWords {
		t.Errorf("Warning = %q", w)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{-5: "-5", 0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestReadBack: one figure for how long verifying took, and "times" in
// words, never "time(s)".
func TestReadBack(t *testing.T) {
	tests := []struct {
		v    client.Verification
		want string
	}{
		{client.Verification{Polls: 2, Took: 764 * time.Millisecond}, "read back 2 times in 760ms"},
		{client.Verification{Polls: 1, Took: 251 * time.Millisecond}, "read back once in 250ms"},
		{client.Verification{}, "not read back"},
	}
	for _, tt := range tests {
		if got := ReadBack(tt.v); got != tt.want {
			t.Errorf("ReadBack(%+v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestPhoneLine: the live phone line's facts and verdict, one for the
// UI's form and check and for accessible mode.
func TestPhoneLine(t *testing.T) {
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	tests := []struct {
		typed, facts, verdict string
		tone                  Tone
	}{
		{"+1 201 555 0123", "+1 201-555-0123 · United States (US) · mobile or landline", "✓ SMS consent can be recorded", Good},
		{"+386 31 234 567", "+386 31 234 567 · Slovenia (SI) · mobile", "✗ Slovenia (+386) is not an SMS country", Bad},
		{"+1 201 555", "+1 201 555 · probably United States (US)", "… incomplete", Waiting},
		{"", "", "… ", Waiting},
	}
	for _, tt := range tests {
		a := rules.Analyze(tt.typed)
		if got := strings.Join(PhoneFacts(a), " · "); got != tt.facts {
			t.Errorf("%q: facts %q, want %q", tt.typed, got, tt.facts)
		}
		if got, tone := PhoneVerdict(a, false); !strings.HasPrefix(got, tt.verdict) || tone != tt.tone {
			t.Errorf("%q: verdict %q (%v), want %q… (%v)", tt.typed, got, tone, tt.verdict, tt.tone)
		}
	}
}
