package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/consentdesk/consent/model"
)

// Page sizes of the profile collections.
const (
	profilesPageDefault = 20
	profilesPageMax     = 100
)

// profileColumns are the columns scanProfile reads, in its order.
const profileColumns = `p.seq, p.id, p.email, p.phone_number, p.external_id, p.first_name, p.last_name,
	p.organization, p.locale, p.title, p.image, p.created, p.updated, p.last_event_date,
	p.address1, p.address2, p.city, p.country, p.region, p.zip, p.timezone, p.ip, p.properties,
	p.em_consent, p.em_consent_ts, p.em_updated, p.em_method, p.em_method_detail, p.em_custom_detail,
	p.em_double_optin, p.em_suppression, p.em_list_suppr,
	p.sm_consent, p.sm_consent_ts, p.sm_updated, p.sm_method, p.sm_method_detail,
	p.st_consent, p.st_consent_ts, p.st_updated, p.st_method, p.st_method_detail`

// channelRow is one channel's stored consent.
type channelRow struct {
	consent      string
	consentTS    *int64
	updated      *int64
	method       *string
	methodDetail *string
}

// storedSuppression is one element of a profile's stored suppression or
// list-suppression JSON array; At is in microseconds.
type storedSuppression struct {
	Reason string `json:"reason"`
	At     int64  `json:"at"`
	ListID string `json:"list_id,omitempty"`
}

// profileRow is a stored profile.
type profileRow struct {
	seq                                                int64
	id                                                 string
	email, phone, externalID, firstName, lastName      *string
	organization, locale, title, image                 *string
	created, updated                                   int64
	lastEventDate                                      *int64
	address1, address2, city, country, region, zip, tz *string
	ip                                                 *string
	properties                                         string
	emailMarketing                                     channelRow
	emCustomDetail                                     *string
	emDoubleOptin                                      *bool
	emSuppression, emListSuppr                         string
	smsMarketing, smsTransactional                     channelRow
	joined                                             int64 // list members only
}

// scanTargets returns the destinations of profileColumns, in order.
func (p *profileRow) scanTargets() []any {
	return []any{&p.seq, &p.id, &p.email, &p.phone, &p.externalID, &p.firstName, &p.lastName,
		&p.organization, &p.locale, &p.title, &p.image, &p.created, &p.updated, &p.lastEventDate,
		&p.address1, &p.address2, &p.city, &p.country, &p.region, &p.zip, &p.tz, &p.ip, &p.properties,
		&p.emailMarketing.consent, &p.emailMarketing.consentTS, &p.emailMarketing.updated, &p.emailMarketing.method, &p.emailMarketing.methodDetail, &p.emCustomDetail,
		&p.emDoubleOptin, &p.emSuppression, &p.emListSuppr,
		&p.smsMarketing.consent, &p.smsMarketing.consentTS, &p.smsMarketing.updated, &p.smsMarketing.method, &p.smsMarketing.methodDetail,
		&p.smsTransactional.consent, &p.smsTransactional.consentTS, &p.smsTransactional.updated, &p.smsTransactional.method, &p.smsTransactional.methodDetail,
	}
}

// profileResource is a profile as the API returns it.
type profileResource struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    any                     `json:"attributes"` // profileAttributes, or a sparse fieldset of them
	Relationships map[string]relationship `json:"relationships"`
	Links         selfLink                `json:"links"`
}

type profileAttributes struct {
	Email               *string          `json:"email"`
	PhoneNumber         *string          `json:"phone_number"`
	ExternalID          *string          `json:"external_id"`
	FirstName           *string          `json:"first_name"`
	LastName            *string          `json:"last_name"`
	Organization        *string          `json:"organization"`
	Locale              *string          `json:"locale"`
	Title               *string          `json:"title"`
	Image               *string          `json:"image"`
	Created             string           `json:"created"`
	Updated             string           `json:"updated"`
	LastEventDate       *string          `json:"last_event_date"`
	Location            location         `json:"location"`
	Properties          json.RawMessage  `json:"properties"`
	JoinedGroupAt       string           `json:"joined_group_at,omitempty"`
	Subscriptions       *subscriptionDoc `json:"subscriptions,omitempty"`
	PredictiveAnalytics *predictiveDoc   `json:"predictive_analytics,omitempty"`
}

