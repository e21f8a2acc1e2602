package client

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/model"
)

// Outcome is what verification found for one requested channel.
type Outcome string

// The outcomes of a channel after a submit.
const (
	// Verified: Klaviyo's profile shows the consent asked for.
	Verified Outcome = "verified"
	// PendingDoubleOptIn: email or SMS marketing on a double-opt-in list;
	// Klaviyo records it when the person confirms.
	PendingDoubleOptIn Outcome = "pending_double_opt_in"
	// PartialFailure: Klaviyo accepted the job but ignored this channel's
	// identifier (X-Klaviyo-Partial-Failure).
	PartialFailure Outcome = "partial_failure"
	// NotRecorded: the profile still does not show it when the bound passed.
	NotRecorded Outcome = "not_recorded"
)

// ChannelResult is one requested channel's verified outcome.
type ChannelResult struct {
	Channel          model.Channel      `json:"channel"`
	Outcome          Outcome            `json:"outcome"`
	Consent          model.ConsentState `json:"consent,omitempty"`
	ConsentTimestamp string             `json:"consent_timestamp,omitempty"`
	Method           string             `json:"method,omitempty"`
	// LastUpdated is the channel's last_updated as read back.
	LastUpdated string `json:"last_updated,omitempty"`
	// CanReceive is the channel's can_receive_… as read back: whether
	// Klaviyo can send on it. A subscribe is verified on the consent alone,
	// and subscribing does not lift every suppression (a hard bounce stays),
	// so a verified SUBSCRIBED channel may still not receive.
	CanReceive bool `json:"can_receive"`
	// Suppressions are the channel's suppressions as read back (email
	// only; raw API text: sanitise to render).
	Suppressions []model.Suppression `json:"suppression,omitempty"`
	// After is how long after the submit the outcome was known.
	After time.Duration `json:"after_ns"`
	// Detail says why, in a sentence (raw API text: sanitise to render).
	Detail string `json:"detail"`
	// Already is set for a channel verified on consent Klaviyo held from
	// before the submission (its timestamps are older, and stayed so):
	// the person was already as asked, since ConsentTimestamp.
	Already bool `json:"already,omitempty"`
	// AskedConsentedAt is, for a back-dated subscribe (historical
	// import), the consent date asked, RFC 3339 in UTC as sent.
	AskedConsentedAt string `json:"asked_consented_at,omitempty"`
	// BackDate is, for a verified back-dated channel, how
	// ConsentTimestamp compares with AskedConsentedAt; Detail says it.
	BackDate BackDate `json:"back_date,omitempty"`
}

// ReceiveWarning says, in a sentence, that Klaviyo holds SUBSCRIBED consent
// for the channel but cannot send on it, and why: "Klaviyo cannot send
// email marketing to this person: suppressed (hard bounce since
// 2024-03-02)". "" when the channel can receive or is not SUBSCRIBED.
// Unknown reasons are sanitised.
func (r ChannelResult) ReceiveWarning() string {
	c := r.consent()
	if !c.Suppressed() {
		return ""
	}
	what := r.Channel.Label()
	if !r.Channel.IsSMS() { // "email marketing"; "SMS" keeps its capitals
		what = strings.ToLower(what[:1]) + what[1:]
	}
	s := "Klaviyo cannot send " + what + " to this person"
	if len(c.Suppressions) == 0 {
		return s + " (Klaviyo gives no reason)"
	}
	s += ": " + c.SuppressionDetail()
	if _, ok := c.PermanentSuppression(); ok {
		s += "; " + model.AnotherAddressWords
	}
	return s
}

// consent is the channel's consent as read back, as far as the result
// keeps it.
func (r ChannelResult) consent() model.ChannelConsent {
	return model.ChannelConsent{Channel: r.Channel, Present: r.Consent != "", Consent: r.Consent, CanReceive: r.CanReceive,
		ConsentTimestamp: r.ConsentTimestamp, LastUpdated: r.LastUpdated, Method: r.Method, Suppressions: r.Suppressions}
}

// Verification is the read-back of a submission.
type Verification struct {
	ProfileID string          `json:"profile_id,omitempty"`
	Channels  []ChannelResult `json:"channels"`
	Polls     int             `json:"polls"`
	Took      time.Duration   `json:"took_ns"`
}

