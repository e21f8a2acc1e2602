package cli

import (
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

	"github.com/rogpeppe/go-internal/testscript"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// consentBinary builds the consent command once per test run, as a user
// would with `go build`, with cgo off as for the static release build.
// CONSENT_TEST_BINARY names another build to run the tests against instead
// (an older one, to see a test fail on the fault it is about).
func consentBinary(t testing.TB) string {
	t.Helper()
	if other := os.Getenv("CONSENT_TEST_BINARY"); other != "" {
		return other
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "consent-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "consent")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/consentdesk/consent")
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
			out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + t.TempDir(), "TERM=xterm", "CONSENT_ACCESSIBLE="}, tt.args...)
			if code != tt.code || !bytes.Contains(out, []byte(tt.stdout)) || !bytes.Contains(errOut, []byte(tt.stderr)) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
		})
	}
}

// runBinary runs the built binary with args, env added to this process's
// environment, and returns what it wrote and its exit code.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	cmd := exec.Command(consentBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.Bytes(), errOut.Bytes(), code
}

// TestMain runs the tests; testscript's specs (script_test.go) run this
// test binary as the consent command, which is Main.
func TestMain(m *testing.M) {
	testscript.Main(cleaningUp{m}, map[string]func(){"consent": func() { os.Exit(Main()) }})
}

// cleaningUp runs the tests, then removes the binary consentBinary built.
type cleaningUp struct{ m *testing.M }

func (c cleaningUp) Run() int {
	code := c.m.Run()
	pgCluster.Stop()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	return code
}

// TestBinarySandboxServe starts `consent sandbox serve` as a user would,
// reads its base URL from the first line of stdout, talks Klaviyo's API to
// it, and stops it with an interrupt.
func TestBinarySandboxServe(t *testing.T) {
	home := t.TempDir()
	served := serveSandbox(t, filepath.Join(home, "serve.db"), "--rate-limit", "off")
	base := served.url
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not a loopback base URL", base)
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
	if err := served.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := served.cmd.Wait(); err != nil {
		t.Errorf("after an interrupt: %v, want exit 0", err)
	}
	if fi, err := os.Stat(filepath.Join(home, "serve.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file: %v %v, want mode 0600", fi, err)
	}
}
