package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consentdesk/consent/model"
)

// The bulk job kinds and their limits (developers.klaviyo.com/en/reference/
// bulk_subscribe_profiles and bulk_unsubscribe_profiles).
const (
	subscribeJobType     = "profile-subscription-bulk-create-job"
	unsubscribeJobType   = "profile-subscription-bulk-delete-job"
	maxSubscribeProfiles = 1000
	maxUnsubscribe       = 100
	// partialFailureHeader names what a 202 had to ignore.
	partialFailureHeader = "X-Klaviyo-Partial-Failure"
)

// Klaviyo's own error texts.
const (
	invalidPhoneText = "Invalid phone number format (Example of a valid format: +12345678901)"
	invalidEmailText = "Invalid email address"
	smsNeedsPhone    = "'phone_number' must not be empty when the sms channel is included in 'subscriptions'."
	emailNeedsEmail  = "'email' must not be empty when the email channel is included in 'subscriptions'."
)

// job is a validated bulk job as it is stored until it is applied.
type job struct {
	Kind         string       `json:"kind"` // subscribeJobType or unsubscribeJobType
	ListID       string       `json:"list_id,omitempty"`
	CustomSource *string      `json:"custom_source,omitempty"`
	Historical   bool         `json:"historical,omitempty"`
	Profiles     []jobProfile `json:"profiles"`
}

// jobProfile is one profile of a job: its identifiers (normalised) and the
// channels to change, each with the consent time for a historical import.
type jobProfile struct {
	ID               string   `json:"id,omitempty"`
	Email            string   `json:"email,omitempty"`
	Phone            string   `json:"phone,omitempty"`
	EmailMarketing   *channel `json:"email_marketing,omitempty"`
	SMSMarketing     *channel `json:"sms_marketing,omitempty"`
	SMSTransactional *channel `json:"sms_transactional,omitempty"`
}

type channel struct {
	ConsentedAt *int64 `json:"consented_at,omitempty"`
}

// jobRequest is what decoding a job body yields: the job, and whether a
// profile's phone number had to be ignored (a partial failure).
type jobRequest struct {
	job
	phoneIgnored bool
}

// decodeJob validates a bulk job body of kind (subscribe or unsubscribe).
// Every problem is a 400 with a source.pointer; the list is not looked up
// here.
func (s *Sandbox) decodeJob(body any, kind string) (jobRequest, error) {
	w := &walker{}
	var req jobRequest
	req.Kind = kind
	root, ok := w.object(body, "", true, "data")
	if !ok {
		return req, w.err()
	}
	data, ok := w.object(root["data"], "/data", true, "type", "attributes", "relationships")
	if !ok {
		return req, w.err()
	}
	w.constant(data["type"], "/data/type", kind)
	attrKeys := []string{"profiles"}
	if kind == subscribeJobType {
		attrKeys = append(attrKeys, "custom_source", "historical_import")
	}
	attrs, ok := w.object(data["attributes"], "/data/attributes", true, attrKeys...)
	if ok {
		if kind == subscribeJobType {
			if src, ok := w.str(attrs["custom_source"], "/data/attributes/custom_source", false); ok {
				req.CustomSource = &src
			}
			req.Historical = w.boolean(attrs["historical_import"], "/data/attributes/historical_import")
		}
		s.decodeProfiles(w, attrs["profiles"], &req)
	}
	req.ListID = decodeListRelationship(w, data["relationships"])
	if w.failed() {
		return req, w.err()
	}
	return req, nil
}

// decodeListRelationship reads data.relationships.list.data.id, "" when
// no list is given.
func decodeListRelationship(w *walker, v any) string {
	rels, ok := w.object(v, "/data/relationships", false, "list")
	if !ok {
		return ""
	}
	list, ok := w.object(rels["list"], "/data/relationships/list", false, "data")
	if !ok {
		return ""
	}
	ref, ok := w.object(list["data"], "/data/relationships/list/data", false, "type", "id")
	if !ok {
		return ""
	}
	w.constant(ref["type"], "/data/relationships/list/data/type", "list")
	id, ok := w.str(ref["id"], "/data/relationships/list/data/id", true)
	if ok && id == "" {
		w.fail("/data/relationships/list/data/id", "'id' must not be empty.")
	}
	return id
}

