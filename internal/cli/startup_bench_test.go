package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// timeToOutput starts cmd in an 80x24 pty and returns how long it took to
// write want, then kills it.
func timeToOutput(b *testing.B, cmd *exec.Cmd, want string) time.Duration {
	b.Helper()
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = f.Close()
	}()
	var seen bytes.Buffer
	buf := make([]byte, 64<<10)
	for !bytes.Contains(seen.Bytes(), []byte(want)) {
		n, err := f.Read(buf)
		if err != nil {
			b.Fatalf("%s: %v after %q", cmd.Path, err, seen.String())
		}
		seen.Write(buf[:n])
	}
	return time.Since(start)
}

// BenchmarkStartupToFirstFrame is DESIGN.md's start-up budget (≤ 50 ms):
// the built binary started in a real pty, in sandbox mode, until the home
// screen's first frame is written. "first run" starts on an empty
// CONSENT_HOME each time (the sandbox is created and seeded); "warm" on one
// that has been used.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	bin := consentBinary(b)
	for _, mode := range []string{"warm", "first run"} {
		b.Run(mode, func(b *testing.B) {
			home := b.TempDir()
			var total time.Duration
			for i := 0; b.Loop(); i++ {
				dir := home
				if mode == "first run" {
					dir = filepath.Join(home, "run", time.Now().Format("150405.000000000"))
				}
				cmd := exec.Command(bin)
				cmd.Env = append(os.Environ(), "CONSENT_HOME="+dir, "KLAVIYO_API_KEY=", "TERM=xterm-256color")
				total += timeToOutput(b, cmd, "What would you like to do?")
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/start")
		})
	}
}

// BenchmarkStartupBaselinePhonenumbers: a program that only imports
// phonenumbers, from start to its one line of output.
func BenchmarkStartupBaselinePhonenumbers(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "baseline")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/consentdesk/consent/internal/startupbaseline").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var total time.Duration
	for b.Loop() {
		total += timeToOutput(b, exec.Command(bin), "region SI")
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/start")
}
