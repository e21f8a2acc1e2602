package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// consentBinary builds the consent command once per test run, as a user
// would with `go build`, with cgo off as for the static release build.
func consentBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "consent-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "consent")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// TestBinaryCheck runs the built binary as a new user would.
func TestBinaryCheck(t *testing.T) {
	bin := consentBinary(t)
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{args: []string{"check", "+38631234567"}, code: 0,
			stdout: "SMS       no: Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded. Email consent is unaffected.\n"},
		{args: []string{"check", "--json", "+1 787 555 0123"}, code: 0, stdout: `"region":"PR","country":"Puerto Rico"`},
		{args: []string{"check", "--region", "Narnia", "1"}, code: 2, stderr: `unknown region "Narnia"`},
		{args: nil, code: 2, stderr: "the UI needs a terminal"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = append(os.Environ(), "CONSENT_HOME="+t.TempDir())
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
		})
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestBinarySandboxServe starts `consent sandbox serve` as a user would,
// reads its base URL from the first line of stdout, talks Klaviyo's API to
// it, and stops it with an interrupt.
func TestBinarySandboxServe(t *testing.T) {
	bin := consentBinary(t)
	home := t.TempDir()
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(home, "serve.db"), "--rate-limit", "off")
	cmd.Env = append(os.Environ(), "CONSENT_HOME="+home)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the base URL: %v", err)
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not a loopback base URL", line)
	}
	get := func(key string) (int, string) {
		req, _ := http.NewRequest("GET", base+"/api/lists", nil)
		if key != "" {
			req.Header.Set("Authorization", "Klaviyo-API-Key "+key)
		}
		req.Header.Set("revision", "2026-07-15")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := get("pk_serve_test"); status != 200 || !strings.Contains(body, `"type":"list"`) {
		t.Errorf("GET /api/lists: %d %s", status, body)
	}
	if status, _ := get(""); status != 401 {
		t.Errorf("without a key: %d, want 401", status)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after an interrupt: %v, want exit 0", err)
	}
	if fi, err := os.Stat(filepath.Join(home, "serve.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file: %v %v, want mode 0600", fi, err)
	}
}