func (s *Sandbox) decodeProfiles(w *walker, v any, req *jobRequest) {
	const base = "/data/attributes/profiles"
	profiles, ok := w.object(v, base, true, "data")
	if !ok {
		return
	}
	items, ok := w.array(profiles["data"], base+"/data")
	if !ok {
		return
	}
	limit := maxSubscribeProfiles
	if req.Kind == unsubscribeJobType {
		limit = maxUnsubscribe
	}
	switch {
	case len(items) == 0:
		w.fail(base+"/data", "At least one profile is required.")
		return
	case len(items) > limit:
		w.fail(base+"/data", "At most %d profiles can be sent in one request; this one has %d.", limit, len(items))
		return
	}
	now := s.now()
	for i, item := range items {
		p, ignored, ok := s.decodeProfile(w, item, base+"/data/"+strconv.Itoa(i), req, now)
		if ok {
			req.Profiles = append(req.Profiles, p)
			req.phoneIgnored = req.phoneIgnored || ignored
		}
	}
}

// decodeProfile validates one profile of a job. It applies Klaviyo's phone
// rules: a malformed phone number is ignored when the profile has a valid
// email (a partial failure), and is an error otherwise; SMS consent for a
// valid number that cannot carry it (outside the account's SMS countries,
// or unable to receive texts) is an error even beside a valid email
// (BEHAVIOUR.md, rule 6).
func (s *Sandbox) decodeProfile(w *walker, v any, ptr string, req *jobRequest, now time.Time) (jobProfile, bool, bool) {
	var p jobProfile
	subscribe := req.Kind == subscribeJobType
	keys := []string{"type", "attributes"}
	attrKeys := []string{"email", "phone_number", "subscriptions"}
	if subscribe {
		keys = append(keys, "id")
		attrKeys = append(attrKeys, "age_gated_date_of_birth")
	}
	errsBefore := len(w.errs)
	obj, ok := w.object(v, ptr, true, keys...)
	if !ok {
		return p, false, false
	}
	w.constant(obj["type"], ptr+"/type", "profile")
	if subscribe {
		p.ID, _ = w.str(obj["id"], ptr+"/id", false)
	}
	attrs, ok := w.object(obj["attributes"], ptr+"/attributes", true, attrKeys...)
	if !ok {
		return p, false, false
	}
	ap := ptr + "/attributes"
	if dob, ok := w.str(attrs["age_gated_date_of_birth"], ap+"/age_gated_date_of_birth", false); ok {
		if _, err := time.Parse(time.DateOnly, dob); err != nil {
			w.fail(ap+"/age_gated_date_of_birth", "'age_gated_date_of_birth' must be a date such as 1990-01-31.")
		}
	}
	s.decodeChannels(w, attrs["subscriptions"], ap+"/subscriptions", req, &p, now)

	email, hasEmail := w.str(attrs["email"], ap+"/email", false)
	hasEmail = hasEmail && strings.TrimSpace(email) != ""
	if hasEmail {
		a := model.AnalyzeEmail(email)
		if !a.Valid {
			w.fail(ap+"/email", invalidEmailText)
			hasEmail = false
		} else {
			p.Email = strings.ToLower(a.Normalized)
		}
	}
	phone, hasPhone := w.str(attrs["phone_number"], ap+"/phone_number", false)
	hasPhone = hasPhone && phone != ""
	if len(w.errs) > errsBefore {
		return p, false, false
	}

	wantsSMS := p.SMSMarketing != nil || p.SMSTransactional != nil
	switch {
	case p.EmailMarketing != nil && !hasEmail:
		w.fail(ap+"/email", emailNeedsEmail)
		return p, false, false
	case wantsSMS && !hasPhone:
		w.fail(ap+"/phone_number", smsNeedsPhone)
		return p, false, false
	case !hasEmail && !hasPhone:
		w.fail(ap, "Either 'email' or 'phone_number' is required.")
		return p, false, false
	}
	if !hasPhone {
		return p, false, true
	}
	problem, problemArgs, malformed := s.phoneProblem(phone, wantsSMS && subscribe)
	if problem == "" {
		p.Phone = phone
		return p, false, true
	}
	if hasEmail && malformed {
		// Klaviyo applies the email part and ignores the phone number.
		p.SMSMarketing, p.SMSTransactional = nil, nil
		return p, true, true
	}
	w.fail(ap+"/phone_number", problem, problemArgs...)
	return p, false, false
}

