package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consentdesk/consent/model"
)

func chainEntry(email string) Entry {
	return Entry{Action: ActionSubscribe, Origin: Origin{Backend: "SANDBOX"},
		Request: model.ConsentRequest{Email: email, Channels: []model.Channel{model.EmailMarketing}}}
}

// TestVerifyFileFindsAnEditedLine: a journal written by two writers at
// once verifies; an edited line, a removed one and one inserted without
// its link are each named; lines written before the chain began are
// counted and not held against it.
func TestVerifyFileFindsAnEditedLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	legacy := `{"id":"20250101-000000-00000000","at":"2025-01-01T00:00:00Z","action":"subscribe","request":{"email":"old@example.com","channels":["email_marketing"]},"state":"verified","updated":"2025-01-01T00:00:00Z","op":"add"}` + "\n"
	if err := os.WriteFile(path, []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 2 {
		f, err := Open(path, Meta{Agent: fmt.Sprintf("agent%d", w)})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id, err := f.Add(chainEntry(fmt.Sprintf("w%d-%d@example.com", w, i)))
				if err == nil {
					err = f.Update(id, Change{State: StateVerified, Result: "verified"})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	f, _ := Open(path, Meta{})
	rep, err := f.VerifyFile()
	if err != nil || rep.Break != nil || rep.Unlinked != 1 || rep.Linked != 100 || rep.Lines != 101 {
		t.Fatalf("untouched: %+v %v", rep, err)
	}
	if es, _ := f.Entries(); len(es) != 51 {
		t.Fatalf("%d entries, want 51", len(es))
	}
	data, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(data, []byte{'\n'})
	for _, tc := range []struct {
		name   string
		change func([][]byte) [][]byte
		line   int
		reason string
	}{
		{"edited", func(ls [][]byte) [][]byte {
			ls[10] = bytes.Replace(ls[10], []byte(`"state":"verified"`), []byte(`"state":"failed"`), 1)
			if !bytes.Contains(ls[10], []byte("failed")) {
				ls[10] = bytes.Replace(ls[10], []byte("@example.com"), []byte("@example.org"), 1)
			}
			return ls
		}, 11, "does not match its link"},
		{"removed", func(ls [][]byte) [][]byte { return append(ls[:20:20], ls[21:]...) }, 21, "does not match its link"},
		{"inserted", func(ls [][]byte) [][]byte {
			return append(append(ls[:30:30], []byte(legacy)), ls[30:]...)
		}, 31, "has no link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := tc.change(append([][]byte(nil), lines...))
			p := filepath.Join(t.TempDir(), "journal.jsonl")
			if err := os.WriteFile(p, bytes.Join(ls, nil), 0o600); err != nil {
				t.Fatal(err)
			}
			g, _ := Open(p, Meta{})
			rep, err := g.VerifyFile()
			if err != nil || rep.Break == nil || rep.Break.Line != tc.line || !strings.Contains(rep.Break.Reason, tc.reason) || rep.Break.EntryID == "" {
				t.Errorf("%+v %v, want a break at line %d: %s", rep.Break, err, tc.line, tc.reason)
			}
		})
	}
}

// TestATornLineDoesNotBreakTheChain: a write cut short by a crash leaves
// a torn line; the next record links past it and the chain verifies.
func TestATornLineDoesNotBreakTheChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	f, _ := Open(path, Meta{})
	if _, err := f.Add(chainEntry("a@example.com")); err != nil {
		t.Fatal(err)
	}
	file, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	file.WriteString(`{"chain":"00","id":"torn`)
	file.Close()
	if _, err := f.Add(chainEntry("b@example.com")); err != nil {
		t.Fatal(err)
	}
	rep, err := f.VerifyFile()
	if err != nil || rep.Break != nil || rep.Linked != 2 {
		t.Errorf("%+v %v", rep, err)
	}
}
