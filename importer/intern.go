package importer

import (
	"strings"
	"sync"
	"unique"

	"github.com/consentdesk/consent/model"
)

// intern is s as one shared copy: most rows of a sheet share their detail
// ("Klaviyo shows Email marketing SUBSCRIBED", a country's SMS reason), and
// a 100,000-row import should hold each sentence once, not per row.
func intern(s string) string {
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}

// channelSets are the shared, read-only channel lists of sharedChannels.
var channelSets sync.Map // "email_marketing sms_marketing" → []model.Channel

// sharedChannels is cs as a shared list equal to it (never modified: a
// row's channels are replaced, never changed in place), so that rows asking
// the same channels do not each hold their own.
func sharedChannels(cs []model.Channel) []model.Channel {
	if len(cs) == 0 {
		return cs
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	key := strings.Join(names, " ")
	if v, ok := channelSets.Load(key); ok {
		return v.([]model.Channel)
	}
	v, _ := channelSets.LoadOrStore(key, append([]model.Channel(nil), cs...))
	return v.([]model.Channel)
}

// shared is r with its detail and channels shared with the rows like it.
func shared(r *Row) {
	r.Detail = intern(r.Detail)
	r.Request.Channels = sharedChannels(r.Request.Channels)
	if r.Request.Email == strings.ToLower(r.Email) {
		r.Request.Email = r.Email // the same text: one copy
	}
}
