package proof

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// The seeded demo's James Walker: SMS SUBSCRIBED, email UNSUBSCRIBED after
// a spam complaint (2024-05-20).
const (
	walkerID    = "01H834PHERBNZF1Y0NR55XHXMN"
	walkerEmail = "james.walker@mail.example.com"
	walkerE164  = "+16175475595"
	// earlierE164 is a number Walker had before, entered with his email.
	earlierE164 = "+12015550123"
)

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

// at is a day of 2026 at 09:00 UTC.
func at(day int) time.Time { return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC) }

// entry is a verified email-marketing subscribe for email and phone.
func entry(id string, day int, email, phone string) journal.Entry {
	return journal.Entry{
		ID: id, At: at(day), Updated: at(day).Add(5 * time.Second), Action: journal.ActionSubscribe,
		Origin: journal.Origin{Backend: "Klaviyo https://a.klaviyo.com", KeyID: "fp9d8c7b"}, Agent: "alice.agent",
		Request: model.ConsentRequest{Email: email, Phone: phone, Channels: []model.Channel{model.EmailMarketing}, ListID: "Y6nRLr"},
		State:   journal.StateVerified, Result: "verified SUBSCRIBED",
	}
}

// TestMatch: entries match by email (any case), by phone (any spelling of
// it), and by a number an entry for the person's email carried; the
// expansion goes once, from email to numbers, and entries come newest
// first.
func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		seeds   identifiers
		entries []journal.Entry
		want    []string // "id by on"
	}{{
		name:    "email, any case",
		seeds:   identifiers{emails: []string{"ana@example.com"}},
		entries: []journal.Entry{entry("1", 1, "Ana@Example.COM ", ""), entry("2", 2, "bob@example.com", "")},
		want:    []string{"1 email ana@example.com"},
	}, {
		name:    "phone, as typed",
		seeds:   identifiers{phones: []string{walkerE164}},
		entries: []journal.Entry{entry("1", 1, "", "+1 (617) 547-5595"), entry("2", 2, "", "+1 617 547 5596")},
		want:    []string{"1 phone " + walkerE164},
	}, {
		name:  "earlier number, through the email",
		seeds: identifiers{emails: []string{walkerEmail}, phones: []string{walkerE164}},
		entries: []journal.Entry{
			entry("1", 1, walkerEmail, "+1 201 555 0123"), // his email with his old number
			entry("2", 2, "", earlierE164),                // the old number alone
			entry("3", 3, "", walkerE164),                 // today's number
			entry("4", 4, "someone@example.com", ""),      // somebody else
		},
		want: []string{"3 phone " + walkerE164, "2 earlier phone " + earlierE164, "1 email " + walkerEmail},
	}, {
		name:  "expanded once: a number's other email brings no more",
		seeds: identifiers{phones: []string{walkerE164}},
		entries: []journal.Entry{
			entry("1", 1, "flat.mate@example.com", walkerE164),
			entry("2", 2, "flat.mate@example.com", ""),
		},
		want: []string{"1 phone " + walkerE164},
	}, {
		name:    "no identifiers match nothing",
		seeds:   identifiers{emails: []string{""}, phones: []string{""}},
		entries: []journal.Entry{entry("1", 1, "", ""), entry("2", 2, "a@example.com", "")},
		want:    nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := match(tt.entries, tt.seeds, rules)
			var ids []string
			for _, m := range got {
				ids = append(ids, m.entry.ID+" "+m.by+" "+m.on)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("matched %q, want %q", ids, tt.want)
			}
		})
	}
}

// newClient is a client on a seeded sandbox.
func newClient(t testing.TB) *client.Client {
	t.Helper()
	return sandboxtest.Client(t, sandboxtest.Open(t, sandbox.Options{}), client.Options{})
}

// offline is a back-dated subscribe with its wording and evidence, made
// from an import.
func offline(id string, day int) journal.Entry {
	e := entry(id, day, walkerEmail, "+1 201 555 0123")
	e.Request.Offline = &model.OfflineConsent{
		ConsentedAt: at(1), CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026",
		EvidenceSHA256: strings.Repeat("ab", 32), EvidenceName: "sheet.jpg",
	}
	e.Import = &journal.ImportRow{ID: "imp-7f3e", File: "fair.csv", Line: 3}
	e.AcceptedAt = e.At.Add(time.Second)
	return e
}