// phoneProblem says why phone cannot be used, as a detail's format and
// its arguments, or "": it must be a valid number written in E.164
// (malformed reports that it is not) and, when SMS consent is to be
// recorded, one the SMS policy allows and that can receive texts.
func (s *Sandbox) phoneProblem(phone string, forSMS bool) (detail string, args []any, malformed bool) {
	a := s.phones.Analyze(phone)
	if !a.Valid || a.E164 != phone {
		return invalidPhoneText, nil, true
	}
	if !forSMS || a.SMSEligible {
		return "", nil, false
	}
	if !a.SMSRegionSupported {
		return "SMS is not supported for phone numbers in %s (%s) on this account, so SMS consent cannot be recorded for %s. " +
			"Subscribe the profile by email instead, or leave out the sms channel.", []any{a.Country, a.Region, a.E164}, false
	}
	return "%s is a %s number, which cannot receive text messages, so SMS consent cannot be recorded for it. " +
		"Use a mobile number, or leave out the sms channel.", []any{a.E164, a.Type}, false
}

// decodeChannels reads `subscriptions`: the email and SMS channels the job
// changes. WhatsApp and push are accepted and not recorded.
func (s *Sandbox) decodeChannels(w *walker, v any, ptr string, req *jobRequest, p *jobProfile, now time.Time) {
	subs, ok := w.object(v, ptr, true, "email", "sms", "whatsapp", "push")
	if !ok {
		return
	}
	if email, ok := w.object(subs["email"], ptr+"/email", false, "marketing", "open_tracking"); ok {
		p.EmailMarketing = s.decodeChannel(w, email["marketing"], ptr+"/email/marketing", req, true, now)
		s.decodeChannel(w, email["open_tracking"], ptr+"/email/open_tracking", req, false, now)
	}
	if sms, ok := w.object(subs["sms"], ptr+"/sms", false, "marketing", "transactional"); ok {
		p.SMSMarketing = s.decodeChannel(w, sms["marketing"], ptr+"/sms/marketing", req, true, now)
		p.SMSTransactional = s.decodeChannel(w, sms["transactional"], ptr+"/sms/transactional", req, true, now)
	}
	for _, other := range []string{"whatsapp", "push"} {
		if o := subs[other]; o != nil {
			if _, ok := o.(map[string]any); !ok {
				w.fail(ptr+"/"+other, "'%s' must be an object.", other)
			}
		}
	}
}

// decodeChannel reads one channel's parameters: the consent the job kind
// allows and, for a historical import into a channel that is dated (every
// one but email open tracking, whose parameters are only its consent),
// when consent was given.
func (s *Sandbox) decodeChannel(w *walker, v any, ptr string, req *jobRequest, dated bool, now time.Time) *channel {
	subscribe := req.Kind == subscribeJobType
	keys := []string{"consent"}
	if subscribe && dated {
		keys = append(keys, "consented_at")
	}
	obj, ok := w.object(v, ptr, false, keys...)
	if !ok {
		return nil
	}
	want := string(model.Subscribed)
	if !subscribe {
		want = string(model.Unsubscribed)
	}
	if consent, ok := w.str(obj["consent"], ptr+"/consent", true); ok && consent != want {
		w.fail(ptr+"/consent", "'consent' must be %q, not %q.", want, consent)
	}
	c := &channel{}
	at, hasAt := w.str(obj["consented_at"], ptr+"/consented_at", false)
	switch {
	case hasAt && !req.Historical:
		w.fail(ptr+"/consented_at", "'consented_at' can only be given when 'historical_import' is true.")
	case hasAt:
		t, err := time.Parse(time.RFC3339Nano, at)
		switch {
		case err != nil:
			w.fail(ptr+"/consented_at", "'consented_at' must be a datetime such as 2024-01-05T10:00:00Z.")
		case t.After(now):
			w.fail(ptr+"/consented_at", "'consented_at' must be in the past.")
		default:
			us := micros(t)
			c.ConsentedAt = &us
		}
	case req.Historical && subscribe:
		w.fail(ptr+"/consented_at", "'consented_at' is required when 'historical_import' is true.")
	}
	return c
}

