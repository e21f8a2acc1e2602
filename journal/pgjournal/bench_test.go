package pgjournal

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/consentdesk/consent/journal"
)

// BenchmarkTeamJournalWrite is one submit's journal writes to a local
// PostgreSQL, each committed before it returns: the entry (before the
// send) and its outcome. It reports the add's latency at p50 and p99.
func BenchmarkTeamJournalWrite(b *testing.B) {
	url := newDB(b)
	s, err := Open(context.Background(), url, journal.Meta{Agent: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		id, err := s.Add(pending(fmt.Sprintf("w%d@example.com", i)))
		lat = append(lat, time.Since(start))
		if err == nil {
			err = s.Update(id, journal.Change{State: journal.StateVerified, Result: "verified"})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	p50, p99 := percentiles(lat)
	b.ReportMetric(float64(p50.Microseconds()), "add-p50-µs")
	b.ReportMetric(float64(p99.Microseconds()), "add-p99-µs")
}

// BenchmarkTwentyAgents is twenty agents, each with its own connections,
// adding 1,000 entries each (and recording each one verified) to one
// journal at once; it reports entries a second and fails on any entry
// lost or written twice, or a chain that does not verify.
func BenchmarkTwentyAgents(b *testing.B) {
	const agents, each = 20, 1000
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		url := newDB(b)
		stores := make([]*Store, agents)
		for k := range stores {
			s, err := Open(context.Background(), url, journal.Meta{Agent: fmt.Sprintf("agent%02d", k)})
			if err != nil {
				b.Fatal(err)
			}
			stores[k] = s
		}
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, agents)
		for k, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id, err := s.Add(pending(fmt.Sprintf("a%02d-%04d@example.com", k, i)))
					if err == nil {
						err = s.Update(id, journal.Change{State: journal.StateVerified, Result: "verified"})
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		es, err := stores[0].Entries()
		if err != nil {
			b.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range es {
			if e.State == journal.StateVerified {
				seen[e.Request.Email]++
			}
		}
		lost, twice := 0, 0
		for k := range agents {
			for i := range each {
				switch seen[fmt.Sprintf("a%02d-%04d@example.com", k, i)] {
				case 0:
					lost++
				case 1:
				default:
					twice++
				}
			}
		}
		v, err := stores[0].Verify(context.Background())
		if err != nil || !v.OK() || lost > 0 || twice > 0 || len(es) != agents*each {
			b.Fatalf("%d entries, %d lost, %d twice, chain %+v %v", len(es), lost, twice, v, err)
		}
		for _, s := range stores {
			s.Close()
		}
		b.ReportMetric(float64(agents*each)/took.Seconds(), "entries/s")
		b.ReportMetric(float64(lost+twice), "lost+dup")
		b.StartTimer()
	}
}

// percentiles are the 50th and 99th of ds.
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)*99/100, len(s)-1)]
}

// BenchmarkTeamHistoryRead is `consent history` on a team journal of
// 20,000 entries, each added and then verified (40,000 rows), 200 of them
// by agent dana: every entry read and replayed (all), and the database
// keeping one agent's (--agent dana) or one person's (--person).
func BenchmarkTeamHistoryRead(b *testing.B) {
	const entries, danas = 20_000, 200
	url := newDB(b)
	openAs := func(agent string) *Store {
		s, err := Open(context.Background(), url, journal.Meta{Agent: agent})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	s, dana := openAs("bench"), openAs("dana")
	defer s.Close()
	defer dana.Close()
	for i := range entries {
		w := s
		if i%(entries/danas) == 0 {
			w = dana
		}
		id, err := w.Add(pending(fmt.Sprintf("r%05d@example.com", i)))
		if err == nil {
			err = w.Update(id, journal.Change{State: journal.StateVerified, Result: "verified"})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	read := []struct {
		name string
		want int
		read func() ([]journal.Entry, error)
	}{
		{"all", entries, s.Entries},
		{"agent", danas, func() ([]journal.Entry, error) { return s.Matching(journal.Filter{Agent: "dana"}) }},
		{"person", 1, func() ([]journal.Entry, error) { return s.Matching(journal.Filter{Email: "r12345@example.com"}) }},
	}
	for _, r := range read {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				es, err := r.read()
				if err != nil || len(es) != r.want {
					b.Fatalf("%d entries, want %d: %v", len(es), r.want, err)
				}
			}
		})
	}
}