// TestBuild: a person found by phone, by email or only in the journal, and
// one with no entries: the profile, the channels, the entries with how they
// matched, and a timeline newest first of both sources.
func TestBuild(t *testing.T) {
	c := newClient(t)
	dismissed := entry("9", 9, "", walkerE164)
	dismissed.State, dismissed.Note, dismissed.NoteBy = journal.StateDismissed, "customer called back", "bob.lead"
	journalled := []journal.Entry{dismissed, entry("5", 5, "", earlierE164), offline("2", 2), entry("1", 1, "other@example.com", "")}
	tests := []struct {
		name        string
		query       string
		entries     []journal.Entry
		wantProfile string
		wantEntries []string // id, matched by
		wantText    []string
	}{{
		name: "by phone, with an earlier number", query: "+1 617-547-5595", entries: journalled, wantProfile: walkerID,
		wantEntries: []string{"9 phone", "5 earlier phone", "2 email"},
		wantText: []string{
			"profile      " + walkerID + " · James Walker · " + walkerEmail + " · " + walkerE164,
			"Email marketing   UNSUBSCRIBED · cannot receive · since 2024-05-20 19:46:49 UTC · method SPAM_COMPLAINT",
			"suppressed: spam complaint since 2024-05-20 19:46:49 UTC",
			"SMS marketing     SUBSCRIBED · can receive",
			"matched      by earlier phone " + earlierE164,
			"wording      fair-2026",
			"evidence     sheet.jpg (SHA-256 " + strings.Repeat("ab", 32) + ")",
			"import       fair.csv line 3 (import imp-7f3e)",
			"note         customer called back (bob.lead)",
			"by           alice.agent, on Klaviyo https://a.klaviyo.com (key fp9d8c7b)",
			"2026-03-01 09:00:00 UTC  journal  email marketing: consent given, entered later; wording fair-2026",
			"2024-05-20 19:46:49 UTC  klaviyo  email marketing: consent UNSUBSCRIBED (method SPAM_COMPLAINT)\n",
			"2026-03-09 09:00:05 UTC  journal  email marketing: dismissed: customer called back (bob.lead)",
			"2026-03-05 09:00:05 UTC  journal  email marketing: verified SUBSCRIBED\n",
		},
	}, {
		name: "by email, any case", query: "James.Walker@MAIL.example.com", entries: journalled, wantProfile: walkerID,
		wantEntries: []string{"9 phone", "5 earlier phone", "2 email"},
	}, {
		name: "no profile, entries in the journal", query: "other@example.com", entries: journalled,
		wantEntries: []string{"1 email"},
		wantText:    []string{"profile      none in Klaviyo", "Journal entries (1)", "subscribe asked through list Newsletter (Y6nRLr)"},
	}, {
		name: "a profile, no entries", query: walkerE164, wantProfile: walkerID,
		wantText: []string{"Journal entries (0)", "none: nothing was entered for this person here", "klaviyo  SMS marketing: consent SUBSCRIBED"},
	}, {
		name: "nobody", query: "nobody@example.com",
		wantText: []string{NothingFound},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Build(context.Background(), c, tt.entries, tt.query, rules)
			if err != nil {
				t.Fatal(err)
			}
			if got := profileID(r); got != tt.wantProfile {
				t.Errorf("profile %q, want %q", got, tt.wantProfile)
			}
			var got []string
			for _, e := range r.Entries {
				got = append(got, e.ID+" "+e.MatchedBy)
			}
			if !slices.Equal(got, tt.wantEntries) {
				t.Errorf("entries %q, want %q", got, tt.wantEntries)
			}
			if !slices.IsSortedFunc(r.Timeline, func(a, b Event) int { return b.At.Compare(a.At) }) {
				t.Errorf("timeline not newest first: %v", r.Timeline)
			}
			wantContains(t, text(t, r), tt.wantText...)
		})
	}
}

func profileID(r Record) string {
	if r.Profile == nil {
		return ""
	}
	return r.Profile.ID
}

// text is r written by WriteText.
func text(t *testing.T, r Record) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func wantContains(t *testing.T, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in:\n%s", w, s)
		}
	}
}