// postSubscribe serves POST /api/profile-subscription-bulk-create-jobs.
func (s *Sandbox) postSubscribe(w http.ResponseWriter, r *http.Request, _ string) error {
	return s.postJob(w, r, subscribeJobType)
}

// postUnsubscribe serves POST /api/profile-subscription-bulk-delete-jobs.
func (s *Sandbox) postUnsubscribe(w http.ResponseWriter, r *http.Request, _ string) error {
	return s.postJob(w, r, unsubscribeJobType)
}

// postJob validates a bulk job, stores it to be applied after the job
// delay (or applies it at once when the delay is negative) and answers 202
// with an empty body, flagging an ignored phone number in
// X-Klaviyo-Partial-Failure.
func (s *Sandbox) postJob(w http.ResponseWriter, r *http.Request, kind string) error {
	body, err := readJSONBody(w, r)
	if err != nil {
		return err
	}
	req, err := s.decodeJob(body, kind)
	if err != nil {
		return err
	}
	if req.ListID != "" {
		if _, err := s.findList(r.Context(), req.ListID); err != nil {
			if e, ok := err.(*apiError); ok {
				e.Pointer = "/data/relationships/list/data/id"
			}
			return err
		}
	}
	taken, err := s.dropTakenPhones(r.Context(), &req.job)
	if err != nil {
		return err
	}
	req.phoneIgnored = req.phoneIgnored || taken
	if err := s.enqueue(r.Context(), req.job); err != nil {
		return err
	}
	if req.phoneIgnored {
		w.Header().Set(partialFailureHeader, "phone_number")
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// dropTakenPhones keeps one phone number on one profile (BEHAVIOUR.md, rule
// 4): a job profile whose email (or id) names one profile and whose phone
// number belongs to another, or repeats a number an earlier profile of the
// job gave with another email, has its phone number and SMS channels
// dropped, as Klaviyo does not merge two profiles on a subscribe. It
// reports whether any was dropped: the job's partial failure. Applying the
// job checks again, since profiles may change before it runs.
func (s *Sandbox) dropTakenPhones(ctx context.Context, j *job) (bool, error) {
	seqOf := func(query, key string) (int64, error) {
		var seq int64
		err := s.db.QueryRowContext(ctx, query, key).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("sandbox: finding a profile: %w", err)
		}
		return seq, nil
	}
	dropped := false
	givenWith := map[string]string{} // phone number -> the identifier it came with
	for i := range j.Profiles {
		p := &j.Profiles[i]
		if p.Phone == "" || (p.Email == "" && p.ID == "") {
			continue
		}
		who := "id:" + p.ID
		if p.ID == "" {
			who = "email:" + p.Email
		}
		taken := false
		if earlier, ok := givenWith[p.Phone]; ok {
			taken = earlier != who
		} else {
			givenWith[p.Phone] = who
			target, err := seqOf("SELECT seq FROM profiles WHERE id = ?", p.ID)
			if err == nil && target == 0 {
				target, err = seqOf("SELECT seq FROM profiles WHERE email = ?", p.Email)
			}
			if err != nil {
				return false, err
			}
			owner, err := seqOf("SELECT seq FROM profiles WHERE phone_number = ? ORDER BY seq LIMIT 1", p.Phone)
			if err != nil {
				return false, err
			}
			taken = target != 0 && owner != 0 && owner != target
		}
		if taken {
			p.Phone, p.SMSMarketing, p.SMSTransactional = "", nil, nil
			dropped = true
		}
	}
	return dropped, nil
}