// AllVerified reports whether every channel shows what was asked.
func (v Verification) AllVerified() bool {
	for _, c := range v.Channels {
		if c.Outcome != Verified {
			return false
		}
	}
	return len(v.Channels) > 0
}

// VerifyOptions bound a verification.
type VerifyOptions struct {
	// Timeout is how long to keep reading the profile back (default 30 s).
	Timeout time.Duration
	// DoubleOptIn is set when the list waits for the person to confirm
	// email and SMS marketing consent.
	DoubleOptIn bool
	// MaxPolls, when above 0, bounds how many times the profile is read:
	// with 1, Verify says what Klaviyo shows now, without waiting.
	MaxPolls int
}

// pollDelays are the waits between read-backs; the last repeats.
var pollDelays = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}

// Verify reads the profile back, with backoff, until every requested channel
// shows the consent asked for or the bound passes. Channels Klaviyo said it
// ignored (partial failure) and marketing consent on a double-opt-in list
// are reported as such rather than waited for. A back-dated subscribe
// (historical import) skips double opt-in, so it is waited for as on a
// single-opt-in list, and each verified channel's consent date is compared
// with the one asked (ChannelResult.BackDate).
func (c *Client) Verify(ctx context.Context, s Submission, opts VerifyOptions) (Verification, error) {
	backDated := s.Request.Offline != nil && s.Want == model.Subscribed
	if backDated {
		opts.DoubleOptIn = false
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	start := c.opts.Now()
	deadline := start.Add(opts.Timeout)
	var v Verification
	pending := map[model.Channel]bool{}
	for _, ch := range s.Request.Channels {
		if ch.IsSMS() && strings.Contains(s.PartialFailure, "phone_number") {
			v.Channels = append(v.Channels, ChannelResult{Channel: ch, Outcome: PartialFailure, After: 0,
				Detail: partialFailureDetail(s)})
			continue
		}
		pending[ch] = true
	}
	// Klaviyo applies a job after answering it, so a read the moment the
	// 202 came back would only find the profile as it was: the first read
	// waits for the first delay after the submit (a read-back of an older
	// submit, by a retry, does not wait).
	if wait := pollDelays[0] - c.opts.Now().Sub(s.At); len(pending) > 0 && wait > 0 {
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return v, fmt.Errorf("verifying: %w", err)
		}
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		profiles, err := c.readBack(ctx, s.Request)
		if err != nil {
			return v, fmt.Errorf("verifying: %w", err)
		}
		v.Polls++
		elapsed := c.opts.Now().Sub(s.At)
		if len(profiles) > 0 {
			p := profiles[0]
			v.ProfileID = p.ID
			for _, ch := range s.Request.Channels {
				if !pending[ch] {
					continue
				}
				got := p.Subscriptions.Channel(ch)
				switch {
				case got.Consent == s.Want && predates(got, s.At) && v.Polls < alreadyPolls && !lastPoll(v, opts, deadline, c.opts.Now()):
					// As asked, but from before the job: it may not have
					// run yet. Read again before saying the person was
					// already so.
				case got.Consent == s.Want && predates(got, s.At):
					r := result(ch, Verified, got, elapsed, fmt.Sprintf("Klaviyo already showed %s %s from before this change, and keeps that consent", ch.Label(), got.Consent))
					r.Already = true
					v.Channels = append(v.Channels, r)
					delete(pending, ch)
				case got.Consent == s.Want:
					v.Channels = append(v.Channels, result(ch, Verified, got, elapsed,
						fmt.Sprintf("Klaviyo shows %s %s", ch.Label(), got.Consent)))
					delete(pending, ch)
				case ch == model.EmailMarketing && opts.DoubleOptIn && s.Want == model.Subscribed:
					v.Channels = append(v.Channels, result(ch, PendingDoubleOptIn, got, elapsed,
						"the list uses double opt-in: Klaviyo records email consent when the person confirms the email it sends"))
					delete(pending, ch)
				case ch == model.SMSMarketing && opts.DoubleOptIn && s.Want == model.Subscribed:
					v.Channels = append(v.Channels, result(ch, PendingDoubleOptIn, got, elapsed,
						"the list uses double opt-in: Klaviyo records SMS consent when the person replies YES to the text it sends"))
					delete(pending, ch)
				}
			}
		}
		if len(pending) == 0 {
			break
		}
		now := c.opts.Now()
		if !now.Before(deadline) || (opts.MaxPolls > 0 && v.Polls >= opts.MaxPolls) {
			for _, ch := range s.Request.Channels {
				if pending[ch] {
					got := model.ChannelConsent{Consent: model.NeverSubscribed}
					if len(profiles) > 0 {
						got = profiles[0].Subscriptions.Channel(ch)
					}
					v.Channels = append(v.Channels, result(ch, NotRecorded, got, now.Sub(s.At),
						notRecordedDetail(ch, got, len(profiles) > 0, opts.Timeout)))
				}
			}
			break
		}
		d := pollDelays[min(attempt, len(pollDelays)-1)]
		if rest := deadline.Sub(now); d > rest {
			d = rest
		}
		if err := c.opts.Sleep(ctx, d); err != nil {
			return v, fmt.Errorf("verifying: %w", err)
		}
	}
	if backDated {
		for i := range v.Channels {
			if v.Channels[i].Outcome == Verified {
				compareBackDate(&v.Channels[i], *s.Request.Offline)
			}
		}
	}
	v.Channels = inRequestOrder(v.Channels, s.Request.Channels)
	v.Took = c.opts.Now().Sub(start)
	return v, nil
}

