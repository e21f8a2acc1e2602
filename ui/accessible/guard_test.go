package accessible

import (
	"strings"
	"testing"

	"github.com/consentdesk/consent/journal"
)

// TestTwoProfilesAreSaidAndAsked: the demo's Ana Kovač has her email on
// one profile and her number on another: both are said, and nothing is
// sent unless the agent answers yes to sending as typed to the email's.
func TestTwoProfilesAreSaidAndAsked(t *testing.T) {
	person := "s\nana.kovac@example.com\n+1 201 555 0193\ny\ny\nn\nNewsletter\n\ny\n"
	out, store, err := run(t, person+"n\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Not sent: the email and the phone number are on two different profiles. ana.kovac@example.com is on profile 01H75169M0001G000001FET003 (Ana Kovač)",
		"The email's profile 01H75169M0001G000001FET003: Ana Kovač ana.kovac@example.com",
		"The number's profile 01HNMGQNM00020000001FET004: Ana K. +12015550193",
		"  SMS marketing: SUBSCRIBED · can receive",
		"Send as typed to 01H75169M0001G000001FET003, the email's profile? SMS consent would not be recorded. y/N",
		"Not sent. Subscribe again with another email or number to change the input.")
	if es := entries(t, store); len(es) != 1 || es[0].State != journal.StateRefused {
		t.Fatalf("journal: %+v", es)
	}

	out, store, err = run(t, person+"y\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Email marketing: ✓ verified SUBSCRIBED", "SMS marketing: ✗ partial failure")
	if es := entries(t, store); len(es) != 2 || es[0].Request.ChosenProfile != "01H75169M0001G000001FET003" {
		t.Fatalf("journal: %+v", es)
	}
}

// TestStopIsLiftedOnlyWithEvidence: a number that replied STOP is asked
// for new evidence; the wording's version alone is not enough, and with
// who collected it the consent is sent and the override journaled.
func TestStopIsLiftedOnlyWithEvidence(t *testing.T) {
	person := "s\n\n+1 201 555 0191\ny\nn\nNewsletter\n\ny\n"
	out, store, err := run(t, person+"\nsms-2026-11\n\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Not sent: +12015550191 opted out of SMS marketing (replied STOP since 2024-04-22).",
		"SMS consent is given again only with new evidence",
		"Not sent: that is not enough evidence to lift the opt-out.")
	if strings.Contains(out, "verified SUBSCRIBED") || len(entries(t, store)) != 1 {
		t.Fatalf("sent without enough evidence:\n%s", out)
	}
	out, store, err = run(t, person+"Dana, phone call\nsms-2026-11\n\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "SMS marketing: ✓ verified SUBSCRIBED")
	wantOverrideJournaled(t, store, "replied STOP")
}

// TestEveryOptOutIsSaid: the demo's Priya Nair's carrier deactivated her
// number, which ended both SMS consents: asked for both, each opt-out is
// said, and one piece of evidence lifts both.
func TestEveryOptOutIsSaid(t *testing.T) {
	out, store, err := run(t, "s\n\n+1 201 555 0192\ny\ny\nNewsletter\n\ny\nDana, phone call\nsms-2026-11\n\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Not sent: +12015550192 opted out of SMS marketing (carrier deactivation since 2024-05-07).",
		"Not sent: +12015550192 opted out of SMS transactional (carrier deactivation since 2024-05-07).",
		"SMS marketing: ✓ verified SUBSCRIBED", "SMS transactional: ✓ verified SUBSCRIBED")
	wantOverrideJournaled(t, store, "carrier deactivation")
}

// wantOverrideJournaled asserts that the journal holds the refused entry
// and, newest, the one sent with evidence that lifted the opt-out optOut.
func wantOverrideJournaled(t *testing.T, store journal.Store, optOut string) {
	t.Helper()
	if es := entries(t, store); len(es) != 2 || es[0].Request.Override == nil || es[0].Request.Override.OptOut != optOut {
		t.Fatalf("journal: %+v", es)
	}
}
