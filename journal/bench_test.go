package journal

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/consentdesk/consent/model"
)

// BenchmarkAdd is one entry written and fsynced, as before every send.
func BenchmarkAdd(b *testing.B) {
	j, err := Open(filepath.Join(b.TempDir(), "journal.jsonl"), Meta{Agent: "dana"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := j.Add(Entry{Action: ActionSubscribe, Request: sampleRequest}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead10000 reads a journal of 10,000 entries, each with two
// state changes (30,000 lines), as History and retry do.
func BenchmarkRead10000(b *testing.B) {
	j, err := Open(filepath.Join(b.TempDir(), "journal.jsonl"), Meta{Agent: "dana"})
	if err != nil {
		b.Fatal(err)
	}
	j.dirSynced = true
	for i := range 10000 {
		r := record{Entry: Entry{ID: "entry-" + strconv.Itoa(i), Action: ActionSubscribe, Request: model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}, State: StatePending}, Op: "add"}
		if err := j.append(r); err != nil {
			b.Fatal(err)
		}
		for _, st := range []State{StateAccepted, StateVerified} {
			if err := j.append(record{Entry: Entry{ID: r.ID, State: st, Result: "Email marketing: verified"}, Op: "update"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for b.Loop() {
		entries, _, err := j.Read()
		if err != nil || len(entries) != 10000 {
			b.Fatalf("%d entries, %v", len(entries), err)
		}
	}
}
