package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// peakRSS reads a process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM for %d", pid)
}

// BenchmarkUIMembersMemory measures the UI's peak RSS after scrolling to
// the end of a list of 10,000 and of 100,000 members in a real terminal
// (every page loaded), to show memory grows with the rows kept and not
// beyond. Each op is a whole run; the figure is MB of peak RSS.
func BenchmarkUIMembersMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%d members", n), func(b *testing.B) {
			home := b.TempDir()
			bin := consentBinary(b)
			for _, args := range [][]string{{"lists"}, {"sandbox", "load", "--db", filepath.Join(home, "sandbox.db"), "--list", "Scale", "--members", strconv.Itoa(n)}} {
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "CONSENT_HOME="+home, "KLAVIYO_API_KEY=")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
			}
			for b.Loop() {
				term := startTerminal(b, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_KEY=", "TERM=xterm-256color"})
				term.waitFor("What would you like to do?")
				term.press("m")
				term.waitFor("Scale")
				term.press(strings.Split("Scale", "")...)
				term.press(keyEnter)
				term.waitFor("loaded")
				deadline := time.Now().Add(5 * time.Minute)
				for !strings.Contains(term.screen(), "all loaded") {
					if time.Now().After(deadline) {
						b.Fatalf("not all loaded:\n%s", term.screen())
					}
					term.press("G")
					time.Sleep(20 * time.Millisecond)
				}
				term.waitFor(fmt.Sprintf("of %s loaded · all loaded", thousands(n)))
				rss, err := peakRSS(term.cmd.Process.Pid)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(rss)/(1<<20), "MB-peak-RSS")
				term.press(keyCtrlC)
				<-term.done
			}
		})
	}
}

// thousands writes n with comma separators, as the members view does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
