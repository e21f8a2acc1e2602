// Package client is Consent Desk's thin Klaviyo client: JSON:API over
// net/http with the API key, the pinned revision, paging, a client-side rate
// limiter, retries that never resend a POST blindly, and typed errors. It
// never renders; text it returns from the API is raw and must go through
// model.SanitizeText before it reaches a terminal.
package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Revision is the Klaviyo API revision every request is pinned to.
const Revision = "2026-07-15"

// DefaultBaseURL is Klaviyo's API host.
const DefaultBaseURL = "https://a.klaviyo.com"

// jsonAPI is the JSON:API media type Klaviyo speaks.
const jsonAPI = "application/vnd.api+json"

// Defaults for Options left zero.
const (
	defaultTimeout      = 30 * time.Second
	defaultAttempts     = 4
	defaultMaxRetryWait = 60 * time.Second
	defaultMaxBody      = 32 << 20
)

// Options configure a Client. Only APIKey is required.
type Options struct {
	// BaseURL is Klaviyo's host, DefaultBaseURL when empty (or
	// KLAVIYO_API_URL, which the caller reads).
	BaseURL string
	// APIKey is the private key (pk_…). It is sent in the Authorization
	// header and nowhere else.
	APIKey string
	// Transport carries requests; nil means a clone of
	// http.DefaultTransport. The embedded sandbox passes its in-process
	// round tripper here.
	Transport http.RoundTripper
	// Timeout bounds each attempt of each request (default 30 s).
	Timeout time.Duration
	// Attempts is how many times a request may be tried (default 4).
	Attempts int
	// MaxRetryWait caps how long one Retry-After is honoured (default 60 s).
	MaxRetryWait time.Duration
	// MaxBody caps how much of a response body is read (default 32 MiB).
	MaxBody int64
	// NoLimiter turns the client-side rate limiter off (tests of the
	// server's own limits).
	NoLimiter bool
	// OnWait, if set, is told every time the client waits before sending:
	// because Klaviyo asked (429) or to stay within its limits (the
	// server's own window, or the documented limits before it is known).
	OnWait func(Wait)
	// Now and Sleep replace the clock in tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Wait describes a pause the client makes, for the status line.
type Wait struct {
	Duration time.Duration
	// Reason is "throttled" when Klaviyo answered 429, "limit" when the
	// client-side limiter held the request back, "retry" before resending
	// after a failure.
	Reason string
	// Endpoint is the operation waited for, e.g. "GET /api/profiles".
	Endpoint string
	// Attempt is the attempt the wait comes before (1 for the first
	// send, 2 for the first retry), of at most Attempts.
	Attempt, Attempts int
}

// Client talks to one Klaviyo account. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	key     string
	http    *http.Client
	opts    Options
	limiter *limiter
	// mask finds the key in answers (see keyMask).
	mask *keyMask

	mu        sync.Mutex
	rateLimit RateLimit
	counts    map[string]memberCount // ListProfileCount's answers, by list id
}

// RateLimit is what Klaviyo's last answer said of the steady window
// (RateLimit-* headers).
type RateLimit struct {
	Limit, Remaining int
	Reset            time.Duration
	Seen             time.Time
}

// New returns a client for opts, or an error a person can act on when the
// key or base URL is unusable. The error never contains the key.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("the Klaviyo API URL %q is not an http(s) URL", opts.BaseURL)
	}
	if err := checkKey(opts.APIKey); err != nil {
		return nil, err
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Attempts <= 0 {
		opts.Attempts = defaultAttempts
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = defaultMaxRetryWait
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = defaultMaxBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	c := &Client{
		base: base,
		key:  opts.APIKey,
		// Redirects are not followed: a redirect to another host would
		// carry the key with it.
		http: &http.Client{Transport: opts.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		opts: opts,
		mask: newKeyMask(opts.APIKey),
	}
	if !opts.NoLimiter {
		c.limiter = newLimiter(opts.Now, opts.Sleep)
	}
	return c, nil
}

// checkKey refuses a key that cannot be a Klaviyo private key, without
// quoting it.
func checkKey(key string) error {
	switch {
	case key == "":
		return errors.New("no Klaviyo API key: pass --api-key or set KLAVIYO_API_KEY")
	case strings.TrimSpace(key) != key || strings.ContainsAny(key, " \t\r\n"):
		return errors.New("the Klaviyo API key contains spaces or line breaks: copy it again")
	case !strings.HasPrefix(key, "pk_") || len(key) < 8:
		return fmt.Errorf("the Klaviyo API key must be a private key starting with pk_ (got one starting %q)", prefix(key, 3))
	}
	return nil
}

func prefix(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// MaskKey shows a key as pk_…abcd, for the rare place it must be shown.
func MaskKey(key string) string {
	if len(key) < 8 {
		return "pk_…"
	}
	return key[:3] + "…" + key[len(key)-4:]
}

// String describes the client without its key.
func (c *Client) String() string {
	return fmt.Sprintf("Klaviyo client for %s (key %s, revision %s)", c.base.Redacted(), MaskKey(c.key), Revision)
}

// BaseURL is the host the client talks to, with any credentials in the
// URL's userinfo redacted: it is safe to show and to journal.
func (c *Client) BaseURL() string { return c.base.Redacted() }

// KeyID is a fingerprint of the API key: the first 8 hex digits of its
// SHA-256. It tells two keys apart (the journal records it, so that an
// entry is retried only with the key it was made with) and reveals nothing
// of the key.
func (c *Client) KeyID() string {
	sum := sha256.Sum256([]byte("consent-desk key id\x00" + c.key))
	return hex.EncodeToString(sum[:4])
}

// LastRateLimit returns what Klaviyo's last answer said of the rate limit.
func (c *Client) LastRateLimit() RateLimit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rateLimit
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
