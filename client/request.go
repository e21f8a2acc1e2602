package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The operations Consent Desk calls, named as method and path template: the
// limiter's keys and the names errors use.
const (
	epLists       = "GET /api/lists"
	epList        = "GET /api/lists/{id}"
	epListCount   = "GET /api/lists/{id}?additional-fields[list]=profile_count"
	epMembers     = "GET /api/lists/{id}/profiles"
	epProfiles    = "GET /api/profiles"
	epProfile     = "GET /api/profiles/{id}"
	epProfileList = "GET /api/profiles/{id}/lists"
	epSubscribe   = "POST /api/profile-subscription-bulk-create-jobs"
	epUnsubscribe = "POST /api/profile-subscription-bulk-delete-jobs"
)

// response is a successful answer, body read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// endpointURL joins the base URL, a path and a query.
func (c *Client) endpointURL(path string, query url.Values) string {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + path
	u.RawQuery = query.Encode()
	return u.String()
}

// followURL checks a link from a response (links.next, or links.prev:
// which says which) before it is requested: it must be an absolute URL on
// the client's own scheme and host, since the request will carry the API
// key. The error says what is wrong with the link.
func (c *Client) followURL(link, which string) (string, error) {
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		return "", fmt.Errorf("Klaviyo's %s link %q is not an absolute URL: not followed", which, excerpt(c.mask, []byte(link)))
	}
	if problem := c.offBase(u); problem != "" {
		return "", fmt.Errorf("Klaviyo's %s link %s: not followed, so the API key stays with Klaviyo", which, problem)
	}
	return u.String(), nil
}

// offBase says how u leaves the client's base URL, "" when it does not: a
// scheme that is not http(s), another host, or the other one of http and
// https on the same host.
func (c *Client) offBase(u *url.URL) string {
	scheme, base := strings.ToLower(u.Scheme), c.base.Scheme+"://"+c.base.Host
	switch {
	case scheme != "http" && scheme != "https":
		sep := "://"
		if u.Opaque != "" { // mailto:x, javascript:x
			sep = ":"
		}
		return fmt.Sprintf("is a %s%s URL, not an http(s) one on %s", excerpt(c.mask, []byte(scheme)), sep, c.base.Host)
	case u.Host == "":
		return fmt.Sprintf("names no host, not %s", base)
	case !strings.EqualFold(u.Host, c.base.Host):
		return fmt.Sprintf("points to %s://%s, not %s", scheme, excerpt(c.mask, []byte(u.Host)), base)
	case scheme != c.base.Scheme:
		return fmt.Sprintf("switches from %s to %s on %s", c.base.Scheme, scheme, c.base.Host)
	}
	return ""
}

// getJSON sends a GET and decodes the answer into v.
func (c *Client) getJSON(ctx context.Context, endpoint, rawURL string, v any) error {
	resp, err := c.send(ctx, http.MethodGet, endpoint, rawURL, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return fmt.Errorf("Klaviyo's answer to %s is not the JSON expected: %w", endpoint, err)
	}
	return nil
}

// send makes a request with retries: a 429 is retried after Klaviyo's
// Retry-After (capped); a 5xx or a network failure is retried only for a GET,
// with backoff 1 s, 2 s, 4 s. A POST that failed in the network or got a 5xx
// is never resent: the job may have been accepted, and bulk jobs are not
// idempotent. Non-2xx answers become *APIError.
func (c *Client) send(ctx context.Context, method, endpoint, rawURL string, body []byte) (*response, error) {
	idempotent := method == http.MethodGet
	for attempt := 1; ; attempt++ {
		var tk *ticket
		if c.limiter != nil {
			t, waited, err := c.limiter.wait(ctx, endpoint, c.opts.MaxRetryWait)
			if err != nil {
				return nil, err
			}
			tk = t
			c.reportWait(waited, "limit", endpoint, attempt)
		}
		resp, err := c.attempt(ctx, method, endpoint, rawURL, body)
		c.limiter.settle(tk, resp) // the answer's RateLimit-* headers, or none
		var retryIn time.Duration
		reason := "retry"
		switch {
		case err != nil:
			var ne *NetworkError
			if !idempotent || ctx.Err() != nil || !errors.As(err, &ne) {
				return nil, err
			}
			retryIn = backoff(attempt)
		case resp.status < 300:
			c.noteRateLimit(resp.header)
			return resp, nil
		case resp.status == http.StatusTooManyRequests:
			apiErr := parseAPIError(c.mask, resp.status, resp.header, resp.body, endpoint, c.opts.Now())
			err = apiErr
			retryIn, reason = apiErr.RetryAfter, "throttled"
			if retryIn == 0 {
				retryIn = backoff(attempt)
			}
			// Every request to the endpoint waits, not only this one's retry.
			c.limiter.hold(endpoint, retryIn)
			if retryIn > c.opts.MaxRetryWait {
				return nil, fmt.Errorf("%w; Klaviyo asked to wait %s, longer than %s: try again later", apiErr, waitText(retryIn), c.opts.MaxRetryWait)
			}
		case resp.status >= 500 && idempotent:
			err = parseAPIError(c.mask, resp.status, resp.header, resp.body, endpoint, c.opts.Now())
			retryIn = backoff(attempt)
		default:
			c.noteRateLimit(resp.header)
			return nil, parseAPIError(c.mask, resp.status, resp.header, resp.body, endpoint, c.opts.Now())
		}
		if attempt >= c.opts.Attempts {
			return nil, err
		}
		c.reportWait(retryIn, reason, endpoint, attempt+1)
		if serr := c.opts.Sleep(ctx, retryIn); serr != nil {
			return nil, errors.Join(err, serr)
		}
	}
}

