package client

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/consentdesk/consent/model"
)

// page is a JSON:API collection answer: the resources kept raw, and the
// paging links.
type page struct {
	Data  []json.RawMessage `json:"data"`
	Links struct {
		Next *string `json:"next"`
		Prev *string `json:"prev"`
	} `json:"links"`
}

// next is links.next, "" when absent or null.
func (p page) next() string { return str(p.Links.Next) }

// prev is links.prev, "" when absent or null.
func (p page) prev() string { return str(p.Links.Prev) }

// List is a Klaviyo list.
type List struct {
	ID           string
	Name         string
	OptInProcess string // "single_opt_in" or "double_opt_in"
	Created      string
	Updated      string
	// Raw is the resource exactly as Klaviyo sent it (compacted).
	Raw json.RawMessage
}

// DoubleOptIn reports whether marketing consent (email and SMS) through
// this list waits for the person to confirm.
func (l List) DoubleOptIn() bool { return l.OptInProcess == "double_opt_in" }

// OptInName is the list's opt-in process as a person says it ("double
// opt-in"); an unknown value is given as Klaviyo sent it, made safe for a
// terminal.
func (l List) OptInName() string {
	switch l.OptInProcess {
	case "double_opt_in":
		return "double opt-in"
	case "single_opt_in":
		return "single opt-in"
	}
	return model.SanitizeText(l.OptInProcess)
}

// Profile is a Klaviyo profile with what Consent Desk reads of it.
type Profile struct {
	ID          string
	Email       string
	PhoneNumber string
	FirstName   string
	LastName    string
	// JoinedGroupAt is set for list members: when the profile joined.
	JoinedGroupAt string
	// Subscriptions is nil unless they were asked for.
	Subscriptions *model.Subscriptions
	// Raw is the resource exactly as Klaviyo sent it (compacted), for
	// faithful JSON output.
	Raw json.RawMessage
}

// Name is the profile's first and last name, as far as known.
func (p Profile) Name() string {
	switch {
	case p.FirstName != "" && p.LastName != "":
		return p.FirstName + " " + p.LastName
	case p.FirstName != "":
		return p.FirstName
	}
	return p.LastName
}

// resource is the part of a JSON:API resource Consent Desk decodes.
type resource[A any] struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Attributes A      `json:"attributes"`
}

type listAttributes struct {
	Name         *string `json:"name"`
	OptInProcess *string `json:"opt_in_process"`
	Created      *string `json:"created"`
	Updated      *string `json:"updated"`
}

type profileAttributes struct {
	Email         *string              `json:"email"`
	PhoneNumber   *string              `json:"phone_number"`
	FirstName     *string              `json:"first_name"`
	LastName      *string              `json:"last_name"`
	JoinedGroupAt *string              `json:"joined_group_at"`
	Subscriptions *model.Subscriptions `json:"subscriptions"`
}

// decodeList reads one list resource.
func (c *Client) decodeList(raw json.RawMessage) (List, error) {
	var r resource[listAttributes]
	if err := json.Unmarshal(raw, &r); err != nil || r.Type != "list" || r.ID == "" {
		return List{}, fmt.Errorf("Klaviyo sent a list that cannot be read: %s", c.describe(raw, err))
	}
	return List{ID: r.ID, Name: str(r.Attributes.Name), OptInProcess: str(r.Attributes.OptInProcess),
		Created: str(r.Attributes.Created), Updated: str(r.Attributes.Updated), Raw: compact(raw)}, nil
}

// decodeProfile reads one profile resource.
func (c *Client) decodeProfile(raw json.RawMessage) (Profile, error) {
	var r resource[profileAttributes]
	if err := json.Unmarshal(raw, &r); err != nil || r.Type != "profile" || r.ID == "" {
		return Profile{}, fmt.Errorf("Klaviyo sent a profile that cannot be read: %s", c.describe(raw, err))
	}
	a := r.Attributes
	return Profile{ID: r.ID, Email: str(a.Email), PhoneNumber: str(a.PhoneNumber), FirstName: str(a.FirstName),
		LastName: str(a.LastName), JoinedGroupAt: str(a.JoinedGroupAt), Subscriptions: a.Subscriptions, Raw: compact(raw)}, nil
}

// memberIdentity is the part of a member a walk by join time reads.
type memberIdentity struct {
	JoinedGroupAt *string `json:"joined_group_at"`
}

// decodeMemberRaw reads only what a walk needs of a member (its id and
// join time) and keeps the resource as sent: for output that writes the
// resource itself (--json), without decoding its consent.
func (c *Client) decodeMemberRaw(raw json.RawMessage) (Profile, error) {
	var r resource[memberIdentity]
	if err := json.Unmarshal(raw, &r); err != nil || r.Type != "profile" || r.ID == "" {
		return Profile{}, fmt.Errorf("Klaviyo sent a profile that cannot be read: %s", c.describe(raw, err))
	}
	return Profile{ID: r.ID, JoinedGroupAt: str(r.Attributes.JoinedGroupAt), Raw: compact(raw)}, nil
}

// decodeAll decodes every resource of a page with decode.
func decodeAll[T any](raws []json.RawMessage, decode func(json.RawMessage) (T, error)) ([]T, error) {
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		r, err := decode(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// describe says why a resource could not be read: the JSON error, or
// what it lacks, quoting it.
func (c *Client) describe(raw json.RawMessage, err error) string {
	if err != nil {
		return err.Error()
	}
	return "missing type or id in " + excerpt(c.mask, raw)
}

// compact returns raw without insignificant whitespace, so it fits on one
// line of JSON Lines output.
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
