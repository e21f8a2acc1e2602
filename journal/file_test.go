package journal

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

func openTemp(t *testing.T) *File {
	t.Helper()
	j, err := Open(filepath.Join(t.TempDir(), "state", "journal.jsonl"), Meta{Agent: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

var sampleRequest = model.ConsentRequest{ListID: "Y6nRLr", Email: "x@example.com", Phone: "+12015550123",
	Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}, Source: "Consent Desk"}

func TestFileRoundTrip(t *testing.T) {
	j := openTemp(t)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	id1, err := j.Add(Entry{At: at, Action: ActionSubscribe, Origin: Origin{Backend: "SANDBOX", Account: "eu"}, Request: sampleRequest})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := j.Add(Entry{At: at.Add(time.Minute), Action: ActionUnsubscribe, Request: sampleRequest})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Update(id1, Change{State: legacySent, Result: "accepted by Klaviyo"}); err != nil {
		t.Fatal(err)
	}
	if err := j.Update(id1, Change{State: StateVerified, Result: "Email marketing: verified"}); err != nil {
		t.Fatal(err)
	}
	entries, problems, err := j.Read()
	if err != nil || len(problems) != 0 {
		t.Fatalf("Read: %v %v", err, problems)
	}
	if len(entries) != 2 || entries[0].ID != id2 || entries[1].ID != id1 {
		t.Fatalf("entries = %+v, want newest first", entries)
	}
	e := entries[1]
	if e.State != StateVerified || e.Result != "Email marketing: verified" || e.Backend != "SANDBOX" || e.Account != "eu" || e.Agent != "dana" ||
		!e.At.Equal(at) || e.Request.Phone != "+12015550123" || len(e.Request.Channels) != 2 {
		t.Errorf("entry = %+v", e)
	}
	if entries[0].State != StatePending {
		t.Errorf("a new entry is %q, want pending", entries[0].State)
	}
	fi, err := os.Stat(j.Path())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v %v, want 0600", fi.Mode(), err)
	}
	di, _ := os.Stat(filepath.Dir(j.Path()))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("journal directory mode %v, want 0700", di.Mode())
	}
}

func TestParseDamage(t *testing.T) {
	good := `{"op":"add","id":"a","action":"subscribe","request":{"channels":["email_marketing"]},"state":"pending"}` + "\n"
	update := `{"op":"update","id":"a","state":"verified","result":"ok"}` + "\n"
	tests := []struct {
		name     string
		data     string
		entries  int
		state    State
		problems []string
	}{
		{"empty", "", 0, "", nil},
		{"whole", good + update, 1, "verified", nil},
		{"torn last line after a crash", good + update[:20], 1, "pending", []string{"line 2: incomplete (written when the program stopped?)"}},
		{"torn add", good[:30], 0, "", []string{"line 1: incomplete"}},
		{"damaged middle line", good + "garbage\n" + update, 1, "verified", []string{"line 2: not a journal record"}},
		{"update of an unknown entry", `{"op":"update","id":"zz","state":"sent"}` + "\n" + good, 1, "pending", []string{"line 1: update of unknown entry zz"}},
		{"duplicate add", good + good, 1, "pending", []string{"line 2: entry a added twice"}},
		{"unknown op", `{"op":"delete","id":"a"}` + "\n", 0, "", []string{`unknown operation "delete"`}},
		{"blank lines", "\n\n" + good + "\n", 1, "pending", nil},
		{"an older journal's sent is accepted", good + `{"op":"update","id":"a","state":"sent","result":"accepted by Klaviyo"}` + "\n", 1, "accepted", nil},
		{"claim then release", good + `{"op":"claim","id":"a","claimed_by":"x"}` + "\n" + `{"op":"release","id":"a","claimed_by":"x"}` + "\n", 1, "pending", nil},
		{"claim of an unknown entry", `{"op":"claim","id":"zz","claimed_by":"x"}` + "\n" + good, 1, "pending", []string{"line 1: claim of unknown entry zz"}},
		{"over-long line", strings.Repeat("x", maxLine+10) + "\n" + good, 1, "pending", []string{"line 1: longer than 1 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, problems, err := Parse(strings.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != tt.entries || (tt.entries > 0 && entries[0].State != tt.state) {
				t.Errorf("entries = %+v", entries)
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %v, want %v", problems, tt.problems)
			}
			for i, p := range problems {
				if !strings.Contains(p.String(), tt.problems[i]) {
					t.Errorf("problem %q, want %q", p, tt.problems[i])
				}
			}
		})
	}
}

// TestAppendAfterTornLine: a crash left half a line; the next entry starts
// on a line of its own, so only the torn line is lost.
func TestAppendAfterTornLine(t *testing.T) {
	j := openTemp(t)
	id, err := j.Add(Entry{Action: ActionSubscribe, Request: sampleRequest})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(j.Path(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"op":"update","id":"` + id + `","sta`)
	f.Close()
	id2, err := j.Add(Entry{Action: ActionSubscribe, Request: sampleRequest})
	if err != nil {
		t.Fatal(err)
	}
	entries, problems, err := j.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].ID != id2 || entries[1].ID != id {
		t.Errorf("entries = %+v", entries)
	}
	if len(problems) != 1 || problems[0].Line != 2 {
		t.Errorf("problems = %v, want line 2", problems)
	}
}

func TestConcurrentAppends(t *testing.T) {
	j := openTemp(t)
	var wg sync.WaitGroup
	const n = 50
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := j.Add(Entry{Action: ActionSubscribe, Request: sampleRequest})
			if err == nil {
				err = j.Update(id, Change{State: StateVerified, Result: "ok"})
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	entries, problems, err := j.Read()
	if err != nil || len(problems) > 0 || len(entries) != n {
		t.Fatalf("%d entries, problems %v, err %v", len(entries), problems, err)
	}
	for _, e := range entries {
		if e.State != StateVerified {
			t.Errorf("entry %s is %s", e.ID, e.State)
		}
	}
}

func TestMissingJournalIsEmpty(t *testing.T) {
	entries, problems, err := openTemp(t).Read()
	if err != nil || len(entries) != 0 || len(problems) != 0 {
		t.Errorf("%v %v %v", entries, problems, err)
	}
}

// FuzzParse feeds arbitrary bytes to the journal reader: never a panic,
// never an error from reading memory, and every entry it returns has an id.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"op":"add","id":"a","request":{},"state":"pending"}` + "\n" + `{"op":"update","id":"a","state":"sent"}`))
	f.Add([]byte("garbage\n\n{"))
	f.Add([]byte(`{"op":"update","id":"","state":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		for _, e := range entries {
			if e.ID == "" {
				t.Fatalf("entry without an id: %+v", e)
			}
		}
	})
}

// TestIDsUniqueWithinOneSecond: with the clock frozen, 100,000 ids from one
// File are all distinct. Random bits alone would clash here (the birthday
// bound at 32 bits is about 77,000), so this holds only because the File
// remembers what it issued.
func TestIDsUniqueWithinOneSecond(t *testing.T) {
	j := openTemp(t)
	frozen := time.Date(2026, 11, 26, 14, 23, 23, 0, time.UTC)
	j.now = func() time.Time { return frozen }
	const n = 100_000
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		id := j.uniqueID()
		if seen[id] {
			t.Fatalf("id %s issued twice (after %d ids)", id, i)
		}
		if !strings.HasPrefix(id, "20261126-142323-") {
			t.Fatalf("id %s does not start with the time", id)
		}
		seen[id] = true
	}
}