// attempt sends one request and reads the whole answer, within the
// per-attempt timeout and the body size limit.
func (c *Client) attempt(ctx context.Context, method, endpoint, rawURL string, body []byte) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", endpoint, err)
	}
	req.Header.Set("Authorization", "Klaviyo-API-Key "+c.key)
	req.Header.Set("revision", Revision)
	req.Header.Set("Accept", jsonAPI)
	if body != nil {
		req.Header.Set("Content-Type", jsonAPI)
	}
	req.Header.Set("User-Agent", "consent-desk/1 (+https://github.com/consentdesk/consent)")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, c.networkError(endpoint, method, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, c.networkError(endpoint, method, err)
	}
	if int64(len(data)) > c.opts.MaxBody {
		return nil, fmt.Errorf("Klaviyo's answer to %s is larger than %d MiB: not read", endpoint, c.opts.MaxBody>>20)
	}
	// Whatever echoes the key (a proxy repeating the Authorization header,
	// a misbehaving server) has it masked before anything reads the
	// answer: so no error, screen, --json line or journal entry made from
	// it can carry the key.
	c.mask.header(res.Header)
	return &response{status: res.StatusCode, header: res.Header, body: c.mask.body(data)}, nil
}

// NetworkError is a failure to reach Klaviyo or to read its answer. For a
// POST, the job may or may not have been received.
type NetworkError struct {
	Host, Endpoint string
	// MayHaveArrived is set for requests that change something.
	MayHaveArrived bool
	Err            error
}

func (e *NetworkError) Error() string {
	msg := fmt.Sprintf("could not reach Klaviyo at %s for %s", e.Host, e.Endpoint)
	if e.MayHaveArrived {
		msg += " (it may or may not have been received: check the profile before sending again)"
	}
	return msg + ": " + e.Err.Error()
}

func (e *NetworkError) Unwrap() error { return e.Err }

// networkError wraps a transport failure; the URL is dropped from it (the
// host is said once, and a query may hold personal data).
func (c *Client) networkError(endpoint, method string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if msg := err.Error(); c.mask.goText(msg) != msg { // a malformed answer quoted back
		err = errors.New(c.mask.goText(msg))
	}
	return &NetworkError{Host: c.base.Host, Endpoint: endpoint, MayHaveArrived: method != http.MethodGet, Err: err}
}

// backoff is the wait before attempt+1: 1 s, 2 s, 4 s, ...
func backoff(attempt int) time.Duration {
	return time.Second << min(attempt-1, 5)
}

// reportWait tells OnWait of a wait of d before attempt.
func (c *Client) reportWait(d time.Duration, reason, endpoint string, attempt int) {
	if d > 0 && c.opts.OnWait != nil {
		c.opts.OnWait(Wait{Duration: d, Reason: reason, Endpoint: endpoint, Attempt: attempt, Attempts: c.opts.Attempts})
	}
}

// noteRateLimit remembers the RateLimit-* headers of an answer, when they
// can be read (parseRateLimit): garbage is not remembered.
func (c *Client) noteRateLimit(h http.Header) {
	q, state := parseRateLimit(h)
	if state != headersValid {
		return
	}
	c.mu.Lock()
	c.rateLimit = RateLimit{Limit: q.Limit, Remaining: q.Remaining, Reset: q.Reset, Seen: c.opts.Now()}
	c.mu.Unlock()
}
