package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// testLimits are serveLimits shortened so that a test sees them act.
var testLimits = serverLimits{
	readHeader:     300 * time.Millisecond,
	read:           600 * time.Millisecond,
	handle:         600 * time.Millisecond,
	idle:           400 * time.Millisecond,
	maxHeaderBytes: 4 << 10,
}

// TestSandboxServerCutsOffSlowClients talks raw TCP to the server `consent
// sandbox serve` builds (with short limits) the way a hostile or broken
// client would, and requires each connection to be closed within its
// bound instead of being held for ever.
func TestSandboxServerCutsOffSlowClients(t *testing.T) {
	const head = "Host: sandbox.test\r\nAuthorization: Klaviyo-API-Key pk_hostile\r\nrevision: 2026-07-15\r\n"
	tests := []struct {
		name   string
		send   string
		bound  time.Duration // from the last byte sent
		answer string        // what the answer starts with, if any
	}{
		{"half the headers", "GET /api/lists HTTP/1.1\r\nHost: sandbox.test\r\n", testLimits.readHeader, ""},
		{"headers and no body", "POST /api/profile-subscription-bulk-create-jobs HTTP/1.1\r\n" + head +
			"Content-Type: application/vnd.api+json\r\nContent-Length: 1000\r\n\r\n{\"data\":", testLimits.read, ""},
		{"idle after an answer", "GET /api/lists HTTP/1.1\r\n" + head + "\r\n", testLimits.idle, "HTTP/1.1 200 OK"},
		{"headers too large", "GET /api/lists HTTP/1.1\r\n" + head + "X-Padding: " + strings.Repeat("x", 64<<10) + "\r\n\r\n",
			testLimits.readHeader, "HTTP/1.1 431"},
	}
	sb := sandboxtest.Open(t, sandbox.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newSandboxServer(sb, 0, testLimits)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			const slack = 2 * time.Second
			conn.SetReadDeadline(sent.Add(tt.bound + slack))
			got, err := io.ReadAll(conn)
			held := time.Since(sent)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the connection was still open %s after the request (bound %s); read %.120q", held.Round(time.Millisecond), tt.bound, got)
			}
			if !bytes.HasPrefix(got, []byte(tt.answer)) {
				t.Errorf("answer %.80q, want it to start with %q", got, tt.answer)
			}
		})
	}
}

// TestSandboxServerWriteDeadline: the write deadline leaves room for the
// whole request, the injected latency and the answer.
func TestSandboxServerWriteDeadline(t *testing.T) {
	for _, latency := range []time.Duration{0, 200 * time.Millisecond, 10 * time.Minute} {
		srv := newSandboxServer(nil, latency, serveLimits)
		if min := serveLimits.read + latency + serveLimits.handle; srv.WriteTimeout < min {
			t.Errorf("latency %s: write timeout %s, want at least %s", latency, srv.WriteTimeout, min)
		}
		if srv.ReadTimeout <= 0 || srv.ReadHeaderTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
			t.Errorf("latency %s: a limit is off: read header %s, read %s, idle %s, max header bytes %d",
				latency, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
		}
	}
}

