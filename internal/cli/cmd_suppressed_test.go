package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/consentdesk/consent/model"
)

// newsletterID is the demo sandbox's single opt-in Newsletter.
const newsletterID = "Y6nRLr"

// suppressedMembers reads the Newsletter's first 100 members with --json
// and returns the email of one whose email consent is SUBSCRIBED but
// hard-bounced (cannot receive), and of one that is SUBSCRIBED and can
// receive but is suppressed on the Newsletter only.
func suppressedMembers(t *testing.T, home string) (bounced, listSuppressed string) {
	t.Helper()
	r := runIn(t, home, "members", newsletterID, "--json", "--limit", "100")
	if r.code != 0 {
		t.Fatalf("members --json: exit %d %s", r.code, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var p struct {
			Attributes struct {
				Email         string
				Subscriptions model.Subscriptions
			}
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		em := p.Attributes.Subscriptions.Channel(model.EmailMarketing)
		switch {
		case bounced == "" && em.Suppressed() && len(em.Suppressions) == 1 && em.Suppressions[0].Reason == model.ReasonHardBounce:
			bounced = p.Attributes.Email
		case listSuppressed == "" && em.Consent == model.Subscribed && em.CanReceive && len(em.ListSuppressions) == 1 && em.ListSuppressions[0].ListID == newsletterID:
			listSuppressed = p.Attributes.Email
		}
	}
	if bounced == "" || listSuppressed == "" {
		t.Fatalf("the demo Newsletter lacks a hard-bounced (%q) or list-suppressed (%q) subscriber", bounced, listSuppressed)
	}
	return bounced, listSuppressed
}

// rowOf is the line of out that starts with email.
func rowOf(out, email string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, email+" ") {
			return l
		}
	}
	return ""
}

// TestMembersCommandShowsSuppressed: a subscriber Klaviyo cannot send to is
// shown as suppressed, with the reason, and still as SUBSCRIBED.
func TestMembersCommandShowsSuppressed(t *testing.T) {
	home := sandboxHome(t)
	bounced, listSuppressed := suppressedMembers(t, home)
	r := runIn(t, home, "members", newsletterID, "--limit", "100")
	if r.code != 0 {
		t.Fatalf("members: exit %d %s", r.code, r.stderr)
	}
	for email, want := range map[string]string{
		bounced:        "suppressed: hard bounce (consent SUBSCRIBED)",
		listSuppressed: "suppressed on this list (consent SUBSCRIBED)",
	} {
		if row := rowOf(r.stdout, email); !strings.Contains(row, want) {
			t.Errorf("%s's row lacks %q: %q", email, want, row)
		}
	}
	if strings.Contains(r.stdout, "subscribed (suppressed)") {
		t.Errorf("a row still says subscribed (suppressed):\n%s", r.stdout)
	}
}

// TestCheckCommandSaysWhyItCannotReceive: the check card says why a
// subscribed email cannot receive.
func TestCheckCommandSaysWhyItCannotReceive(t *testing.T) {
	home := sandboxHome(t)
	bounced, _ := suppressedMembers(t, home)
	r := runIn(t, home, "check", bounced)
	if r.code != 0 || !regexp.MustCompile(`(?m)^    email   SUBSCRIBED · cannot receive \(hard bounce\) · since 20`).MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "suppressed: HARD_BOUNCE since 20") {
		t.Errorf("check %s: exit %d\n%s%s", bounced, r.code, r.stdout, r.stderr)
	}
}

// TestSubscribeOnAHardBounceSaysItCannotReceive subscribes a hard-bounced
// subscriber's email again: Klaviyo shows SUBSCRIBED (verified), but
// subscribing does not lift a hard bounce, so the text and the JSON say
// that Klaviyo cannot send to the person, and why.
func TestSubscribeOnAHardBounceSaysItCannotReceive(t *testing.T) {
	home := sandboxHome(t)
	bounced, _ := suppressedMembers(t, home)
	args := []string{"subscribe", "--list", newsletterID, "--email", bounced, "--email-marketing"}
	r := runIn(t, home, args...)
	want := regexp.MustCompile(`Email marketing   ✓ verified SUBSCRIBED at 20[\d-]+ [\d:]+ UTC — but Klaviyo cannot send email marketing to this person: suppressed \(hard bounce since \d{4}-\d\d-\d\d\); Klaviyo will not lift it, so no email reaches this address even with consent: ask for another address\n`)
	if r.code != 0 || !want.MatchString(r.stdout) {
		t.Errorf("subscribe %s: exit %d\n%s%s", bounced, r.code, r.stdout, r.stderr)
	}
	j := runIn(t, home, append(args, "--json")...)
	var res struct {
		Status   string
		Channels map[string]struct {
			Outcome, Consent string
			CanReceive       *bool `json:"can_receive"`
			Suppression      []model.Suppression
		}
	}
	if err := json.Unmarshal([]byte(j.stdout), &res); err != nil || j.code != 0 {
		t.Fatalf("subscribe --json: exit %d %v\n%s%s", j.code, err, j.stdout, j.stderr)
	}
	email := res.Channels["email_marketing"]
	if res.Status != "verified" || email.Outcome != "verified" || email.Consent != "SUBSCRIBED" || email.CanReceive == nil || *email.CanReceive ||
		len(email.Suppression) != 1 || email.Suppression[0].Reason != model.ReasonHardBounce || email.Suppression[0].Timestamp == "" {
		t.Errorf("subscribe --json = %s", j.stdout)
	}
}
