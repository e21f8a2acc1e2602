package model

import (
	"strings"
	"testing"
	"time"
)

func TestParseConsentedAt(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		text, layout string
		loc          *time.Location
		want         time.Time // zero: an error
		wantErr      string
	}{
		{text: "2026-03-14", loc: cet, want: time.Date(2026, 3, 14, 0, 0, 0, 0, cet)},
		{text: " 2026-03-14 ", loc: time.UTC, want: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
		{text: "2026-03-14 15:04", loc: cet, want: time.Date(2026, 3, 14, 15, 4, 0, 0, cet)},
		{text: "2026-03-14T15:04", loc: cet, want: time.Date(2026, 3, 14, 15, 4, 0, 0, cet)},
		{text: "2026-03-14T15:04:05", loc: cet, want: time.Date(2026, 3, 14, 15, 4, 5, 0, cet)},
		{text: "2026-03-14T15:04:05Z", loc: cet, want: time.Date(2026, 3, 14, 15, 4, 5, 0, time.UTC)},
		{text: "2026-03-14T15:04:05-05:00", loc: cet, want: time.Date(2026, 3, 14, 20, 4, 5, 0, time.UTC)},
		{text: "2026-03-14", loc: nil, want: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
		{text: "14/03/2026", layout: "02/01/2006", loc: cet, want: time.Date(2026, 3, 14, 0, 0, 0, 0, cet)},
		{text: "2026-03-14", layout: "02/01/2006", loc: cet, wantErr: `"2026-03-14" is not a date in the format 02/01/2006`},
		{text: "14/03/2026", loc: cet, wantErr: `"14/03/2026" is not a date: give 2026-03-14, 2026-03-14 15:04`},
		{text: "2026-02-30", loc: cet, wantErr: "is not a date: give"},
		{text: "2026-03-14 25:00", loc: cet, wantErr: "is not a date"},
		{text: "", loc: cet, wantErr: "no date: give one such as 2026-03-14"},
		{text: "yesterday\x1b[2J", loc: cet, wantErr: `"yesterday`},
	}
	for _, tt := range tests {
		t.Run(tt.text+"|"+tt.layout, func(t *testing.T) {
			got, err := ParseConsentedAt(tt.text, tt.layout, tt.loc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.ContainsRune(err.Error(), '\x1b') {
					t.Fatalf("error carries an escape: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if _, off := got.Zone(); tt.loc != nil && !strings.ContainsAny(tt.text, "Z+") && strings.Count(tt.text, "-") == 2 {
				if _, wantOff := tt.want.Zone(); off != wantOff {
					t.Fatalf("zone offset %d, want %d", off, wantOff)
				}
			}
		})
	}
}

func FuzzParseConsentedAt(f *testing.F) {
	for _, s := range []string{"2026-03-14", "2026-03-14 15:04", "2026-03-14T15:04:05+01:00", "14/03/2026", "", "\xff", "9999-12-31T23:59:59Z"} {
		f.Add(s, "")
		f.Add(s, "02/01/2006")
	}
	f.Fuzz(func(t *testing.T, text, layout string) {
		got, err := ParseConsentedAt(text, layout, time.UTC)
		if err != nil {
			if got != (time.Time{}) {
				t.Fatalf("an error with a time: %v", got)
			}
			if msg := err.Error(); SanitizeText(msg) != msg {
				t.Fatalf("error not terminal-safe: %q", msg)
			}
			if layout == "" && !strings.Contains(err.Error(), "2026-03-14") {
				t.Fatalf("error does not say what is accepted: %q", err)
			}
			return
		}
		if got.IsZero() && layout == "" {
			t.Fatalf("%q read as the zero time", text)
		}
	})
}

func TestConsentRequestCheckOffline(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	rules := PhoneRules{Policy: DefaultSMSPolicy(), Now: func() time.Time { return now }}
	hash := strings.Repeat("ab", 32)
	tests := []struct {
		name     string
		offline  OfflineConsent
		problems []string
	}{
		{name: "a past date with everything", offline: OfflineConsent{ConsentedAt: now.AddDate(0, -1, 0), CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026", EvidenceSHA256: hash, EvidenceName: "sheet.jpg"}},
		{name: "exactly now", offline: OfflineConsent{ConsentedAt: now}},
		{name: "the floor itself", offline: OfflineConsent{ConsentedAt: ConsentFloor}},
		{name: "no date", offline: OfflineConsent{CollectedBy: "Booth"}, problems: []string{"consented_at: say when consent was given"}},
		{name: "a second in the future", offline: OfflineConsent{ConsentedAt: now.Add(time.Second)}, problems: []string{"consented_at: 2026-04-01 12:00 UTC is in the future"}},
		{name: "tomorrow", offline: OfflineConsent{ConsentedAt: now.AddDate(0, 0, 1)}, problems: []string{"consented_at: 2026-04-02 12:00 UTC is in the future"}},
		{name: "before 1990", offline: OfflineConsent{ConsentedAt: ConsentFloor.Add(-time.Second)}, problems: []string{"consented_at: 1989-12-31 is before 1990-01-01"}},
		{name: "long collected by", offline: OfflineConsent{ConsentedAt: now, CollectedBy: strings.Repeat("é", 256)}, problems: []string{"collected_by: at most 255 characters"}},
		{name: "255 runes is fine", offline: OfflineConsent{ConsentedAt: now, CollectedBy: strings.Repeat("é", 255)}},
		{name: "text version not UTF-8", offline: OfflineConsent{ConsentedAt: now, TextVersion: "v\xff"}, problems: []string{"consent_text_version: is not valid UTF-8"}},
		{name: "uppercase hash", offline: OfflineConsent{ConsentedAt: now, EvidenceSHA256: strings.ToUpper(hash)}, problems: []string{"evidence: the evidence's SHA-256 must be 64 lowercase"}},
		{name: "short hash", offline: OfflineConsent{ConsentedAt: now, EvidenceSHA256: hash[:63]}, problems: []string{"evidence: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.offline
			req := ConsentRequest{Email: "x@example.com", Channels: []Channel{EmailMarketing}, Offline: &o}
			got, problems := req.Check(rules)
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %v, want %v", problems, tt.problems)
			}
			for i, p := range problems {
				if !strings.HasPrefix(p.String(), tt.problems[i]) {
					t.Errorf("problem %d = %q, want %q", i, p, tt.problems[i])
				}
			}
			if got.Offline == nil || *got.Offline != o {
				t.Fatalf("checked offline = %+v, want %+v", got.Offline, o)
			}
			if got.Offline == req.Offline {
				t.Fatal("the checked request shares its Offline with the input")
			}
		})
	}
}

func TestConsentRequestCheckUsesTimeNowWithoutAClock(t *testing.T) {
	req := ConsentRequest{Email: "x@example.com", Channels: []Channel{EmailMarketing}, Offline: &OfflineConsent{ConsentedAt: time.Now().Add(time.Hour)}}
	if _, problems := req.Check(PhoneRules{Policy: DefaultSMSPolicy()}); len(problems) != 1 || problems[0].Field != "consented_at" {
		t.Fatalf("problems = %v, want the future refused", problems)
	}
}
