package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/sandbox"
)

const (
	serveSynopsis = "consent sandbox serve [--addr 127.0.0.1:0] [--db FILE] [--latency 200ms] [--fail-rate 0.2] [--throttle-rate 0.1] [--rate-limit on|off]"
	loadSynopsis  = "consent sandbox load --db FILE --list NAME --members N"
)

// newSandboxCmd is `consent sandbox serve|load`.
func newSandboxCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox serve|load|confirm|stop [flags]",
		Short: "serve the Klaviyo-compatible sandbox on loopback, fill one for scale tests, confirm a double opt-in or reply STOP",
		Long: `The embedded sandbox — the Klaviyo API subset Consent Desk uses, served from
SQLite — for other tools (serve), for scale tests (load), and to play the
person who confirms a double opt-in (confirm) or replies STOP (stop). Without an API key every command
and the UI already use it in-process.`,
		Args: subcommandArgs,
		RunE: a.runE(func(*cobra.Command, []string) error {
			return usage.Errorf("say what to do with the sandbox: serve, load, confirm or stop\nusage: %s\n       %s\n       %s\n       %s", serveSynopsis, loadSynopsis, confirmSynopsis, stopSynopsis)
		}),
	}
	cmd.AddCommand(newSandboxServeCmd(a), newSandboxLoadCmd(a), newSandboxConfirmCmd(a), newSandboxStopCmd(a))
	return cmd
}

// serveOptions are sandbox serve's flags.
type serveOptions struct {
	addr, db, rateLimit    string
	latency                time.Duration
	failRate, throttleRate float64
}

// newSandboxServeCmd is `consent sandbox serve`.
func newSandboxServeCmd(a *app) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(serveSynopsis, "consent sandbox "),
		Short: "serve the sandbox on a loopback port until interrupted",
		Long: `Serves the sandbox on a loopback address until interrupted; the first line of
stdout is its base URL (http://127.0.0.1:PORT), for KLAVIYO_API_URL. Any
"Klaviyo-API-Key pk_…" key is accepted; a missing or malformed one is a 401.
The fault flags inject delay, 5xx answers and 429s (with Retry-After) at the
given rates; Klaviyo's rate limits are enforced unless --rate-limit off.`,
		Example: `  consent sandbox serve --db /tmp/sb.db --fail-rate 0.2 --throttle-rate 0.1`,
		Args:    noArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runSandboxServe(cmd.Context(), a.e, o)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "loopback `address` to listen on (port 0: any free port)")
	fs.StringVar(&o.db, "db", "", "SQLite `FILE` (default: sandbox.db in the data directory)")
	fs.DurationVar(&o.latency, "latency", 0, "the delay `D` added to every answer, such as 200ms (at most 10m)")
	fs.Float64Var(&o.failRate, "fail-rate", 0, "the fraction `F` of requests answered with a 5xx error, 0 to 1")
	fs.Float64Var(&o.throttleRate, "throttle-rate", 0, "the fraction `F` of requests answered 429 with Retry-After, 0 to 1")
	fs.StringVar(&o.rateLimit, "rate-limit", "on", "whether Klaviyo's rate limits are enforced (`on|off`)")
	return cmd
}

// runSandboxServe serves the sandbox on a loopback address until
// interrupted; the first line of stdout is its base URL.
func runSandboxServe(ctx context.Context, e env, o serveOptions) error {
	addr, db, latency, failRate, throttleRate, rateLimit := &o.addr, &o.db, &o.latency, &o.failRate, &o.throttleRate, &o.rateLimit
	switch {
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
