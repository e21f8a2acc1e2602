package client

import (
	"net/http"
	"strings"
	"time"
)

// The RateLimit-* headers Klaviyo sets on every answer but a 429, describing
// the steady (one-minute) window of the endpoint answered
// (https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling).
const (
	hdrLimit     = "RateLimit-Limit"
	hdrRemaining = "RateLimit-Remaining"
	hdrReset     = "RateLimit-Reset"
)

// Bounds on what the headers are believed. Klaviyo's largest tier is 3,500
// requests a minute and its steady window one minute: values far outside
// are not Klaviyo's and are ignored rather than obeyed.
const (
	maxHeaderLimit = 1_000_000
	maxHeaderReset = time.Hour
)

// headerState says what an answer's RateLimit-* headers amount to.
type headerState int

const (
	// headersAbsent: none of the three headers: a server that does not
	// describe its limits.
	headersAbsent headerState = iota
	// headersInvalid: some are there, but not all three, or one is not a
	// number within bounds: the server has limits the client cannot read.
	headersInvalid
	// headersValid: all three, read.
	headersValid
)

// steadyQuota is one answer's view of its endpoint's steady window.
type steadyQuota struct {
	// Limit is the window's quota, at least 1.
	Limit int
	// Remaining is what is left of it after the request answered, between 0
	// and Limit.
	Remaining int
	// Reset is how long until the window starts again, as the server
	// rounded it to whole seconds, between 0 and maxHeaderReset.
	Reset time.Duration
}

// parseRateLimit reads an answer's RateLimit-* headers. Each must be a run
// of ASCII digits (spaces around allowed, no sign), Limit at least 1 and at
// most maxHeaderLimit, Remaining at most Limit, Reset at most
// maxHeaderReset; anything else makes the whole set invalid. It never
// panics and never overflows.
func parseRateLimit(h http.Header) (steadyQuota, headerState) {
	rawLimit, hasLimit := headerValue(h, hdrLimit)
	rawRemaining, hasRemaining := headerValue(h, hdrRemaining)
	rawReset, hasReset := headerValue(h, hdrReset)
	if !hasLimit && !hasRemaining && !hasReset {
		return steadyQuota{}, headersAbsent
	}
	limit, ok1 := boundedInt(rawLimit, maxHeaderLimit)
	remaining, ok2 := boundedInt(rawRemaining, maxHeaderLimit)
	reset, ok3 := boundedInt(rawReset, int(maxHeaderReset/time.Second))
	if !ok1 || !ok2 || !ok3 || limit < 1 || remaining > limit {
		return steadyQuota{}, headersInvalid
	}
	return steadyQuota{Limit: limit, Remaining: remaining, Reset: time.Duration(reset) * time.Second}, headersValid
}

// headerValue is the first value of header name and whether it is there at
// all (an empty value counts as there: it is a header the client cannot
// read, not a missing one).
func headerValue(h http.Header, name string) (string, bool) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// boundedInt reads v as whole digits no larger than limit.
func boundedInt(v string, limit int) (int, bool) {
	if v == "" {
		return 0, false
	}
	n, ok := parseSeconds(v)
	if !ok || n > uint64(limit) {
		return 0, false
	}
	return int(n), true
}
