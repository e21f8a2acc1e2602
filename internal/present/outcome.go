package present

import (
	"fmt"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// Tone is how an outcome reads: good, waiting, or bad. The UI styles by
// it; the words and marks say it too, so nothing rests on colour.
type Tone int

// The tones of an outcome.
const (
	Good Tone = iota
	Waiting
	Bad
)

// Outcome is one channel's outcome after a change, in words (its
// channel's label not included): "✓ verified SUBSCRIBED at 2026-11-26
// 13:04:16 UTC", "✓ already SUBSCRIBED before this change,
// since …", for a back-dated channel "✓ verified SUBSCRIBED: Klaviyo
// records consent given on 14 Mar 2026 00:00 UTC, as asked" (BackDate),
// "… pending double opt-in: …", "✗ partial failure: …", "…
// accepted by Klaviyo, not yet seen on the profile: …"; and its tone.
func Outcome(ch client.ChannelResult) (string, Tone) {
	detail := model.SanitizeText(ch.Detail)
	switch ch.Outcome {
	case client.Verified:
		if b := BackDate(ch); b != "" {
			return "✓ verified " + model.SanitizeText(string(ch.Consent)) + ": " + b, Good
		}
		if ch.Already {
			s := "✓ already " + model.SanitizeText(string(ch.Consent)) + " before this change"
			if ch.ConsentTimestamp != "" {
				s += ", since " + Second(ch.ConsentTimestamp)
			}
			return s + " (Klaviyo keeps that consent and its date)", Good
		}
		s := "✓ verified " + model.SanitizeText(string(ch.Consent))
		if ch.ConsentTimestamp != "" {
			s += " at " + Second(ch.ConsentTimestamp)
		}
		return s, Good // how long it took is ReadBack's one figure
	case client.PendingDoubleOptIn:
		return "… pending double opt-in: " + detail, Waiting
	case client.PartialFailure:
		return "✗ partial failure: " + detail, Bad
	}
	return "… accepted by Klaviyo, not yet seen on the profile: " + detail +
		". A retry reads it back later (it is sent again only if asked, an hour on).", Waiting
}

// ReadBack is how the change was verified, with the one figure a result
// gives for how long it took: "read back 2 times in 760ms", "read back once
// in 250ms" (the whole read-back, to 10 ms).
func ReadBack(v client.Verification) string {
	times := "once"
	switch {
	case v.Polls == 0:
		return "not read back"
	case v.Polls != 1:
		times = fmt.Sprintf("%d times", v.Polls)
	}
	return fmt.Sprintf("read back %s in %s", times, v.Took.Round(10*time.Millisecond))
}

// Warning is what a verified channel adds when Klaviyo cannot send on it:
// "— but Klaviyo cannot send email marketing to this person: suppressed
// (hard bounce since 2024-03-02)"; "" when it can.
func Warning(ch client.ChannelResult) string {
	if w := ch.ReceiveWarning(); w != "" {
		return "— but " + model.SanitizeText(w)
	}
	return ""
}
