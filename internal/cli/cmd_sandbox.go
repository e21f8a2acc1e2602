package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

const (
	sandboxSynopsis = "consent sandbox serve [--addr 127.0.0.1:0] [--db FILE] [--latency 200ms] [--fail-rate 0.2] [--throttle-rate 0.1] [--rate-limit on|off]\n       consent sandbox load --db FILE --list NAME --members N"
	serveSynopsis   = "consent sandbox serve [--addr 127.0.0.1:0] [--db FILE] [--latency 200ms] [--fail-rate 0.2] [--throttle-rate 0.1] [--rate-limit on|off]"
	loadSynopsis    = "consent sandbox load --db FILE --list NAME --members N"
)

// runSandbox is `consent sandbox serve|load`.
func runSandbox(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usage.Errorf("say what to do with the sandbox\nusage: %s", sandboxSynopsis)
	}
	switch args[0] {
	case "serve":
		return runSandboxServe(ctx, args[1:], e)
	case "load":
		return runSandboxLoad(ctx, args[1:], e)
	}
	return usage.Errorf("unknown sandbox command %q\nusage: %s", sanitizeArg(args[0]), sandboxSynopsis)
}

// runSandboxServe serves the sandbox on a loopback address until
// interrupted; the first line of stdout is its base URL.
func runSandboxServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("sandbox serve")
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	db := fs.String("db", "", "SQLite file (default: sandbox.db in the data directory)")
	latency := fs.Duration("latency", 0, "delay added to every answer")
	failRate := fs.Float64("fail-rate", 0, "fraction of requests answered with a 5xx error")
	throttleRate := fs.Float64("throttle-rate", 0, "fraction of requests answered 429 with Retry-After")
	rateLimit := fs.String("rate-limit", "on", "enforce Klaviyo's rate limits: on or off")
	rest, err := parseFlags(fs, args, serveSynopsis)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return unexpectedArg(rest[0], serveSynopsis)
	case *latency < 0 || *latency > maxLatency:
		return usage.Errorf("--latency must be from 0 to %s", maxLatency)
	case !isRate(*failRate):
		return usage.Errorf("--fail-rate must be a number between 0 and 1, not %v", *failRate)
	case !isRate(*throttleRate):
		return usage.Errorf("--throttle-rate must be a number between 0 and 1, not %v", *throttleRate)
	case *failRate+*throttleRate > 1:
		return usage.Errorf("--fail-rate and --throttle-rate add up to more than 1: each is a fraction of all requests")
	case *rateLimit != "on" && *rateLimit != "off":
		return usage.Errorf("--rate-limit must be on or off")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usage.Errorf("--addr %q: %v", sanitizeArg(*addr), err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usage.Errorf("--addr must be a loopback address (127.0.0.1 or ::1): the sandbox holds personal data")
	}
	path, err := sandboxPath(*db, e)
	if err != nil {
		return err
	}
	cfg, err := config.Load(e.getenv, config.Overrides{})
	if err != nil {
		return err
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: path, Policy: cfg.Rules.Policy, Latency: *latency,
		FailRate: *failRate, ThrottleRate: *throttleRate, RateLimit: *rateLimit == "on", Seed: time.Now().UnixNano()})
	if err != nil {
		return fmt.Errorf("opening the sandbox: %w", err)
	}
	defer sb.Close()
	if err := sb.SeedDemo(ctx); err != nil {
		return fmt.Errorf("seeding the sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usage.Errorf("cannot listen on %s: %v", sanitizeArg(*addr), err)
	}
	srv := newSandboxServer(sb, *latency, serveLimits)
	fmt.Fprintf(e.stdout, "http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// maxLatency bounds --latency: a delay that long already exceeds any
// client's patience, and the server's write deadline grows with it.
const maxLatency = 10 * time.Minute

// isRate reports whether v is a fraction from 0 to 1 (NaN and the
// infinities are not).
func isRate(v float64) bool { return v >= 0 && v <= 1 }

// serverLimits bound what one connection to `consent sandbox serve` may
// hold: a client that sends its headers or its body slowly, or not at all,
// or that keeps an idle connection open, is cut off instead of holding it
// for ever.
type serverLimits struct {
	readHeader     time.Duration // the request line and headers
	read           time.Duration // the whole request, body included
	handle         time.Duration // answering, after the body (plus --latency)
	idle           time.Duration // a kept-alive connection between requests
	maxHeaderBytes int           // the request line and headers
}

// serveLimits are the limits `consent sandbox serve` runs with.
var serveLimits = serverLimits{
	readHeader:     10 * time.Second,
	read:           30 * time.Second,
	handle:         30 * time.Second,
	idle:           2 * time.Minute,
	maxHeaderBytes: 64 << 10,
}

// newSandboxServer is the HTTP server of `consent sandbox serve`: h behind
// lim. Its write deadline, which net/http counts from the end of the
// headers, covers reading the body, the injected latency and answering.
func newSandboxServer(h http.Handler, latency time.Duration, lim serverLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.readHeader,
		ReadTimeout:       lim.read,
		WriteTimeout:      lim.read + latency + lim.handle,
		IdleTimeout:       lim.idle,
		MaxHeaderBytes:    lim.maxHeaderBytes,
	}
}

// loadProgressFrom is the smallest load that reports its progress on
// stderr: after each transaction that passes a tenth of the members.
const loadProgressFrom = 100_000

// runSandboxLoad adds synthetic members to a sandbox list, for scale tests.
// --db is required, as in the synopsis: a load never lands unnoticed in
// the sandbox the UI and the other commands use without a key.
func runSandboxLoad(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("sandbox load")
	db := fs.String("db", "", "SQLite file to load into (required)")
	list := fs.String("list", "", "list name (created if missing)")
	n := fs.Int("members", 0, fmt.Sprintf("how many members to add (at most %s)", groupDigits(sandbox.MaxLoadMembers)))
	rest, err := parseFlags(fs, args, loadSynopsis)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return unexpectedArg(rest[0], loadSynopsis)
	case *db == "":
		hint := ""
		if def, err := sandboxPath("", e); err == nil {
			hint = fmt.Sprintf(" (the sandbox used without an API key is %s)", model.SanitizeText(def))
		}
		return usage.Errorf("--db is required: name the file to load into%s\nusage: %s", hint, loadSynopsis)
	case *list == "":
		return usage.Errorf("--list is required\nusage: %s", loadSynopsis)
	case *n <= 0 || *n > sandbox.MaxLoadMembers:
		return usage.Errorf("--members must be a number from 1 to %s\nusage: %s", groupDigits(sandbox.MaxLoadMembers), loadSynopsis)
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: *db})
	if err != nil {
		return fmt.Errorf("opening the sandbox: %w", err)
	}
	defer sb.Close()
	start := time.Now()
	added, step := 0, max(*n/10, 1)
	progress := func(a int) {
		if *n >= loadProgressFrom && a < *n && a/step > added/step {
			fmt.Fprintf(e.stderr, "consent sandbox: %s of %s members added (%d%%)\n", groupDigits(a), groupDigits(*n), 100*a/(*n))
		}
		added = a
	}
	id, err := sb.LoadMembersProgress(ctx, *list, *n, progress)
	if err != nil {
		if added > 0 && errors.Is(err, context.Canceled) {
			fmt.Fprintf(e.stderr, "consent sandbox: %s of %s members were added to list %s (%s) before the interrupt\n",
				groupDigits(added), groupDigits(*n), sanitizeArg(*list), id)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "added %d members to list %s (%s) in %s\n", *n, sanitizeArg(*list), id, time.Since(start).Round(time.Millisecond))
	return nil
}

// groupDigits writes a count with commas between groups of three digits,
// as the members view does.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sandboxPath is --db, or sandbox.db in the data directory.
func sandboxPath(db string, e env) (string, error) {
	if db != "" {
		return db, nil
	}
	dir, err := dataDir(e.getenv)
	if err != nil {
		return "", &usage.Error{Msg: err.Error()}
	}
	return filepath.Join(dir, sandboxDBFile), nil
}
