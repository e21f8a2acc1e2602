package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentdesk/consent/model"
)

// ErrorObject is one JSON:API error as Klaviyo returns it (developers.klaviyo.com/en/docs/rate_limits_and_error_handling).
type ErrorObject struct {
	ID     string `json:"id"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Source struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
	} `json:"source"`
	Meta struct {
		// DuplicateProfileID is, on a 409 duplicate_profile, the profile
		// that already has one of the identifiers sent.
		DuplicateProfileID string `json:"duplicate_profile_id"`
	} `json:"meta"`
}

// APIError is a non-2xx answer from Klaviyo. The first error object's fields
// are lifted for convenience; all of them are in Errors. For an answer that
// is not JSON:API (an HTML page from a proxy), Body holds a short sanitised
// excerpt instead.
type APIError struct {
	Status    int
	Code      string
	Title     string
	Detail    string
	Pointer   string
	Parameter string
	Errors    []ErrorObject
	Body      string
	// RetryAfter is Klaviyo's Retry-After on a 429, when given.
	RetryAfter time.Duration
	// Endpoint is the operation that failed, e.g. "POST /api/profile-subscription-bulk-create-jobs".
	Endpoint string
	// DuplicateProfileID is, on a 409 duplicate_profile, the profile that
	// already holds one of the identifiers sent (meta.duplicate_profile_id):
	// "" otherwise.
	DuplicateProfileID string
}

// DuplicateProfile is the profile a 409 duplicate_profile names as
// already holding one of the identifiers sent; "" for any other error.
func DuplicateProfile(err error) string {
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusConflict {
		return ae.DuplicateProfileID
	}
	return ""
}

// Error reads as a sentence: status, Klaviyo's title and detail verbatim
// (sanitised), and where the problem is.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Klaviyo answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Endpoint != "" {
		fmt.Fprintf(&b, " to %s", e.Endpoint)
	}
	switch {
	case e.Detail != "" && e.Detail != e.Title:
		fmt.Fprintf(&b, ": %s", model.SanitizeShort(e.Detail, maxErrorText))
	case e.Title != "":
		fmt.Fprintf(&b, ": %s", model.SanitizeShort(e.Title, maxErrorText))
	case e.Body != "":
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	if where := e.Pointer + e.Parameter; where != "" {
		fmt.Fprintf(&b, " (at %s)", model.SanitizeShort(where, maxErrorText))
	}
	if len(e.Errors) > 1 {
		fmt.Fprintf(&b, " (and %d more)", len(e.Errors)-1)
	}
	return b.String()
}

// MayHaveArrived reports whether a change that failed with err may still
// have reached Klaviyo: the connection broke after the request went out, or
// Klaviyo (or a proxy) answered a POST with a server error. Such a change
// must be checked, not blindly sent again.
func MayHaveArrived(err error) bool {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return ne.MayHaveArrived
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Status >= 500 && !strings.HasPrefix(ae.Endpoint, http.MethodGet+" ")
}

// maxErrorText bounds each of Klaviyo's texts an error message quotes (its
// detail, title, pointer): a hostile or broken answer of megabytes must not
// fill the terminal or the journal.
const maxErrorText = 500

// maxErrorExcerpt bounds the excerpt of a non-JSON error body.
const maxErrorExcerpt = 200

// parseAPIError builds the APIError for a non-2xx answer (its body and
// headers already masked); an excerpt is masked again with m, as what
// excerpt removes could have hidden the key.
func parseAPIError(m *keyMask, status int, header http.Header, body []byte, endpoint string, now time.Time) *APIError {
	e := &APIError{Status: status, Endpoint: endpoint, RetryAfter: parseRetryAfter(header.Get("Retry-After"), now)}
	var doc struct {
		Errors []ErrorObject `json:"errors"`
	}
	if err := json.Unmarshal(body, &doc); err == nil && len(doc.Errors) > 0 {
		e.Errors = doc.Errors
		first := doc.Errors[0]
		e.Code, e.Title, e.Detail = first.Code, first.Title, first.Detail
		e.Pointer, e.Parameter = first.Source.Pointer, first.Source.Parameter
		if id := first.Meta.DuplicateProfileID; isProfileID(id) {
			e.DuplicateProfileID = id
		}
		return e
	}
	e.Body = excerpt(m, body)
	if e.Body == "" {
		e.Body = "no details given"
	}
	return e
}

// excerpt makes a short, terminal-safe, one-line summary of a body that is
// not JSON:API: tags are dropped so an HTML challenge page reads as text,
// and the key masked (m) in the text as shown, before it is cut.
func excerpt(m *keyMask, body []byte) string {
	text := string(body)
	if strings.Contains(text, "<") {
		var b strings.Builder
		inTag := false
		for _, r := range text {
			switch {
			case r == '<':
				inTag = true
			case r == '>':
				inTag = false
				b.WriteByte(' ')
			case !inTag:
				b.WriteRune(r)
			}
		}
		text = b.String()
	}
	return model.SanitizeShort(m.text(strings.Join(strings.Fields(model.SanitizeText(text)), " ")), maxErrorExcerpt+1)
}

// maxRetryAfter bounds what a Retry-After is read as: a day is far past any
// wait the client honours (Options.MaxRetryWait), and bounding it keeps a
// huge value from overflowing into a negative wait.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads Retry-After as whole seconds (Klaviyo's form) or an
// HTTP date, seen from now; 0 when absent, unreadable, negative or already
// past. A wait longer than maxRetryAfter (however long, even past what a
// Duration holds) is maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, ok := parseSeconds(v); ok {
		if secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 { // Sub saturates: no overflow here
			return min(d, maxRetryAfter)
		}
	}
	return 0
}

// parseSeconds reads a run of ASCII digits, HTTP's delay-seconds; a number
// too large for 64 bits reads as the largest.
func parseSeconds(v string) (uint64, bool) {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil { // only ErrRange is left: all digits
		return math.MaxUint64, true
	}
	return n, true
}

// waitText says how long a wait is, for a message: "45s", "2h0m0s", or
// "a day or more" for one at maxRetryAfter.
func waitText(d time.Duration) string {
	if d >= maxRetryAfter {
		return "a day or more"
	}
	return d.Round(time.Second).String()
}

// Refused reports whether Klaviyo refused a request for good: a 4xx answer
// that sending it again would draw again (not 401 or 403, which a new key
// may cure, nor 408 or 429, which pass).
func Refused(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 {
		return false
	}
	switch ae.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return true
}

// isProfileID reports whether s can be a Klaviyo profile id (letters and
// digits, as a ULID is): an id from an answer is asked for again only then.
func isProfileID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}
