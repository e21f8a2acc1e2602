package journal

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestAddManyAndUpdateMany journals rows of an import in one write each
// way, and reads back every row with its import, line and when it was
// handed to Klaviyo; the memory store agrees.
func TestAddManyAndUpdateMany(t *testing.T) {
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	for name, store := range map[string]Store{"file": openTemp(t), "memory": NewMemory()} {
		t.Run(name, func(t *testing.T) {
			var es []Entry
			for line := 2; line <= 4; line++ {
				es = append(es, Entry{At: at, Action: ActionSubscribe, Request: sampleRequest,
					Import: &ImportRow{ID: "imp1", File: "fair.csv", Line: line}})
			}
			ids, err := store.AddMany(es)
			if err != nil || len(ids) != 3 || ids[0] == ids[1] {
				t.Fatalf("AddMany = %v, %v", ids, err)
			}
			err = store.UpdateMany([]IDChange{
				{ids[0], Change{State: StatePending, Result: "sending", Sending: true}},
				{ids[1], Change{State: StateAccepted, Result: "accepted by Klaviyo", Sending: true}},
			})
			if err != nil {
				t.Fatal(err)
			}
			entries, err := store.Entries()
			if err != nil || len(entries) != 3 {
				t.Fatalf("Entries = %d, %v", len(entries), err)
			}
			byID := map[string]Entry{}
			for _, e := range entries {
				byID[e.ID] = e
			}
			first, second, third := byID[ids[0]], byID[ids[1]], byID[ids[2]]
			if first.Import == nil || first.Import.Line != 2 || first.Import.ID != "imp1" || third.Import.Line != 4 {
				t.Errorf("import rows = %+v, %+v", first.Import, third.Import)
			}
			if first.State != StatePending || first.SentAt.IsZero() {
				t.Errorf("first = %s sent %v, want pending and sent", first.State, first.SentAt)
			}
			if second.State != StateAccepted || second.AcceptedAt.IsZero() || second.SentAt.IsZero() {
				t.Errorf("second = %+v, want accepted and sent", second)
			}
			if third.State != StatePending || !third.SentAt.IsZero() {
				t.Errorf("third = %s sent %v, want pending, never sent", third.State, third.SentAt)
			}
		})
	}
}

// TestAddManyIsOneWrite: the file grows by every row's line at once, and
// an empty batch writes nothing.
func TestAddManyIsOneWrite(t *testing.T) {
	j := openTemp(t)
	if _, err := j.AddMany(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(j.Path()); !os.IsNotExist(err) {
		t.Fatalf("an empty batch created the journal: %v", err)
	}
	es := make([]Entry, 1000)
	for i := range es {
		es[i] = Entry{Action: ActionSubscribe, Request: sampleRequest, Import: &ImportRow{ID: "imp", Line: i + 2}}
	}
	if _, err := j.AddMany(es); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 1000 {
		t.Fatalf("%d lines, want 1000", n)
	}
}
