package proof

import (
	"context"
	"strings"
	"testing"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// TestOverrideAndConflictInTheProof: an entry that lifted a STOP on new
// evidence says so in the entries and the timeline, and one sent despite
// two profiles names the choice; redacted, a refusal that named another
// person's profile no longer does, and the choice of the person's own
// profile is kept.
func TestOverrideAndConflictInTheProof(t *testing.T) {
	c := newClient(t)
	lifted := entry("e-lift", 4, "", walkerE164)
	lifted.Request.Channels = []model.Channel{model.SMSMarketing}
	lifted.Request.Override = &model.Override{OptOut: "replied STOP", OptOutAt: "2026-02-01T10:00:00+00:00", TextVersion: "sms-2026-11", CollectedBy: "Dana, phone call"}
	refused := entry("e-refused", 5, walkerEmail, "+1 201 555 0193")
	refused.State = journal.StateRefused
	refused.Result = "refused, nothing changed: " + walkerEmail + " is on profile " + walkerID + " (James Walker) and +12015550193 on profile 01HNMGQNM00020000001FET004 (Ana K.); Klaviyo does not merge them"
	chosen := entry("e-chosen", 6, walkerEmail, "+1 201 555 0193")
	chosen.Request.ChosenProfile = walkerID
	r, err := Build(context.Background(), c, []journal.Entry{lifted, refused, chosen}, walkerEmail, rules)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text(t, r),
		"override     lifted an SMS opt-out (replied STOP since 2026-02-01) on new evidence",
		"wording      sms-2026-11", "collected by Dana, phone call",
		"conflict     email and number on two profiles; the agent chose to send to "+walkerID,
		"subscribe asked through list Newsletter (Y6nRLr); lifted the SMS opt-out (replied STOP) on new evidence: wording sms-2026-11, collected by Dana, phone call",
		"01HNMGQNM00020000001FET004 (Ana K.)")
	red := r.Redact()
	for _, out := range []string{text(t, red), markdown(t, red), jsonOf(t, red)} {
		if strings.Contains(out, "01HNMGQNM00020000001FET004") || strings.Contains(out, "Ana K.") {
			t.Errorf("the redacted proof names another person:\n%s", out)
		}
		wantContains(t, out, "+12015550193 on another profile; Klaviyo does not merge them", "sms-2026-11", "sent to "+walkerID+" despite")
	}
}
