package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/consentdesk/consent/model"
)

// MaxSubscribeProfiles is Klaviyo's limit on the profiles of one bulk
// subscribe job (developers.klaviyo.com/en/reference/bulk_subscribe_profiles).
// (An unsubscribe is sent one profile at a time, far under its limit of 100.)
const MaxSubscribeProfiles = 1000

// Submission is a consent change Klaviyo accepted (202): the job runs
// asynchronously, so what it recorded is known only by reading the profile
// back (Verify).
type Submission struct {
	Request model.CheckedRequest
	// Want is the consent asked for: SUBSCRIBED or UNSUBSCRIBED.
	Want model.ConsentState
	At   time.Time
	// PartialFailure is Klaviyo's X-Klaviyo-Partial-Failure header: the
	// fields it ignored ("phone_number"), "" when none.
	PartialFailure string
}

// Subscribe sends one profile's consent through
// POST /api/profile-subscription-bulk-create-jobs. The request must have
// passed model.ConsentRequest.Check. It is sent once: a network failure or
// 5xx is returned, not retried (the job may have been accepted).
//
// With r.Offline the job is a historical import: historical_import true
// and r.Offline.ConsentedAt as consented_at on every requested channel
// (Klaviyo then skips double opt-in and "Added to list" flows).
func (c *Client) Subscribe(ctx context.Context, r model.CheckedRequest) (Submission, error) {
	body := jobBody("profile-subscription-bulk-create-job", r, model.Subscribed)
	return c.submit(ctx, epSubscribe, "/api/profile-subscription-bulk-create-jobs", body, r, model.Subscribed)
}

// Unsubscribe revokes one profile's consent on the requested channels
// through POST /api/profile-subscription-bulk-delete-jobs. With a list, a
// profile not on it is unsubscribed globally (Klaviyo's rule).
// A request with Offline is refused (ErrOfflineUnsubscribe) and nothing is
// sent: Klaviyo takes no historical import, nor any consent date, with an
// unsubscribe.
func (c *Client) Unsubscribe(ctx context.Context, r model.CheckedRequest) (Submission, error) {
	if r.Offline != nil {
		return Submission{}, ErrOfflineUnsubscribe
	}
	body := jobBody("profile-subscription-bulk-delete-job", r, model.Unsubscribed)
	return c.submit(ctx, epUnsubscribe, "/api/profile-subscription-bulk-delete-jobs", body, r, model.Unsubscribed)
}

// SubscribeMany sends up to MaxSubscribeProfiles profiles' consent in one
// bulk job, each profile asking for its own channels; listID may be "".
// It is for imports and scale: the agent's path is Subscribe and Verify.
// When every request has Offline the job is a historical import, each
// profile with its own consented_at; a job mixing requests with and without
// Offline is refused (ErrMixedOffline), nothing sent: a job has one
// historical_import flag.
func (c *Client) SubscribeMany(ctx context.Context, reqs []model.CheckedRequest, listID, source string) error {
	switch {
	case len(reqs) == 0:
		return fmt.Errorf("nothing to subscribe")
	case len(reqs) > MaxSubscribeProfiles:
		return fmt.Errorf("%d profiles in one job: Klaviyo takes at most %d", len(reqs), MaxSubscribeProfiles)
	}
	historical := reqs[0].Offline != nil
	profiles := make([]jobProfile, len(reqs))
	for i, r := range reqs {
		if (r.Offline != nil) != historical {
			return fmt.Errorf("profile %d: %w", i+1, ErrMixedOffline)
		}
		profiles[i] = jobProfileFor(r, model.Subscribed)
	}
	doc := newJob("profile-subscription-bulk-create-job", profiles, listID, source, model.Subscribed)
	doc.Data.Attributes.HistoricalImport = historical
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", epSubscribe, err)
	}
	_, err = c.send(ctx, http.MethodPost, epSubscribe, c.endpointURL("/api/profile-subscription-bulk-create-jobs", nil), data)
	return err
}

func (c *Client) submit(ctx context.Context, endpoint, path string, body any, r model.CheckedRequest, want model.ConsentState) (Submission, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return Submission{}, fmt.Errorf("encoding %s: %w", endpoint, err)
	}
	at := c.opts.Now()
	resp, err := c.send(ctx, http.MethodPost, endpoint, c.endpointURL(path, nil), data)
	if err != nil {
		return Submission{}, err
	}
	return Submission{Request: r, Want: want, At: at, PartialFailure: resp.header.Get("X-Klaviyo-Partial-Failure")}, nil
}

// ErrOfflineUnsubscribe refuses an unsubscribe that carries an offline
// consent: a consent date goes only with a subscribe's historical import.
var ErrOfflineUnsubscribe = errors.New("an unsubscribe cannot be back-dated: consent collected earlier is only sent with a subscribe")