// TestBuildRefusesWhatIsNeitherEmailNorNumber: bad input is a usage error.
func TestBuildRefusesWhatIsNeitherEmailNorNumber(t *testing.T) {
	for _, q := range []string{"", "  ", "ana@", "12", "+386 31"} {
		_, err := Build(context.Background(), nil, nil, q, rules)
		var u *usage.Error
		if !errors.As(err, &u) {
			t.Errorf("%q: %v, want a usage error", q, err)
		}
	}
}

// TestRedact: a redacted record, in every format, keeps the person's own
// data and their consent's history, and drops agents' names, other
// profiles, key fingerprints and every internal id.
func TestRedact(t *testing.T) {
	c := newClient(t)
	dismissed := entry("e-dismissed-1", 9, walkerEmail, "")
	dismissed.State, dismissed.Note, dismissed.NoteBy = journal.StateDismissed, "asked twice", "bob.lead"
	retry := entry("e-retry-2", 8, walkerEmail, "")
	retry.RetryOf, retry.Result = "e-first-3", "verified by retry e-retry-2: verified SUBSCRIBED"
	r, err := Build(context.Background(), c, []journal.Entry{dismissed, retry, offline("e-offline-4", 2)}, walkerE164, rules)
	if err != nil {
		t.Fatal(err)
	}
	red := r.Redact()
	outputs := map[string]string{"text": text(t, red), "md": markdown(t, red), "json": jsonOf(t, red)}
	for format, out := range outputs {
		for _, unwanted := range []string{"alice.agent", "bob.lead", "fp9d8c7b", "e-dismissed-1", "e-retry-2", "e-first-3", "e-offline-4", "imp-7f3e", "Y6nRLr"} {
			if strings.Contains(out, unwanted) {
				t.Errorf("%s: redacted output has %q:\n%s", format, unwanted, out)
			}
		}
		for _, wanted := range []string{walkerID, walkerEmail, earlierE164, "fair-2026", strings.Repeat("ab", 32), "sheet.jpg", "fair.csv", "Booth, Spring Fair", "asked twice", AnAgent, "Newsletter", "SPAM"} {
			if !strings.Contains(out, wanted) {
				t.Errorf("%s: redacted output lost %q:\n%s", format, wanted, out)
			}
		}
	}
	// The unredacted record has them all, and Redact left it as it was.
	for _, s := range []string{"alice.agent", "fp9d8c7b", "e-retry-2", "imp-7f3e", "Y6nRLr"} {
		if !strings.Contains(jsonOf(t, r), s) {
			t.Errorf("unredacted record lacks %q", s)
		}
	}
}

func markdown(t *testing.T, r Record) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func jsonOf(t *testing.T, r Record) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMarkdownIsATicketsDocument: headings, a table for the timeline
// whose cells cannot be broken by what a journal says, times with their
// zone.
func TestMarkdownIsATicketsDocument(t *testing.T) {
	c := newClient(t)
	e := entry("1", 3, walkerEmail, "")
	e.Result = "a | pipe and *stars*\nand a newline"
	r, err := Build(context.Background(), c, []journal.Entry{e}, walkerEmail, rules)
	if err != nil {
		t.Fatal(err)
	}
	out := markdown(t, r)
	wantContains(t, out, "# Proof of consent: "+walkerEmail, "## "+HeadingConsent, "## "+HeadingTimeline,
		"| When | Source | Channels | What | By |", `a \| pipe and \*stars\* and a newline`, "2026-03-03 09:00:00 UTC")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| 2026") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 6 {
			t.Errorf("a timeline row with other than 5 cells: %q", line)
		}
	}
}

// BenchmarkProof100Entries: a person with 100 journal entries among 1,000
// on the sandbox, built whole (look-up, lists, matching, timeline).
func BenchmarkProof100Entries(b *testing.B) {
	c := newClient(b)
	var entries []journal.Entry
	for i := range 1000 {
		email := fmt.Sprintf("someone%d@example.com", i)
		if i%10 == 0 {
			email = walkerEmail
		}
		entries = append(entries, entry(fmt.Sprint(i), 1+i%28, email, ""))
	}
	for b.Loop() {
		r, err := Build(context.Background(), c, entries, walkerE164, rules)
		if err != nil || len(r.Entries) != 100 {
			b.Fatal(err, len(r.Entries))
		}
	}
}
