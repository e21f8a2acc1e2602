package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/privatefile"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// sandboxBaseURL is the host the client uses for the in-process sandbox. The
// .invalid domain cannot resolve, so nothing meant for the sandbox can leave
// the process.
const sandboxBaseURL = "http://sandbox.invalid"

// sandboxKey is the key sent to the in-process sandbox, which accepts any
// pk_ key.
const sandboxKey = "pk_sandbox_local"

// sandboxBackend is how the journal names the embedded sandbox.
const sandboxBackend = "SANDBOX"

// sandboxDBFile is the sandbox's database in the data directory.
const sandboxDBFile = "sandbox.db"

// journalFile is the journal's name in the state directory.
const journalFile = "journal.jsonl"

// apiFlags are the flags every command that talks to Klaviyo takes.
type apiFlags struct {
	apiKey  string
	account string
}

// overrides are what the flags change in the configuration, with region
// the command's --region ("" when it has none).
func (f *apiFlags) overrides(region string) overrides {
	return overrides{region: region, account: f.account, apiKey: f.apiKey}
}

func addAPIFlags(fs *flag.FlagSet) *apiFlags {
	f := &apiFlags{}
	fs.StringVar(&f.apiKey, "api-key", "", "Klaviyo private API key (else KLAVIYO_API_KEY, else the account's, else the sandbox)")
	fs.StringVar(&f.account, "account", "", "account from config.toml (else KLAVIYO_ACCOUNT, else default_account)")
	return f
}

// backend is what commands and the UI talk to: Klaviyo, or the embedded
// sandbox through the same client.
type backend struct {
	client *client.Client
	// name is what the status line shows: SANDBOX, or Klaviyo and the host
	// or account.
	name string
	// origin is where changes go, as the journal records it: a retry
	// resends an entry only where it was made.
	origin  journal.Origin
	sandbox *sandbox.Sandbox
}

func (b *backend) Close() error {
	if b.sandbox != nil {
		return b.sandbox.Close()
	}
	return nil
}

// connect loads the configuration, with the command line's overrides, and
// opens the backend it names: what a command that talks to Klaviyo does
// first. The caller closes the backend.
func connect(ctx context.Context, api *apiFlags, e env) (settings, *backend, error) {
	cfg, err := loadSettings(e.getenv, api.overrides(""))
	if err != nil {
		return cfg, nil, err
	}
	b, err := openBackend(ctx, api, e, cfg)
	return cfg, b, err
}

// openBackend chooses the backend by key precedence, as Klaviyo's own CLI
// does: --api-key, then KLAVIYO_API_KEY, then the configured account's key;
// with no key it opens the embedded sandbox under the data directory,
// seeding demo data on first use.
func openBackend(ctx context.Context, f *apiFlags, e env, cfg settings) (*backend, error) {
	return openBackendSeeding(ctx, f, e, cfg, nil, false)
}

// openBackendSeeding is openBackend; with backgroundSeed a new sandbox is
// seeded in the background instead of before returning (the UI's start).
func openBackendSeeding(ctx context.Context, f *apiFlags, e env, cfg settings, onWait func(client.Wait), backgroundSeed bool) (*backend, error) {
	key := firstNonEmpty(f.apiKey, e.getenv("KLAVIYO_API_KEY"))
	if key == "" && cfg.account != "" {
		if cfg.accountKeyErr != nil {
			return nil, cfg.accountKeyErr
		}
		key = cfg.accountKey
	}
	if key != "" {
		c, err := client.New(client.Options{APIKey: key, BaseURL: e.getenv("KLAVIYO_API_URL"), OnWait: onWait})
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		name := "Klaviyo " + c.BaseURL()
		if cfg.account != "" {
			name = "Klaviyo account " + model.SanitizeText(cfg.account)
		}
		origin := journal.Origin{Backend: "Klaviyo " + c.BaseURL(), Account: cfg.account, KeyID: c.KeyID()}
		return &backend{client: c, name: name, origin: origin}, nil
	}
	dir, err := dataDir(e.getenv)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(dir, sandboxDBFile), Policy: cfg.rules.Policy})
	if err != nil {
		return nil, fmt.Errorf("opening the sandbox: %w", err)
	}
	if backgroundSeed {
		// The UI's first frame does not need the data; its first request
		// waits for it.
		sb.StartSeedDemo(ctx)
	} else if err := sb.SeedDemo(ctx); err != nil {
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
	return &backend{client: c, name: "SANDBOX", origin: journal.Origin{Backend: sandboxBackend}, sandbox: sb}, nil
}

// dataDir is where the sandbox database lives: $CONSENT_HOME, else
// $XDG_DATA_HOME/consent-desk, else ~/.local/share/consent-desk. It is
// created 0700.
func dataDir(getenv func(string) string) (string, error) {
	return privateDir(homeSubdir(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share")))
}

// stateDir is where the journal lives: $CONSENT_HOME, else
// $XDG_STATE_HOME/consent-desk, else ~/.local/state/consent-desk. It is
// created 0700.
func stateDir(getenv func(string) string) (string, error) {
	return privateDir(homeSubdir(getenv, "XDG_STATE_HOME", filepath.Join(".local", "state")))
}

// privateDir creates dir 0700 if needed, and refuses one other users may
// enter or write (privatefile.Dir): what goes in it is personal data, and
// what the journal in it says is sent with the agent's key.
func privateDir(dir string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if err := privatefile.Dir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// openJournal opens the journal in the state directory, recording the
// agent with every entry and change.
func openJournal(e env, cfg settings) (*journal.File, error) {
	dir, err := stateDir(e.getenv)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	return journal.Open(filepath.Join(dir, journalFile), journal.Meta{Agent: cfg.agent})
}

// newDesk is the workflow that makes changes on b, recorded in j.
func newDesk(j journal.Store, b *backend, cfg settings) *desk.Desk {
	return &desk.Desk{Store: j, Client: b.client, Rules: cfg.rules, Origin: b.origin, Agent: cfg.agent}
}
