// Command members-compare pages one sandbox list with `consent members
// --json` and with Klaviyo's official Node SDK, side by side in one run, on
// a sandbox served over loopback with Klaviyo's latency and limits, and
// prints a Markdown table: members, requests, 429s, seconds, peak RSS
// (VmHWM from /proc, so Linux only).
//
//	go run ./scripts/members-compare -members 10000 -latency 300ms
//	go run ./scripts/members-compare -members 100000 -latency 300ms
//	go run ./scripts/members-compare -members 100000 -rate-limit off
//
// Every request is counted where it arrives, whoever sends it. Each run
// starts at the top of a minute, so that both meet a fresh steady window
// (Klaviyo's windows are fixed; the sandbox's begin on the minute), unless
// -no-align. The SDK runs from scripts/sdk-check (npm install there first,
// or give -sdk=false to time Consent Desk alone). Optional tooling: `go
// test ./...` does not need Node.js.
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
	"sync/atomic"
	"time"

	"github.com/consentdesk/consent/internal/procstat"
	"github.com/consentdesk/consent/sandbox"
)

func main() {
	members := flag.Int("members", 10_000, "members in the list")
	latency := flag.Duration("latency", 300*time.Millisecond, "delay of every answer")
	rateLimit := flag.String("rate-limit", "on", "whether the sandbox enforces Klaviyo's limits (on|off)")
	sdk := flag.Bool("sdk", true, "also page with the Node SDK (scripts/sdk-check/page.mjs)")
	noAlign := flag.Bool("no-align", false, "start at once rather than at the top of a minute")
	flag.Parse()
	if err := run(*members, *latency, *rateLimit == "on", *sdk, !*noAlign); err != nil {
		fmt.Fprintln(os.Stderr, "members-compare:", err)
		os.Exit(1)
	}
}

// counter counts the requests a handler serves and the 429s among them.
type counter struct {
	next              http.Handler
	requests, throttl atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	rec := &procstat.StatusRecorder{ResponseWriter: w, Status: 200}
	c.next.ServeHTTP(rec, r)
	if rec.Status == http.StatusTooManyRequests {
		c.throttl.Add(1)
	}
}

func run(n int, latency time.Duration, limits, sdk, align bool) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "members-compare")
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
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(tmp, "sandbox.db"), Latency: latency, RateLimit: limits})
	if err != nil {
		return err
	}
	defer sb.Close()
	listID, err := sb.LoadMembers(ctx, "Compare", n)
	if err != nil {
		return err
	}
	count := &counter{next: sb}
	url, stop, err := procstat.Serve(count)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Printf("%d members, latency %s, limits %v, %s\n\n", n, latency, map[bool]string{true: "on", false: "off"}[limits], time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Println("| client | members | requests | 429s | time | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|")
	runs := []struct {
		name string
		cmd  *exec.Cmd
	}{{"`consent members --json`", exec.Command(bin, "members", listID, "--json")}}
	if sdk {
		runs = append(runs, struct {
			name string
			cmd  *exec.Cmd
		}{"Node SDK `klaviyo-api` 23.0.0", exec.Command("node", filepath.Join(root, "scripts", "sdk-check", "page.mjs"), listID, "--lines")})
	}
	for _, r := range runs {
		if align {
			time.Sleep(time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)))
		}
		r.cmd.Env = append(os.Environ(), "KLAVIYO_API_URL="+url, "KLAVIYO_API_KEY=pk_members_compare", "CONSENT_HOME="+tmp)
		r.cmd.Stderr = os.Stderr
		before, before429 := count.requests.Load(), count.throttl.Load()
		lines := &lineCounter{}
		r.cmd.Stdout = lines
		start := time.Now()
		if err := r.cmd.Start(); err != nil {
			return fmt.Errorf("%s: %v", r.name, err)
		}
		peak := procstat.WatchPeak(r.cmd.Process.Pid)
		err := r.cmd.Wait()
		took := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %v", r.name, err)
		}
		fmt.Printf("| %s | %d | %d | %d | %.1f s | %.1f MB |\n", r.name, lines.n, count.requests.Load()-before, count.throttl.Load()-before429,
			took.Seconds(), float64(peak())/1024)
	}
	return nil
}

// lineCounter counts the lines written to it, keeping none.
type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n += bytes.Count(p, []byte("\n"))
	return len(p), nil
}
