// Command import-compare imports a generated sign-up sheet into a sandbox
// served over loopback with Klaviyo's latency and limits, and prints a
// Markdown table: rows, jobs, requests by kind, 429s, seconds, peak RSS
// (VmHWM from /proc, so Linux only) of `consent import` (journaled, sent,
// verified), and beside it, with -sdk, Klaviyo's official Node SDK sending
// the same rows in jobs of 1,000 and verifying nothing.
//
//	go run ./scripts/import-compare -rows 100000
//	go run ./scripts/import-compare -rows 10000 -latency 300ms -sdk
//	go run ./scripts/import-compare -rows 100000 -rate-limit off
//
// Every request is counted where it arrives. The SDK runs from
// scripts/sdk-check (npm install there first). Optional tooling: `go test
// ./...` does not need it.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consentdesk/consent/internal/procstat"
	"github.com/consentdesk/consent/internal/sheetgen"
	"github.com/consentdesk/consent/sandbox"
)

func main() {
	rows := flag.Int("rows", 100_000, "rows in the sheet")
	latency := flag.Duration("latency", 0, "delay of every answer")
	rateLimit := flag.String("rate-limit", "on", "whether the sandbox enforces Klaviyo's limits (on|off)")
	clean := flag.Bool("clean", true, "a sheet whose every row imports (else: real-world faults, duplicates, non-SMS countries)")
	sdk := flag.Bool("sdk", false, "also send the rows with the Node SDK (scripts/sdk-check/import.mjs)")
	flag.Parse()
	if err := run(*rows, *latency, *rateLimit == "on", *clean, *sdk); err != nil {
		fmt.Fprintln(os.Stderr, "import-compare:", err)
		os.Exit(1)
	}
}

// counter counts the requests a handler serves, by kind, and the 429s.
type counter struct {
	next     http.Handler
	mu       sync.Mutex
	kinds    map[string]int
	throttle atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.URL.Path, "/")
	if len(parts) > 3 && (parts[2] == "lists" || parts[2] == "profiles") {
		parts[3] = "{id}"
	}
	kind := r.Method + " " + strings.Join(parts, "/")
	c.mu.Lock()
	c.kinds[kind]++
	c.mu.Unlock()
	rec := &procstat.StatusRecorder{ResponseWriter: w, Status: 200}
	c.next.ServeHTTP(rec, r)
	if rec.Status == http.StatusTooManyRequests {
		c.throttle.Add(1)
	}
}

func (c *counter) take() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.kinds
	c.kinds = map[string]int{}
	return k, c.throttle.Swap(0)
}

func run(n int, latency time.Duration, limits, clean, sdk bool) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "import-compare")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	bin, err := procstat.BuildConsent(tmp)
	if err != nil {
		return err
	}
	sheets := map[string]string{}
	for _, who := range []string{"consent", "sdk"} {
		path := filepath.Join(tmp, who+".csv")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = sheetgen.Write(f, sheetgen.Options{Rows: n, Clean: clean, Domain: who + ".example.com", Seed: 1})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		sheets[who] = path
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(tmp, "sandbox.db"), Latency: latency, RateLimit: limits})
	if err != nil {
		return err
	}
	defer sb.Close()
	if err := sb.SeedDemo(ctx); err != nil {
		return err
	}
	count := &counter{next: sb, kinds: map[string]int{}}
	url, stop, err := procstat.Serve(count)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Printf("%d rows (clean %v), latency %s, limits %v, %s\n\n", n, clean, latency, map[bool]string{true: "on", false: "off"}[limits], time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Println("| client | what it does | requests | 429s | time | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|")
	runs := []struct {
		name, does string
		cmd        *exec.Cmd
	}{{"`consent import`", "verdicts (look-ups), journal, jobs, read-back", exec.Command(bin, "import", sheets["consent"], "--list", "Y6nRLr", "--json", "--wait", "10m")}}
	if sdk {
		runs = append(runs, struct {
			name, does string
			cmd        *exec.Cmd
		}{"Node SDK `klaviyo-api` 23.0.0", "jobs of 1,000, nothing checked", exec.Command("node", filepath.Join(root, "scripts", "sdk-check", "import.mjs"), sheets["sdk"], "Y6nRLr")})
	}
	for _, r := range runs {
		r.cmd.Env = append(os.Environ(), "KLAVIYO_API_URL="+url, "KLAVIYO_API_KEY=pk_import_compare", "CONSENT_HOME="+tmp)
		r.cmd.Stderr = os.Stderr
		var out bytes.Buffer
		r.cmd.Stdout = &out
		count.take()
		start := time.Now()
		if err := r.cmd.Start(); err != nil {
			return fmt.Errorf("%s: %v", r.name, err)
		}
		peak := procstat.WatchPeak(r.cmd.Process.Pid)
		err := r.cmd.Wait()
		took := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", r.name, err, tail(out.String()))
		}
		kinds, throttled := count.take()
		total := 0
		var parts []string
		for k, v := range kinds {
			total += v
			parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
		}
		fmt.Printf("| %s | %s | %d (%s) | %d | %.1f s | %.1f MB |\n", r.name, r.does, total, strings.Join(parts, ", "), throttled, took.Seconds(), float64(peak())/1024)
		if s := tail(out.String()); s != "" {
			fmt.Fprintln(os.Stderr, s)
		}
	}
	return nil
}

// tail is the last line of s.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
