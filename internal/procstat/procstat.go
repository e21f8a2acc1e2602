// Package procstat measures other processes and servers for the
// comparison scripts (scripts/members-compare, scripts/import-compare):
// a child's peak resident memory, and the status a handler answered.
// Linux only for the memory (/proc).
package procstat

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// WatchPeak follows the process's peak resident memory (VmHWM, KiB) until
// it exits; the returned function waits for that and gives the highest
// seen. (The rusage of a child started by fork and exec would count the
// parent's memory: the scripts' processes hold the sandbox.)
func WatchPeak(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		path := fmt.Sprintf("/proc/%d/status", pid)
		for {
			b, err := os.ReadFile(path)
			if err != nil {
				return
			}
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					var kb int64
					fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
					if kb > peak.Load() {
						peak.Store(kb)
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() int64 {
		<-done
		return peak.Load()
	}
}

// StatusRecorder is a ResponseWriter that keeps the status it was given.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records the status and passes it on.
func (s *StatusRecorder) WriteHeader(code int) {
	s.Status = code
	s.ResponseWriter.WriteHeader(code)
}

// BuildConsent builds the consent binary of the module in the working
// directory into dir, as a user would with go build, and returns its path.
func BuildConsent(dir string) (string, error) {
	bin := filepath.Join(dir, "consent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building consent: %v\n%s", err, out)
	}
	return bin, nil
}

// Serve serves h on a loopback port and returns its base URL
// (http://127.0.0.1:PORT) and what stops it.
func Serve(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