// runBinaryWithin is runBinary that kills the binary after d: a flag the
// binary wrongly accepts would otherwise have `sandbox serve` serve for
// ever.
func runBinaryWithin(t *testing.T, d time.Duration, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, consentBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("consent %s still running after %s; stdout %q", strings.Join(args, " "), d, out.String())
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestBinarySandboxRefusesBadFlags: fault rates that are not numbers from
// 0 to 1 (NaN and the infinities included), a latency past its bound, a
// member count past the loader's maximum and a load without --db are
// usage errors (exit 2) with a message naming the flag, before anything
// is served or written.
func TestBinarySandboxRefusesBadFlags(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(t.TempDir(), "load.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NaN fail rate", []string{"serve", "--fail-rate", "NaN"}, "--fail-rate must be a number between 0 and 1, not NaN"},
		{"nan fail rate", []string{"serve", "--fail-rate", "nan"}, "--fail-rate must be a number between 0 and 1, not NaN"},
		{"NaN throttle rate", []string{"serve", "--throttle-rate", "NaN"}, "--throttle-rate must be a number between 0 and 1, not NaN"},
		{"infinite fail rate", []string{"serve", "--fail-rate", "+Inf"}, "--fail-rate must be a number between 0 and 1, not +Inf"},
		{"minus infinity", []string{"serve", "--throttle-rate", "-Inf"}, "--throttle-rate must be a number between 0 and 1, not -Inf"},
		{"negative rate", []string{"serve", "--fail-rate", "-0.1"}, "--fail-rate must be a number between 0 and 1, not -0.1"},
		{"rate over 1", []string{"serve", "--throttle-rate", "1.5"}, "--throttle-rate must be a number between 0 and 1, not 1.5"},
		{"hexadecimal 2", []string{"serve", "--fail-rate", "0x1p1"}, "--fail-rate must be a number between 0 and 1, not 2"},
		{"rates over 1 together", []string{"serve", "--fail-rate", "0.6", "--throttle-rate", "0.6"}, "add up to more than 1"},
		{"latency too long", []string{"serve", "--latency", "2562047h"}, "--latency must be from 0 to 10m0s"},
		{"negative latency", []string{"serve", "--latency", "-1s"}, "--latency must be from 0 to 10m0s"},
		{"too many members", []string{"load", "--db", db, "--list", "Big", "--members", "99999999999"}, "--members must be a number from 1 to 10,000,000"},
		{"one member too many", []string{"load", "--db", db, "--list", "Big", "--members", "10000001"}, "--members must be a number from 1 to 10,000,000"},
		{"no members", []string{"load", "--db", db, "--list", "Big", "--members", "0"}, "--members must be a number from 1 to 10,000,000"},
		{"load without --db", []string{"load", "--list", "Big", "--members", "10"}, "--db is required: name the file to load into (the sandbox used without an API key is " + filepath.Join(home, "sandbox.db") + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runBinaryWithin(t, 20*time.Second, []string{"CONSENT_HOME=" + home}, append([]string{"sandbox"}, tt.args...)...)
			if code != 2 || !strings.Contains(errOut, tt.want) || out != "" {
				t.Errorf("exit %d (want 2), stderr lacks %q:\nstdout: %s\nstderr: %s", code, tt.want, out, errOut)
			}
		})
	}
	for _, f := range []string{db, filepath.Join(home, "sandbox.db")} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created by a refused command (%v)", f, err)
		}
	}
}

// TestBinarySandboxServeTakesBoundaryFlags: the limits themselves are
// accepted.
func TestBinarySandboxServeTakesBoundaryFlags(t *testing.T) {
	served := serveSandbox(t, filepath.Join(t.TempDir(), "serve.db"), "--fail-rate", "0.5", "--throttle-rate", "0.5", "--latency", "10m")
	if !strings.HasPrefix(served.url, "http://127.0.0.1:") {
		t.Errorf("first line %q is not a base URL", served.url)
	}
}

// TestSandboxLoadReportsProgress loads enough members to be reported on
// stderr after each transaction that passes a tenth (here two of 50,000),
// and the final count on stdout.
func TestSandboxLoadReportsProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: loads 100,000 members")
	}
	db := filepath.Join(t.TempDir(), "load.db")
	var out, errOut strings.Builder
	vars := map[string]string{"CONSENT_HOME": t.TempDir()}
	code := run(t.Context(), []string{"sandbox", "load", "--db", db, "--list", "Scale", "--members", strconv.Itoa(loadProgressFrom)},
		env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false }})
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	want := "consent sandbox: 50,000 of 100,000 members added (50%)\n"
	if errOut.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), want)
	}
	if !strings.HasPrefix(out.String(), "added 100000 members to list Scale (") {
		t.Errorf("stdout: %s", out.String())
	}
}
