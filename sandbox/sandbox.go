package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/consentdesk/consent/internal/privatefile"
	"github.com/consentdesk/consent/model"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultJobDelay is how long a bulk job waits before it is applied when
// Options.JobDelay is zero: long enough for a client to see that consent is
// not recorded synchronously, short enough for an agent not to notice.
const DefaultJobDelay = 300 * time.Millisecond

// Options configure a Sandbox. The zero value is a private temporary
// database with no faults, no rate limits and the default SMS policy.
type Options struct {
	// Path is the SQLite file. "" means a private temporary database,
	// removed by Close (tests). The file's directory is created 0700 and
	// the file (with its -wal and -shm companions) is 0600: it holds
	// personal data.
	Path string
	// Policy says in which regions SMS consent can be recorded; nil means
	// model.DefaultSMSPolicy().
	Policy *model.SMSPolicy
	// Latency delays every answer; the delay ends early when the request's
	// context is done.
	Latency time.Duration
	// FailRate is the fraction of requests answered with a 5xx JSON:API
	// error before anything is applied.
	FailRate float64
	// ThrottleRate is the fraction of requests answered 429 with
	// `Retry-After: 1` and Klaviyo's throttled error body. Each rate is
	// from 0 to 1 and the two add up to at most 1 (Open refuses others).
	ThrottleRate float64
	// RateLimit enforces Klaviyo's per-endpoint burst (1 s) and steady
	// (60 s) fixed windows and reports the steady one in RateLimit-*
	// headers; when false, no answer carries those headers.
	RateLimit bool
	// JobDelay is how long a bulk job waits before it is applied: 0 means
	// 300ms, a negative value applies jobs before the POST is answered.
	JobDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Seed seeds the fault injector's random number generator.
	Seed int64
}

// Sandbox is a Klaviyo-like backend over one SQLite database. It is safe
// for concurrent use; create it with Open and release it with Close.
type Sandbox struct {
	db       *sql.DB
	path     string
	tempDir  string // removed by Close when the database is private
	policy   *model.SMSPolicy
	phones   model.PhoneRules
	now      func() time.Time
	latency  time.Duration
	jobDelay time.Duration
	limiter  *rateLimiter
	faults   *faultInjector
	table    []route
	// loadBatch is how many members one transaction of LoadMembers adds:
	// the constant loadBatch, smaller in tests.
	loadBatch int

	// writeMu serialises this process's writers: SQLite has one writer at
	// a time, and queueing here is cheaper than busy-waiting in SQLite.
	writeMu sync.Mutex
	// seeded, when set, is closed once a background seed has finished;
	// requests wait for it, and seedErr says how it went.
	seeded  chan struct{}
	seedErr error
}

// Open opens the database at opts.Path (creating it and its directory if
// needed), brings its schema up to date and returns a Sandbox serving it.
// It does not seed any data: see SeedDemo and LoadMembers.
func Open(ctx context.Context, opts Options) (*Sandbox, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	s := &Sandbox{
		policy:    opts.Policy,
		now:       opts.Now,
		latency:   opts.Latency,
		jobDelay:  opts.JobDelay,
		faults:    newFaultInjector(opts.Seed, opts.FailRate, opts.ThrottleRate),
		loadBatch: loadBatch,
	}
	if s.policy == nil {
		s.policy = model.DefaultSMSPolicy()
	}
	s.phones = model.PhoneRules{Policy: s.policy}
	s.table = s.routes()
	if s.now == nil {
		s.now = time.Now
	}
	if s.jobDelay == 0 {
		s.jobDelay = DefaultJobDelay
	}
	s.limiter = newRateLimiter(opts.RateLimit)
	path, err := s.preparePath(opts.Path)
	if err != nil {
		return nil, err
	}
	s.path = path
	if err := s.openDB(ctx); err != nil {
		s.removeTemp()
		return nil, err
	}
	return s, nil
}

