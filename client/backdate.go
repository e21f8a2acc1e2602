package client

import (
	"time"

	"github.com/consentdesk/consent/model"
)

// BackDate is how the consent date Klaviyo records for a channel compares
// with the date a historical import asked for.
type BackDate string

// The outcomes of a back-dated channel's date, compared to the second.
const (
	// BackDateAsAsked: Klaviyo's consent_timestamp is the date asked.
	BackDateAsAsked BackDate = "as_asked"
	// BackDateKeptEarlier: Klaviyo kept an earlier consent date: the
	// person was already subscribed on the channel, and a historical
	// import does not move an existing consent's date.
	BackDateKeptEarlier BackDate = "kept_earlier"
	// BackDateDiffers: Klaviyo shows another date, later than asked (or
	// none that can be read).
	BackDateDiffers BackDate = "differs"
)

// backDateLayout is how a result's detail says a consent date, in the
// agent's zone: "14 Mar 2026 00:00 CET".
const backDateLayout = "2 Jan 2006 15:04 MST"

// compareBackDate sets r's comparison of Klaviyo's consent date with the
// one asked, and says it in r.Detail.
func compareBackDate(r *ChannelResult, o model.OfflineConsent) {
	asked := o.ConsentedAt.Truncate(time.Second)
	r.AskedConsentedAt = ConsentedAt(o)
	askedWords := asked.In(time.Local).Format(backDateLayout)
	got, err := time.Parse(time.RFC3339Nano, r.ConsentTimestamp)
	got = got.Truncate(time.Second)
	switch {
	case err != nil:
		r.BackDate = BackDateDiffers
		r.Detail = "Klaviyo shows " + r.Channel.Label() + " " + string(r.Consent) + " with no consent date it can be compared by; asked: " + askedWords
	case got.Equal(asked):
		r.BackDate = BackDateAsAsked
		r.Detail = "Klaviyo records consent given on " + askedWords + ", as asked"
	case got.Before(asked):
		r.BackDate = BackDateKeptEarlier
		r.Detail = "Klaviyo kept the earlier consent date " + got.In(time.Local).Format(backDateLayout) +
			" (not " + askedWords + " as asked): the person was already subscribed"
	default:
		r.BackDate = BackDateDiffers
		r.Detail = "Klaviyo records consent given on " + got.In(time.Local).Format(backDateLayout) + ", not " + askedWords +
			" as asked: the person was probably already subscribed"
	}
}
