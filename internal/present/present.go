// Package present says Klaviyo's consent in words, once, for the command
// line and the terminal UI alike: consent words, dates, counts, a phone
// number with its region, a channel's facts, a change's outcome. Everything it
// returns is sanitised plain text; the UI adds styles, the CLI prints it.
package present

import (
	"strconv"
	"strings"
	"time"

	"github.com/consentdesk/consent/model"
)

// Source is what Klaviyo records as the source of the consent Consent Desk
// gives (it comes back as custom_method_detail): the CLI's --source
// default and the UI's.
const Source = "Consent Desk"

// Plural is one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count is n with thousands separators ("4,210", "100,000"): how the CLI
// and the UI write a number of members.
func Count(n int) string {
	digits := strconv.Itoa(n)
	if n < 0 || len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Date is the date part of an RFC 3339 timestamp ("2024-05-06"), sanitised
// first (escapes in front would hide the date), or the sanitised text when
// it is not one.
func Date(ts string) string {
	ts = model.SanitizeText(ts)
	if len(ts) >= 10 && ts[4] == '-' && ts[7] == '-' {
		return strings.ToValidUTF8(ts[:10], "\uFFFD")
	}
	return ts
}

// Minute is a consent timestamp to the minute in the agent's local zone
// (time.Local, from TZ) with its offset ("2024-05-20 21:46 +02:00"; "…
// UTC" when the zone is UTC), the sanitised text when it does not parse, ""
// when there is none. JSON output keeps Klaviyo's own UTC timestamps.
func Minute(ts string) string { return MinuteIn(ts, time.Local) }

// MinuteIn is Minute in the zone loc.
func MinuteIn(ts string, loc *time.Location) string {
	if ts == "" {
		return ""
	}
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return Stamp(t.In(loc), "2006-01-02 15:04")
	}
	return model.SanitizeText(ts)
}

// Second is a timestamp to the second in the agent's local zone with its
// offset ("2024-05-20 21:46:03 +02:00"), as a result says when consent was
// recorded; the sanitised text when it does not parse.
func Second(ts string) string { return SecondIn(ts, time.Local) }

// SecondIn is Second in the zone loc.
func SecondIn(ts string, loc *time.Location) string {
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return Stamp(t.In(loc), "2006-01-02 15:04:05")
	}
	return model.SanitizeText(ts)
}

// Stamp is t in layout, in t's own zone, followed by that zone's UTC
// offset ("+01:00"), or by "UTC" when t is in UTC itself: every
// timestamp the agent reads says which zone it is in.
func Stamp(t time.Time, layout string) string {
	return t.Format(layout) + " " + Zone(t)
}

// Zone is t's zone as a timestamp says it: "UTC" when t is in UTC itself,
// else its offset ("+01:00").
func Zone(t time.Time) string {
	if name, off := t.Zone(); off == 0 && (name == "UTC" || name == "") {
		return "UTC"
	}
	return t.Format("-07:00")
}

// SinceDate is " since 2024-05-20" for an RFC 3339 timestamp, " since"
// and the sanitised text when it does not parse, "" when there is none.
func SinceDate(ts string) string {
	if ts == "" {
		return ""
	}
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return " since " + t.UTC().Format("2006-01-02")
	}
	return " since " + model.SanitizeText(ts)
}

// OrDash is s, or "-" when it is empty: an empty table cell.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
