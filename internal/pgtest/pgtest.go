// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in
// a temporary directory, the server on a free loopback port, run as the
// postgres user when the tests run as root (PostgreSQL refuses root), and
// stopped and removed when the tests end. In CI (CI=true) a missing
// PostgreSQL fails the test; elsewhere it skips, naming what to install.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running throwaway server.
type Cluster struct {
	dir, bin string
	port     int
	asUser   string // "postgres" when run as root, else ""
	mu       sync.Mutex
	dbs      int
}

// Start starts a cluster for the test binary (call it from TestMain, with
// Stop after m.Run), or returns why it cannot.
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, and there is no postgres user to run PostgreSQL as: %w", err)
		}
		c.asUser = "postgres"
	}
	if c.dir, err = os.MkdirTemp("", "consent-pgtest-"); err != nil {
		return nil, err
	}
	if c.asUser != "" {
		if err := exec.Command("chown", c.asUser, c.dir).Run(); err != nil {
			return nil, fmt.Errorf("chown %s: %w", c.dir, err)
		}
	}
	data := filepath.Join(c.dir, "data")
	if out, err := c.run("initdb", "-D", data, "-A", "trust", "-U", "consent", "--no-sync", "-E", "UTF8", "--locale", "C"); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	if err := c.Restart(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return c, nil
}

// serverOptions are the server's settings: a loopback port and a socket
// in the cluster's directory; without fsync (tests), unless PGTEST_FSYNC
// is "on" (benchmarks of commit latency, which must reach the disk).
func (c *Cluster) serverOptions() string {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.port, c.dir)
	if os.Getenv("PGTEST_FSYNC") != "on" {
		opts += " -c fsync=off -c full_page_writes=off"
	}
	return opts
}

// run runs a PostgreSQL program, as the postgres user when needed.
func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir // the postgres user may not enter the test's directory
	return cmd.CombinedOutput()
}

// Stop stops the server at once and removes its files.
func (c *Cluster) Stop() {
	if c == nil {
		return
	}
	_, _ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	_ = os.RemoveAll(c.dir)
}

// Kill stops the server as a crash would (immediate shutdown), for tests
// of a database lost mid-submit; Restart starts it again.
func (c *Cluster) Kill() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Restart starts a stopped server again on its port.
func (c *Cluster) Restart() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", c.serverOptions(), "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	return nil
}

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://consent@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// NewDatabase creates an empty database for t and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	c.mu.Lock()
	c.dbs++
	name := "t" + strconv.Itoa(c.dbs)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return c.URL(name)
}

// Need is the cluster for a test, which is skipped (failed in CI) when
// err says why there is none.
func Need(t testing.TB, c *Cluster, err error) *Cluster {
	t.Helper()
	if c != nil {
		return c
	}
	msg := fmt.Sprintf("PostgreSQL is needed for this test (install PostgreSQL 15: initdb, pg_ctl and postgres on PATH): %v", err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return nil
}

// findBin is the directory of initdb and pg_ctl: on PATH, or Debian's.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", fmt.Errorf("initdb not found on PATH (%s)", strings.ReplaceAll(os.Getenv("PATH"), ":", ", "))
}

// freePort is a loopback port no one listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
