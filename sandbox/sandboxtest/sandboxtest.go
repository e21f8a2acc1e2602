// Package sandboxtest opens the embedded sandbox for tests of the packages
// that use it (client, journal, ui): seeded, closed when the test ends, and
// a client talking to it in-process. It is for tests only.
package sandboxtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
)

// Open opens a sandbox with opts for t, seeds the demo data and closes it
// when t ends. A zero JobDelay applies jobs before the POST is answered, so
// a test can read back at once; give sandbox.DefaultJobDelay (or another)
// to test the asynchronous path.
//
// A private sandbox on the default SMS policy (no Path, no Policy: what
// most tests open) starts as a copy of one seeded once per test binary,
// in t's temporary directory: the same data as seeding it, without the
// seeding's cost on every test (most of a test's time under the race
// detector).
func Open(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.JobDelay == 0 {
		opts.JobDelay = -1
	}
	copied := opts.Path == "" && opts.Policy == nil
	if copied {
		files, err := seededFiles()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir() // removed after the Close below: cleanups run last first
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		opts.Path = filepath.Join(dir, seededName)
	}
	sb, err := sandbox.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if copied {
		return sb
	}
	if err := sb.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sb
}

// seededName is the database file's name in a copy of the seeded sandbox.
const seededName = "sandbox.db"

// seeded holds the files of the demo sandbox on the default policy,
// seeded once per test binary.
var seeded struct {
	once  sync.Once
	files map[string][]byte // by name: the database and its write-ahead log, if any
	err   error
}

// seededFiles returns the files of a freshly seeded demo sandbox, seeding
// it the first time.
func seededFiles() (map[string][]byte, error) {
	seeded.once.Do(func() {
		seeded.files, seeded.err = seedFiles()
		if seeded.err != nil {
			seeded.err = fmt.Errorf("sandboxtest: seeding the template sandbox: %w", seeded.err)
		}
	})
	return seeded.files, seeded.err
}

// seedFiles seeds a sandbox in a temporary directory, closes it and
// returns its files.
func seedFiles() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "consent-sandboxtest-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(dir, seededName)})
	if err != nil {
		return nil, err
	}
	if err := errors.Join(sb.SeedDemo(ctx), sb.Close()); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, name := range []string{seededName, seededName + "-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) && name != seededName {
			continue // closing checkpointed the log into the database
		}
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	return files, nil
}

// Client is a client on sb through its in-process transport, without the
// client-side limiter (the sandbox limits itself when asked to); opts may
// set anything else (Attempts, OnWait, ...).
func Client(t testing.TB, sb *sandbox.Sandbox, opts client.Options) *client.Client {
	t.Helper()
	opts.BaseURL, opts.APIKey, opts.Transport, opts.NoLimiter = "http://sandbox.invalid", "pk_sandboxtest", sb.Transport(), true
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// JobEmails are the emails of the profiles a bulk subscribe job's body
// carries, in order: what a test counting sends counts.
func JobEmails(body []byte) []string {
	var doc struct {
		Data struct {
			Attributes struct {
				Profiles struct {
					Data []struct {
						Attributes struct {
							Email string `json:"email"`
						} `json:"attributes"`
					} `json:"data"`
				} `json:"profiles"`
			} `json:"attributes"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &doc)
	emails := make([]string, len(doc.Data.Attributes.Profiles.Data))
	for i, p := range doc.Data.Attributes.Profiles.Data {
		emails[i] = p.Attributes.Email
	}
	return emails
}
