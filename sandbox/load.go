package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/consentdesk/consent/model"
)

// MaxLoadMembers is the most members one load adds: ten times the
// million-profile sandbox the performance budgets are set for.
const MaxLoadMembers = 10_000_000

// loadBatch is how many members one transaction of a load adds. The
// write-ahead log then grows with the batch, not the load (80 MB for a
// million members, where one transaction grew it to 460 MB, and ten
// million to ten times that), and an interrupted load keeps what it had
// committed. Each commit is followed by a checkpoint that rewrites and
// syncs the index pages the batch touched: 10,000 a transaction made a
// million members about 15 % slower to load than one transaction, 50,000
// under 10 % (see BENCHMARKS.md).
const loadBatch = 50_000

// LoadMembers adds n deterministic synthetic members to the list named
// listName, creating the list (single opt-in) if there is none, and
// returns its id. Members come from many countries, SMS countries and
// others (SI, PR, HU, BR, IN), with mixed email and SMS consent and some
// suppressed; each is a new profile whose data derives from its sequence
// number, so a load into a fresh database is reproducible. n is at most
// MaxLoadMembers; see LoadMembersProgress for how they are written.
func (s *Sandbox) LoadMembers(ctx context.Context, listName string, n int) (string, error) {
	return s.LoadMembersProgress(ctx, listName, n, nil)
}

// LoadMembersProgress is LoadMembers, calling progress (unless nil) after
// each transaction with the number of members added so far. Members are
// written 50,000 to a transaction with prepared statements, on one
// connection with a large page cache: a million take about half a minute.
// When it fails or ctx ends, the members of the transactions committed
// before stay, and the error says how many they are.
func (s *Sandbox) LoadMembersProgress(ctx context.Context, listName string, n int, progress func(added int)) (string, error) {
	switch {
	case listName == "":
		return "", errors.New("sandbox: loading members: the list name is empty")
	case n < 0:
		return "", fmt.Errorf("sandbox: loading members: negative count %d", n)
	case n > MaxLoadMembers:
		return "", fmt.Errorf("sandbox: loading members: %d is more than the %d one load may add", n, MaxLoadMembers)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("sandbox: loading members: %w", err)
	}
	defer conn.Close()
	// A large page cache keeps the indexes' pages in memory across the
	// batches; the connection goes back to the pool with the usual one.
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return "", fmt.Errorf("sandbox: loading members: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000") //nolint:errcheck // best effort

	gen := newMemberGen(s.policy, s.now())
	var list listRow
	added := 0
	for first := true; first || added < n; first = false {
		size := min(s.loadBatch, n-added)
		err := s.writeOn(ctx, conn, func(tx *sql.Tx) error {
			if first {
				l, err := s.ensureList(ctx, tx, listName)
				if err != nil {
					return err
				}
				list = l
			}
			return loadBatchOf(ctx, tx, list, gen, size)
		})
		if err != nil {
			if added > 0 {
				return list.id, fmt.Errorf("sandbox: loading members: stopped after adding %d of %d: %w", added, n, err)
			}
			return list.id, err
		}
		added += size
		if progress != nil {
			progress(added)
		}
	}
	return list.id, nil
}

// ensureList returns the oldest list named name, creating it if needed
// with an id derived from the name.
func (s *Sandbox) ensureList(ctx context.Context, tx *sql.Tx, name string) (listRow, error) {
	l, err := scanList(tx.QueryRowContext(ctx, "SELECT "+listColumns+" FROM lists l WHERE l.name = ? ORDER BY l.seq LIMIT 1", name))
	if err == nil {
		return l, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("sandbox: finding list %q: %w", name, err)
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	rng := newRand(h.Sum64())
	for {
		id := seededListID(rng)
		var taken bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM lists WHERE id = ?)", id).Scan(&taken); err != nil {
			return l, fmt.Errorf("sandbox: creating list %q: %w", name, err)
		}
		if !taken {
			l.id = id
			break
		}
	}
	now := micros(s.now())
	res, err := tx.ExecContext(ctx, "INSERT INTO lists (id, name, opt_in_process, created, updated) VALUES (?, ?, 'single_opt_in', ?, ?)",
		l.id, name, now, now)
	if err != nil {
		return l, fmt.Errorf("sandbox: creating list %q: %w", name, err)
	}
	l.seq, err = res.LastInsertId()
	if err != nil {
		return l, fmt.Errorf("sandbox: creating list %q: %w", name, err)
	}
	l.name, l.optInProcess, l.created, l.updated = name, "single_opt_in", now, now
	return l, nil
}