type location struct {
	Address1  *string  `json:"address1"`
	Address2  *string  `json:"address2"`
	City      *string  `json:"city"`
	Country   *string  `json:"country"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Region    *string  `json:"region"`
	Zip       *string  `json:"zip"`
	Timezone  *string  `json:"timezone"`
	IP        *string  `json:"ip"`
}

// subscriptionDoc is `attributes.subscriptions`, every key written, nulls
// included, as Klaviyo does.
type subscriptionDoc struct {
	Email      model.EmailSubscriptions `json:"email"`
	SMS        model.SMSSubscriptions   `json:"sms"`
	MobilePush pushSubscriptions        `json:"mobile_push"`
}

type pushSubscriptions struct {
	Marketing pushMarketing `json:"marketing"`
}

type pushMarketing struct {
	CanReceive       bool    `json:"can_receive_push_marketing"`
	Consent          string  `json:"consent"`
	ConsentTimestamp *string `json:"consent_timestamp"`
}

// predictiveDoc is `attributes.predictive_analytics`: the sandbox has no
// order history, so every figure is null.
type predictiveDoc struct {
	HistoricCLV              *float64 `json:"historic_clv"`
	PredictedCLV             *float64 `json:"predicted_clv"`
	TotalCLV                 *float64 `json:"total_clv"`
	HistoricNumberOfOrders   *float64 `json:"historic_number_of_orders"`
	PredictedNumberOfOrders  *float64 `json:"predicted_number_of_orders"`
	AverageDaysBetweenOrders *float64 `json:"average_days_between_orders"`
	AverageOrderValue        *float64 `json:"average_order_value"`
	ChurnProbability         *float64 `json:"churn_probability"`
	ExpectedDateOfNextOrder  *string  `json:"expected_date_of_next_order"`
	RankedChannelAffinity    []string `json:"ranked_channel_affinity"`
}

// profileOptions are what a request asked of each profile: attributes to
// add, and the sparse fieldset to keep (nil: every attribute).
type profileOptions struct {
	subscriptions bool
	predictive    bool
	member        bool // a list member: joined_group_at is written
	fields        fieldTree
	query         queryOptions
}

// parseProfileOptions reads additional-fields[profile] and the query
// parameters op accepts.
func parseProfileOptions(r *http.Request, op operationQuery) (profileOptions, error) {
	q := r.URL.Query()
	f, err := additionalFields(q, "profile", "subscriptions", predictive)
	if err != nil {
		return profileOptions{}, err
	}
	opts, err := parseQuery(q, op)
	if err != nil {
		return profileOptions{}, err
	}
	return profileOptions{subscriptions: f["subscriptions"], predictive: f[predictive],
		fields: opts.fields["profile"], query: opts}, nil
}

func (u urls) profile(p *profileRow, opt profileOptions) (profileResource, error) {
	rel := func(name string) relationship {
		return relationship{Links: relationshipLinks{
			Self:    u.api("profiles", p.id, "relationships", name),
			Related: u.api("profiles", p.id, name),
		}}
	}
	attrs := profileAttributes{
		Email: p.email, PhoneNumber: p.phone, ExternalID: p.externalID,
		FirstName: p.firstName, LastName: p.lastName, Organization: p.organization,
		Locale: p.locale, Title: p.title, Image: p.image,
		Created: entityTime(p.created), Updated: entityTime(p.updated),
		LastEventDate: entityTimePtr(p.lastEventDate),
		Location: location{Address1: p.address1, Address2: p.address2, City: p.city, Country: p.country,
			Region: p.region, Zip: p.zip, Timezone: p.tz, IP: p.ip},
		Properties: json.RawMessage(p.properties),
	}
	if opt.member {
		attrs.JoinedGroupAt = entityTime(p.joined)
	}
	if opt.subscriptions {
		subs, err := p.subscriptions()
		if err != nil {
			return profileResource{}, err
		}
		attrs.Subscriptions = subs
	}
	if opt.predictive {
		attrs.PredictiveAnalytics = &predictiveDoc{}
	}
	kept, err := sparse(attrs, opt.fields)
	if err != nil {
		return profileResource{}, err
	}
	return profileResource{
		Type:       "profile",
		ID:         p.id,
		Attributes: kept,
		Relationships: map[string]relationship{
			"lists":    rel("lists"),
			"segments": rel("segments"),
		},
		Links: selfLink{Self: u.api("profiles", p.id)},
	}, nil
}

// subscriptions derives the subscriptions object from the stored consent:
// email can be received unless globally suppressed (also when never
// subscribed: implicit consent); SMS only when subscribed.
func (p *profileRow) subscriptions() (*subscriptionDoc, error) {
	var suppr, listSuppr []storedSuppression
	if err := json.Unmarshal([]byte(p.emSuppression), &suppr); err != nil {
		return nil, fmt.Errorf("sandbox: reading suppressions of profile %s: %w", p.id, err)
	}
	if err := json.Unmarshal([]byte(p.emListSuppr), &listSuppr); err != nil {
		return nil, fmt.Errorf("sandbox: reading list suppressions of profile %s: %w", p.id, err)
	}
	em := &model.EmailMarketingConsent{
		CanReceive:         len(suppr) == 0,
		ConsentDetails:     p.emailMarketing.details(),
		CustomMethodDetail: p.emCustomDetail,
		DoubleOptin:        p.emDoubleOptin,
		Suppression:        make([]model.Suppression, len(suppr)),
		ListSuppressions:   make([]model.ListSuppression, len(listSuppr)),
	}
	for i, s := range suppr {
		em.Suppression[i] = model.Suppression{Reason: s.Reason, Timestamp: consentTime(s.At)}
	}
	for i, s := range listSuppr {
		em.ListSuppressions[i] = model.ListSuppression{ListID: s.ListID, Reason: s.Reason, Timestamp: consentTime(s.At)}
	}
	return &subscriptionDoc{
		Email: model.EmailSubscriptions{Marketing: em},
		SMS: model.SMSSubscriptions{
			Marketing: &model.SMSMarketingConsent{
				CanReceive:     p.smsMarketing.consent == string(model.Subscribed),
				ConsentDetails: p.smsMarketing.details(),
			},
			Transactional: &model.SMSTransactionalConsent{
				CanReceive:     p.smsTransactional.consent == string(model.Subscribed),
				ConsentDetails: p.smsTransactional.details(),
			},
		},
		MobilePush: pushSubscriptions{Marketing: pushMarketing{Consent: string(model.NeverSubscribed)}},
	}, nil
}

func (c channelRow) details() model.ConsentDetails {
	return model.ConsentDetails{
		Consent:          model.ConsentState(c.consent),
		ConsentTimestamp: consentTimePtr(c.consentTS),
		LastUpdated:      consentTimePtr(c.updated),
		Method:           c.method,
		MethodDetail:     c.methodDetail,
	}
}

func entityTimePtr(us *int64) *string {
	if us == nil {
		return nil
	}
	s := entityTime(*us)
	return &s
}

func consentTimePtr(us *int64) *string {
	if us == nil {
		return nil
	}
	s := consentTime(*us)
	return &s
}

// getProfiles serves GET /api/profiles: every profile, or those the
// filter selects, oldest first or in the order sort asks.
func (s *Sandbox) getProfiles(w http.ResponseWriter, r *http.Request, _ string) error {
	q := r.URL.Query()
	opt, err := parseProfileOptions(r, getProfilesQuery)
	if err != nil {
		return err
	}
	filter, err := queryFilter(q["filter"], profilesFilter())
	if err != nil {
		return err
	}
	pg, err := parsePage(q, profilesPageDefault, profilesPageMax, opt.query.scope("profiles"))
	if err != nil {
		return err
	}
	ks := opt.query.order(keyset{columns: profileColumns, from: "profiles p WHERE 1=1", seq: "p.seq", scope: "profiles", args: filter.args})
	if filter.where != "" {
		ks.from += " AND " + filter.where
	}
	return s.writeProfilePage(w, r, ks, pg, opt, urlsFor(r).api("profiles"))
}

// getListProfiles serves GET /api/lists/{id}/profiles: the list's members
// in the order they were added, or by joined_group_at, each with it.
func (s *Sandbox) getListProfiles(w http.ResponseWriter, r *http.Request, id string) error {
	q := r.URL.Query()
	opt, err := parseProfileOptions(r, getMembersQuery)
	if err != nil {
		return err
	}
	opt.member = true
	filter, err := queryFilter(q["filter"], membersFilter())
	if err != nil {
		return err
	}
	scope := "members." + id
	pg, err := parsePage(q, profilesPageDefault, profilesPageMax, opt.query.scope(scope))
	if err != nil {
		return err
	}
	l, err := s.findList(r.Context(), id)
	if err != nil {
		return err
	}
	ks := opt.query.order(keyset{
		columns: profileColumns + ", m.seq, m.joined",
		from:    "memberships m JOIN profiles p ON p.seq = m.profile_seq WHERE m.list_seq = ?",
		args:    append([]any{l.seq}, filter.args...),
		seq:     "m.seq",
		scope:   scope,
	})
	if filter.where != "" {
		ks.from += " AND " + filter.where
	}
	return s.writeProfilePage(w, r, ks, pg, opt, urlsFor(r).api("lists", id, "profiles"))
}

func (s *Sandbox) writeProfilePage(w http.ResponseWriter, r *http.Request, ks keyset, pg page, opt profileOptions, self string) error {
	u := urlsFor(r)
	res, err := queryPage(r.Context(), s.db, ks, pg, func(rows rowScanner) (profileResource, int64, error) {
		var p profileRow
		targets := p.scanTargets()
		var seq int64
		if opt.member {
			targets = append(targets, &seq, &p.joined)
		}
		if err := rows.Scan(targets...); err != nil {
			return profileResource{}, 0, err
		}
		if !opt.member {
			seq = p.seq
		}
		res, err := u.profile(&p, opt)
		return res, seq, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, collectionDoc[profileResource]{
		Data:  nonNil(res.items),
		Links: pageLinks(self, r.URL.Query(), res.next, res.prev),
	})
	return nil
}

// getProfile serves GET /api/profiles/{id}.
func (s *Sandbox) getProfile(w http.ResponseWriter, r *http.Request, id string) error {
	opt, err := parseProfileOptions(r, getProfileQuery)
	if err != nil {
		return err
	}
	p, err := s.readProfile(r.Context(), id)
	if err != nil {
		return err
	}
	u := urlsFor(r)
	res, err := u.profile(p, opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, singleDoc[profileResource]{Data: res, Links: selfLink{Self: withQuery(u.api("profiles", id), r.URL.Query())}})
	return nil
}

// readProfile returns the profile with id, or a 404.
func (s *Sandbox) readProfile(ctx context.Context, id string) (*profileRow, error) {
	var p profileRow
	err := s.db.QueryRowContext(ctx, "SELECT "+profileColumns+" FROM profiles p WHERE p.id = ?", id).Scan(p.scanTargets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("", "A profile with id %q does not exist.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: reading a profile: %w", err)
	}
	return &p, nil
}

// findProfileSeq returns the sequence number of the profile with id, or a
// 404.
func (s *Sandbox) findProfileSeq(ctx context.Context, id string) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, "SELECT seq FROM profiles WHERE id = ?", id).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("", "A profile with id %q does not exist.", id)
	}
	if err != nil {
		return 0, fmt.Errorf("sandbox: finding a profile: %w", err)
	}
	return seq, nil
}