// check refuses options that mean nothing: a rate that is not a number
// from 0 to 1 (NaN, the infinities), rates that add up to more than 1, or
// a negative latency.
func (o Options) check() error {
	switch {
	case !(o.FailRate >= 0 && o.FailRate <= 1):
		return fmt.Errorf("sandbox: FailRate must be a number between 0 and 1, not %v", o.FailRate)
	case !(o.ThrottleRate >= 0 && o.ThrottleRate <= 1):
		return fmt.Errorf("sandbox: ThrottleRate must be a number between 0 and 1, not %v", o.ThrottleRate)
	case o.FailRate+o.ThrottleRate > 1:
		return fmt.Errorf("sandbox: FailRate and ThrottleRate add up to more than 1")
	case o.Latency < 0:
		return fmt.Errorf("sandbox: Latency must not be negative, not %s", o.Latency)
	}
	return nil
}

// preparePath returns the database file to open, creating a private
// temporary directory for "" and otherwise the file's directory (0700) and
// the file itself (0600) so that SQLite never creates it with wider
// permissions.
func (s *Sandbox) preparePath(path string) (string, error) {
	if path == "" {
		dir, err := os.MkdirTemp("", "consent-sandbox-*")
		if err != nil {
			return "", fmt.Errorf("sandbox: creating a temporary database directory: %w", err)
		}
		s.tempDir = dir
		path = filepath.Join(dir, "sandbox.db")
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("sandbox: creating the database directory: %w", err)
	}
	// Never through a link, only a file of this user's no one else may
	// write; SQLite opens it by name next, with its -wal and -shm.
	f, err := privatefile.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		s.removeTemp()
		return "", fmt.Errorf("sandbox: the database file: %w", err)
	}
	if err := f.Close(); err != nil {
		s.removeTemp()
		return "", fmt.Errorf("sandbox: creating the database file: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := privatefile.CheckExisting(path + suffix); err != nil {
			s.removeTemp()
			return "", fmt.Errorf("sandbox: the database's companion file: %w", err)
		}
	}
	return path, nil
}

// openDB opens the SQLite database in WAL mode with a busy timeout and
// immediate write transactions, migrates it and restricts the WAL files.
func (s *Sandbox) openDB(ctx context.Context) error {
	dsn := s.path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("sandbox: opening %s: %w", s.path, err)
	}
	s.db = db
	if err := s.migrate(ctx); err != nil {
		return errors.Join(err, db.Close())
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := privatefile.CheckExisting(s.path + suffix); err != nil {
			return errors.Join(fmt.Errorf("sandbox: restricting the database's companion file: %w", err), db.Close())
		}
	}
	return nil
}

// Close closes the database and, for a private temporary database, removes
// it. Jobs not yet applied stay stored in a database that has a Path.
func (s *Sandbox) Close() error {
	if s.seeded != nil {
		<-s.seeded
	}
	err := s.db.Close()
	if err != nil {
		err = fmt.Errorf("sandbox: closing the database: %w", err)
	}
	s.removeTemp()
	return err
}

// StartSeedDemo seeds demo data (as SeedDemo) in the background, so that a
// first start does not wait for it; every request waits until it is done.
// Call it once, before serving.
func (s *Sandbox) StartSeedDemo(ctx context.Context) {
	s.seeded = make(chan struct{})
	go func() {
		defer close(s.seeded)
		s.seedErr = s.SeedDemo(ctx)
	}()
}

// waitSeeded waits for a background seed; false when the request gave up.
func (s *Sandbox) waitSeeded(r *http.Request) (bool, error) {
	if s.seeded == nil {
		return true, nil
	}
	select {
	case <-s.seeded:
		return true, s.seedErr
	case <-r.Context().Done():
		return false, nil
	}
}

func (s *Sandbox) removeTemp() {
	if s.tempDir != "" {
		_ = os.RemoveAll(s.tempDir)
	}
}

// Path is the database file the sandbox serves.
func (s *Sandbox) Path() string { return s.path }
