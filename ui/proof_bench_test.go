package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/proof"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// BenchmarkProofScroll is one line of scrolling in the Proof view of a
// person with 100 journal entries, at 80x24: Update + View.
func BenchmarkProofScroll(b *testing.B) {
	cl := sandboxtest.Client(b, sandboxtest.Open(b, sandbox.Options{}), client.Options{})
	at := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	var entries []journal.Entry
	for i := range 100 {
		entries = append(entries, journal.Entry{ID: "e" + string(rune('A'+i%26)) + string(rune('a'+i/26)), At: at.Add(time.Duration(i) * time.Minute), Action: journal.ActionSubscribe,
			Origin: testOrigin, Agent: "alice.agent", Request: model.ConsentRequest{Email: walkerEmail, Channels: []model.Channel{model.EmailMarketing},
				Offline: &model.OfflineConsent{ConsentedAt: at, CollectedBy: "Booth", TextVersion: "fair-2026"}},
			State: journal.StateVerified, Result: "Email marketing: verified"})
	}
	rec, err := proof.Build(context.Background(), cl, entries, walkerEmail, model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if err != nil || len(rec.Entries) != 100 {
		b.Fatal(len(rec.Entries), err)
	}
	v := newProofView(benchCommon(), client.Profile{Email: walkerEmail})
	v.rec = &rec
	v.SetSize(benchWidth, benchHeight)
	_ = v.View()
	down, up := tea.KeyPressMsg{Code: 'j', Text: "j"}, tea.KeyPressMsg{Code: 'k', Text: "k"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := down
		if i%400 >= 200 {
			k = up
		}
		v.Update(k)
		_ = v.View()
	}
}
