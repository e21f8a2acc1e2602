// Package sandboxtest opens the embedded sandbox for tests of the packages
// that use it (client, journal, ui): seeded, closed when the test ends, and
// a client talking to it in-process. It is for tests only.
package sandboxtest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
)

// Open opens a sandbox with opts for t, seeds the demo data and closes it
// when t ends. A zero JobDelay applies jobs before the POST is answered, so
// a test can read back at once; give sandbox.DefaultJobDelay (or another)
// to test the asynchronous path.
func Open(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.JobDelay == 0 {
		opts.JobDelay = -1
	}
	sb, err := sandbox.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if err := sb.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sb
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
