package journal

import "strings"

// Origin is where a change was sent: the backend (SANDBOX, or Klaviyo and
// its base URL), the configured account, and, for a key given without an
// account, the key's fingerprint (client.Client.KeyID: never the key). A
// retry resends an entry only where it was made (Same).
type Origin struct {
	Backend string `json:"backend,omitempty"`
	Account string `json:"account,omitempty"`
	KeyID   string `json:"key_id,omitempty"`
}

// Same reports whether a change made at o would go to the same place when
// sent at here: the same backend and account, and, without an account, the
// same key. (An account's key may be replaced; the account stays itself.)
func (o Origin) Same(here Origin) bool {
	if o.Backend != here.Backend || o.Account != here.Account {
		return false
	}
	return o.Account != "" || o.KeyID == here.KeyID
}

// String is the origin as History shows it: "SANDBOX",
// "Klaviyo https://a.klaviyo.com, account us-shop", "Klaviyo
// https://a.klaviyo.com (key 1a2b3c4d)".
func (o Origin) String() string {
	s := o.Backend
	if s == "" {
		s = "unknown backend"
	}
	switch {
	case o.Account != "":
		s += ", account " + o.Account
	case o.KeyID != "":
		s += " (key " + o.KeyID + ")"
	}
	return s
}

// Short is the origin in a narrow column: "SANDBOX", "us-shop",
// "a.klaviyo.com".
func (o Origin) Short() string {
	switch {
	case o.Account != "":
		return o.Account
	case o.Backend == "":
		return "?"
	}
	host := strings.TrimPrefix(o.Backend, "Klaviyo ")
	host = strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	return host
}