// alreadyPolls is how many reads a channel that shows the consent asked,
// but only with timestamps from before the submission, is read for (about
// 1.75 s after it, with pollDelays): the job may not have run yet. After
// them, the person was already as asked.
const alreadyPolls = 3

// clockSkew is how much earlier than the submission Klaviyo's clock may
// stamp the job's own change.
const clockSkew = 2 * time.Second

// predates reports whether a channel's consent carries timestamps, all
// from before at (less clockSkew): it was not changed by a job sent then.
func predates(got model.ChannelConsent, at time.Time) bool {
	latest := time.Time{}
	for _, ts := range []string{got.ConsentTimestamp, got.LastUpdated} {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil && t.After(latest) {
			latest = t
		}
	}
	return !latest.IsZero() && latest.Before(at.Add(-clockSkew))
}

// lastPoll reports whether the read just made is the last one allowed.
func lastPoll(v Verification, opts VerifyOptions, deadline, now time.Time) bool {
	return (opts.MaxPolls > 0 && v.Polls >= opts.MaxPolls) || !now.Before(deadline)
}

// readBack looks the profile up by email, else by phone.
func (c *Client) readBack(ctx context.Context, r model.CheckedRequest) ([]Profile, error) {
	if r.Email != "" {
		return c.LookupEmail(ctx, r.Email)
	}
	return c.LookupPhone(ctx, r.Phone)
}

func result(ch model.Channel, o Outcome, got model.ChannelConsent, after time.Duration, detail string) ChannelResult {
	return ChannelResult{Channel: ch, Outcome: o, Consent: got.Consent, ConsentTimestamp: got.ConsentTimestamp,
		Method: got.Method, LastUpdated: got.LastUpdated, CanReceive: got.CanReceive, Suppressions: got.Suppressions,
		After: after, Detail: detail}
}

func partialFailureDetail(s Submission) string {
	d := "Klaviyo accepted the job but ignored the phone number (X-Klaviyo-Partial-Failure: " + s.PartialFailure + "), so SMS consent was not recorded"
	switch a := s.Request.PhoneAnalysis; {
	case a != nil && !a.SMSEligible && a.Reason != "":
		d += ": " + a.ReasonFor(false)
	case a == nil || a.Valid:
		// A number Klaviyo can use is ignored when another profile holds
		// it: Klaviyo keeps one phone number on one profile.
		d += ": another profile may hold this number (Klaviyo keeps each phone number on one profile)"
	}
	return d
}

func notRecordedDetail(ch model.Channel, got model.ChannelConsent, found bool, bound time.Duration) string {
	if !found {
		return fmt.Sprintf("no profile with this email or phone after %s: Klaviyo has not processed the job, or dropped it", bound.Round(time.Second))
	}
	return fmt.Sprintf("after %s Klaviyo still shows %s %s", bound.Round(time.Second), ch.Label(), got.Consent)
}

// inRequestOrder sorts results into the order the channels were asked for.
func inRequestOrder(rs []ChannelResult, order []model.Channel) []ChannelResult {
	out := make([]ChannelResult, 0, len(rs))
	for _, ch := range order {
		for _, r := range rs {
			if r.Channel == ch {
				out = append(out, r)
			}
		}
	}
	return out
}