// ErrMixedOffline refuses a bulk job mixing consent collected earlier with
// consent given now: a job has one historical_import flag.
var ErrMixedOffline = errors.New("a job cannot mix consent collected earlier (historical import) with consent given now: send them as two jobs")

// ConsentedAt is o's date as a historical import sends it: RFC 3339 in
// UTC, to the second.
func ConsentedAt(o model.OfflineConsent) string {
	return o.ConsentedAt.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// The JSON:API body of a bulk subscription job (bulk_subscribe_profiles, bulk_unsubscribe_profiles).
type (
	jobDoc struct {
		Data jobData `json:"data"`
	}
	jobData struct {
		Type          string            `json:"type"`
		Attributes    jobAttributes     `json:"attributes"`
		Relationships *jobRelationships `json:"relationships,omitempty"`
	}
	jobAttributes struct {
		CustomSource string `json:"custom_source,omitempty"`
		// HistoricalImport marks consent collected earlier: each channel
		// then carries its consented_at.
		HistoricalImport bool        `json:"historical_import,omitempty"`
		Profiles         jobProfiles `json:"profiles"`
	}
	jobProfiles struct {
		Data []jobProfile `json:"data"`
	}
	jobProfile struct {
		Type       string            `json:"type"`
		Attributes jobProfileAttribs `json:"attributes"`
	}
	jobProfileAttribs struct {
		Email         string           `json:"email,omitempty"`
		PhoneNumber   string           `json:"phone_number,omitempty"`
		Subscriptions jobSubscriptions `json:"subscriptions"`
	}
	jobSubscriptions struct {
		Email *jobChannel `json:"email,omitempty"`
		SMS   *jobSMS     `json:"sms,omitempty"`
	}
	jobChannel struct {
		Marketing *jobConsent `json:"marketing,omitempty"`
	}
	jobSMS struct {
		Marketing     *jobConsent `json:"marketing,omitempty"`
		Transactional *jobConsent `json:"transactional,omitempty"`
	}
	jobConsent struct {
		Consent model.ConsentState `json:"consent"`
		// ConsentedAt (RFC 3339, UTC) is only sent in a historical import.
		ConsentedAt string `json:"consented_at,omitempty"`
	}
	jobRelationships struct {
		List jobListRef `json:"list"`
	}
	jobListRef struct {
		Data struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"data"`
	}
)

// jobBody builds a one-profile job asking for consent on r's channels.
func jobBody(jobType string, r model.CheckedRequest, consent model.ConsentState) jobDoc {
	doc := newJob(jobType, []jobProfile{jobProfileFor(r, consent)}, r.ListID, r.Source, consent)
	doc.Data.Attributes.HistoricalImport = r.Offline != nil && consent == model.Subscribed
	return doc
}

// newJob builds a job of profiles, through listID if one is given; source
// is recorded with a subscription (Klaviyo takes none with an unsubscribe).
func newJob(jobType string, profiles []jobProfile, listID, source string, consent model.ConsentState) jobDoc {
	doc := jobDoc{Data: jobData{Type: jobType, Attributes: jobAttributes{Profiles: jobProfiles{Data: profiles}}}}
	if consent == model.Subscribed {
		doc.Data.Attributes.CustomSource = source
	}
	if listID != "" {
		rel := &jobRelationships{}
		rel.List.Data.Type, rel.List.Data.ID = "list", listID
		doc.Data.Relationships = rel
	}
	return doc
}

// jobProfileFor is one profile of a job: its identifiers and the consent
// asked on r's channels, dated r.Offline.ConsentedAt for a subscribe that
// has one (never an unsubscribe: consented_at goes only with
// historical_import, which jobBody and SubscribeMany set alike).
func jobProfileFor(r model.CheckedRequest, consent model.ConsentState) jobProfile {
	c := &jobConsent{Consent: consent}
	if r.Offline != nil && consent == model.Subscribed {
		c.ConsentedAt = ConsentedAt(*r.Offline)
	}
	var subs jobSubscriptions
	if r.Has(model.EmailMarketing) {
		subs.Email = &jobChannel{Marketing: c}
	}
	if r.WantsSMS() {
		subs.SMS = &jobSMS{}
		if r.Has(model.SMSMarketing) {
			subs.SMS.Marketing = c
		}
		if r.Has(model.SMSTransactional) {
			subs.SMS.Transactional = c
		}
	}
	return jobProfile{Type: "profile", Attributes: jobProfileAttribs{Email: r.Email, PhoneNumber: r.Phone, Subscriptions: subs}}
}
