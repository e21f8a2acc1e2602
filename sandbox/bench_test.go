package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// benchMembers is the size of the benchmarks' list (DESIGN.md's budgets
// are for a million profiles).
const benchMembers = 1_000_000

// benchDB is the benchmarks' database, built once per run (only when a
// benchmark runs: plain `go test` never builds it).
type benchDB struct {
	once   sync.Once
	dir    string
	path   string
	listID string
	err    error
}

// shared builds the million-member database on first use, in a temporary
// directory removed by TestMain.
func (b *benchDB) shared(tb testing.TB) (path, listID string) {
	b.once.Do(func() {
		ctx := context.Background()
		b.path = filepath.Join(b.dir, "bench.db")
		s, err := Open(ctx, Options{Path: b.path})
		if err != nil {
			b.err = err
			return
		}
		start := time.Now()
		if err := s.SeedDemo(ctx); err != nil {
			b.err = err
			return
		}
		b.listID, b.err = s.LoadMembers(ctx, "Benchmark", benchMembers)
		fmt.Printf("bench: loaded %d members in %s\n", benchMembers, time.Since(start).Round(time.Millisecond))
		if err := s.Close(); err != nil && b.err == nil {
			b.err = err
		}
	})
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.path, b.listID
}

// benchClient opens the shared database and returns an in-process client.
func benchClient(b *testing.B, opts Options) (*Sandbox, *http.Client, string) {
	path, listID := benchState.shared(b)
	opts.Path = path
	s := openTest(b, opts)
	return s, &http.Client{Transport: s.Transport()}, listID
}

func benchGet(b *testing.B, c *http.Client, url string) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_bench")
	req.Header.Set("revision", testRevision)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
}

// BenchmarkSandboxMembersPage reads a page of 100 members with their
// subscriptions, 900,000 members deep (budget: 5 ms).
func BenchmarkSandboxMembersPage(b *testing.B) {
	s, c, listID := benchClient(b, Options{})
	var seq int64
	if err := s.db.QueryRow("SELECT m.seq FROM memberships m JOIN lists l ON l.seq = m.list_seq WHERE l.id = ? ORDER BY m.seq LIMIT 1 OFFSET 900000", listID).Scan(&seq); err != nil {
		b.Fatal(err)
	}
	cur := cursor{Scope: "members." + listID, Seq: seq}.encode()
	url := "http://sandbox.test/api/lists/" + listID + "/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100&page%5Bcursor%5D=" + cur
	b.ResetTimer()
	for b.Loop() {
		benchGet(b, c, url)
	}
}

// BenchmarkSandboxPhoneLookup looks a phone number up among a million
// profiles (budget: 1 ms).
func BenchmarkSandboxPhoneLookup(b *testing.B) {
	s, c, _ := benchClient(b, Options{})
	var phone string
	if err := s.db.QueryRow("SELECT phone_number FROM profiles WHERE phone_number IS NOT NULL ORDER BY seq DESC LIMIT 1 OFFSET 12345").Scan(&phone); err != nil {
		b.Fatal(err)
	}
	url := "http://sandbox.test/api/profiles?additional-fields%5Bprofile%5D=subscriptions&filter=" + urlQueryEscape(`equals(phone_number,"`+phone+`")`)
	b.ResetTimer()
	for b.Loop() {
		benchGet(b, c, url)
	}
}

// BenchmarkSandboxSubscribeJob applies a 1,000-profile subscribe job (half
// existing profiles, half new) to the million-member database (budget:
// 250 ms).
func BenchmarkSandboxSubscribeJob(b *testing.B) {
	s, _, listID := benchClient(b, Options{})
	ctx := context.Background()
	round := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		round++
		j := job{Kind: subscribeJobType, ListID: listID}
		for i := range 1000 {
			p := jobProfile{EmailMarketing: &channel{}}
			if i%2 == 0 {
				p.Email = fmt.Sprintf("member%d@members.example.com", 1000+round*1000+i) // existing
			} else {
				p.Email = fmt.Sprintf("bench.new.%d.%d@example.com", round, i)
				p.Phone = fmt.Sprintf("+1212555%04d", i)
				p.SMSMarketing = &channel{}
			}
			j.Profiles = append(j.Profiles, p)
		}
		b.StartTimer()
		if err := s.write(ctx, func(tx *sqlTx) error { return s.applyJob(ctx, tx, j, time.Now()) }); err != nil {
			b.Fatal(err)
		}
	}
}
