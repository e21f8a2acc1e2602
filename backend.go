package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/client/sandbox"
)

// sandboxBaseURL is the host the client uses for the in-process sandbox. The
// .invalid domain cannot resolve, so nothing meant for the sandbox can leave
// the process.
const sandboxBaseURL = "http://sandbox.invalid"

// sandboxKey is the key sent to the in-process sandbox, which accepts any
// pk_ key.
const sandboxKey = "pk_sandbox_local"

// sandboxDBFile is the sandbox's database in the data directory.
const sandboxDBFile = "sandbox.db"

// apiFlags are the flags every command that talks to Klaviyo takes.
type apiFlags struct {
	apiKey string
}

func addAPIFlags(fs *flag.FlagSet) *apiFlags {
	f := &apiFlags{}
	fs.StringVar(&f.apiKey, "api-key", "", "Klaviyo private API key (else KLAVIYO_API_KEY, else the sandbox)")
	return f
}

// backend is what commands and the UI talk to: Klaviyo, or the embedded
// sandbox through the same client.
type backend struct {
	client *client.Client
	// name is what the status line shows: SANDBOX, or Klaviyo and the host.
	name    string
	sandbox *sandbox.Sandbox
}

func (b *backend) Close() error {
	if b.sandbox != nil {
		return b.sandbox.Close()
	}
	return nil
}

// openBackend chooses the backend by key precedence (--api-key, then
// KLAVIYO_API_KEY); with no key it opens the embedded sandbox under the data
// directory, seeding demo data on first use.
func openBackend(ctx context.Context, f *apiFlags, e env, cfg settings, onWait func(client.Wait)) (*backend, error) {
	key := f.apiKey
	if key == "" {
		key = e.getenv("KLAVIYO_API_KEY")
	}
	if key != "" {
		c, err := client.New(client.Options{APIKey: key, BaseURL: e.getenv("KLAVIYO_API_URL"), OnWait: onWait})
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		return &backend{client: c, name: "Klaviyo " + c.BaseURL()}, nil
	}
	dir, err := dataDir(e.getenv)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(dir, sandboxDBFile), Policy: cfg.rules.Policy})
	if err != nil {
		return nil, fmt.Errorf("opening the sandbox: %w", err)
	}
	if err := sb.SeedDemo(ctx); err != nil {
		sb.Close()
		return nil, fmt.Errorf("seeding the sandbox: %w", err)
	}
	// The in-process sandbox enforces no rate limits (`consent sandbox
	// serve` does), so the client-side limiter would only slow it down.
	c, err := client.New(client.Options{APIKey: sandboxKey, BaseURL: sandboxBaseURL, Transport: sb.Transport(), OnWait: onWait, NoLimiter: true})
	if err != nil {
		sb.Close()
		return nil, err
	}
	return &backend{client: c, name: "SANDBOX", sandbox: sb}, nil
}

// dataDir is where the sandbox database (and later the journal) live:
// $CONSENT_HOME, else $XDG_DATA_HOME/consent-desk, else
// ~/.local/share/consent-desk. It is created 0700.
func dataDir(getenv func(string) string) (string, error) {
	dir := getenv("CONSENT_HOME")
	if dir == "" {
		if xdg := getenv("XDG_DATA_HOME"); xdg != "" {
			dir = filepath.Join(xdg, "consent-desk")
		} else {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("cannot find a home directory for the sandbox data: set CONSENT_HOME")
			}
			dir = filepath.Join(home, ".local", "share", "consent-desk")
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", dir, err)
	}
	return dir, nil
}