// loadBatchOf adds n synthetic members to list l within tx, numbered
// after the newest profile.
func loadBatchOf(ctx context.Context, tx *sql.Tx, l listRow, gen *memberGen, n int) error {
	if n == 0 {
		return nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM profiles").Scan(&last); err != nil {
		return fmt.Errorf("sandbox: loading members: %w", err)
	}
	insert, err := tx.PrepareContext(ctx, insertProfileSQL)
	if err != nil {
		return fmt.Errorf("sandbox: loading members: %w", err)
	}
	defer insert.Close()
	join, err := tx.PrepareContext(ctx, "INSERT INTO memberships (list_seq, profile_seq, joined) VALUES (?, ?, ?)")
	if err != nil {
		return fmt.Errorf("sandbox: loading members: %w", err)
	}
	defer join.Close()
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p := gen.member(last + 1 + int64(i))
		args, err := p.args()
		if err != nil {
			return fmt.Errorf("sandbox: loading members: %w", err)
		}
		if _, err := insert.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sandbox: loading member %d: %w", i, err)
		}
		if _, err := join.ExecContext(ctx, l.seq, p.seq, p.created); err != nil {
			return fmt.Errorf("sandbox: loading member %d: %w", i, err)
		}
	}
	return nil
}

// memberGen derives synthetic members from their sequence numbers.
type memberGen struct {
	countries []synthCountry
	total     int
	policy    *model.SMSPolicy
	base      int64 // microseconds: the newest member joined just before
}

func newMemberGen(policy *model.SMSPolicy, now time.Time) *memberGen {
	g := &memberGen{countries: synthCountries(), policy: policy, base: micros(now)}
	g.total = totalWeight(g.countries)
	return g
}

// splitmix64 is a fast, well-mixed hash of a sequence number.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// member returns synthetic member number seq (also its profile seq).
func (g *memberGen) member(seq int64) synthProfile {
	h := splitmix64(uint64(seq))
	h2 := splitmix64(h)
	c := pickCountry(g.countries, int(h%uint64(g.total)))
	created := g.base - int64(h2%(3*365*86400))*1_000_000 - seq
	p := synthProfile{
		seq:     seq,
		id:      ulid(uint64(created/1000), uint16(h2), h),
		first:   c.names.first[h>>8%uint64(len(c.names.first))],
		last:    c.names.last[h>>16%uint64(len(c.names.last))],
		locale:  c.locale,
		place:   c.places[h>>24%uint64(len(c.places))],
		country: model.CountryName(c.region),
		created: created,
		updated: created,
	}
	roll := func(shift uint) int { return int(h2 >> shift % 100) }
	hasPhone := roll(8) < 85
	if hasPhone {
		p.phone = c.phone(uint64(seq))
	}
	if !hasPhone || roll(16) >= 3 {
		p.email = "member" + strconv.FormatInt(seq, 10) + "@members.example.com"
	}
	at := created + int64(h%86400)*1_000_000
	if p.email != "" {
		switch r := roll(24); {
		case r < 55:
			p.emailConsent = synthConsent{model.Subscribed, at, "FORM", ""}
		case r < 75:
		case r < 90:
			p.emailConsent = synthConsent{model.Unsubscribed, at, "PREFERENCE_PAGE", ""}
			p.emSuppr = []storedSuppression{{Reason: "UNSUBSCRIBE", At: at}}
		case r < 95:
			p.emailConsent = synthConsent{model.Subscribed, at, "FORM", ""}
			p.emSuppr = []storedSuppression{{Reason: "HARD_BOUNCE", At: at}}
		default:
			p.emailConsent = synthConsent{model.Unsubscribed, at, "SPAM_COMPLAINT", ""}
			p.emSuppr = []storedSuppression{{Reason: "SPAM_COMPLAINT", At: at}}
		}
	}
	if hasPhone && g.policy.Allows(c.region) {
		switch r := roll(32); {
		case r < 45:
			p.smsMarketing = synthConsent{model.Subscribed, at, "TEXT", "JOIN"}
			if roll(40) < 40 {
				p.smsTransaction = p.smsMarketing
			}
		case r < 60:
			p.smsMarketing = synthConsent{model.Unsubscribed, at, stopMethod, stopDetail}
		}
	}
	return p
}
