// Package backend chooses and opens what Consent Desk talks to — Klaviyo
// with a key, or the embedded sandbox without one — and the journal and
// workflow that go with it, by the precedence Klaviyo's own CLI uses.
package backend

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/privatefile"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/journal/pgjournal"
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

// SandboxName is how the journal and the status line name the embedded
// sandbox.
const SandboxName = "SANDBOX"

// SandboxDBFile is the sandbox's database in the data directory.
const SandboxDBFile = "sandbox.db"

// JournalFile is the journal's name in the state directory.
const JournalFile = "journal.jsonl"

// Flags are what the command line says of the backend: --api-key and
// --account.
type Flags struct {
	APIKey  string
	Account string
}

// Overrides are what the flags change in the configuration, with region
// the command's --region ("" when it has none).
func (f Flags) Overrides(region string) config.Overrides {
	return config.Overrides{Region: region, Account: f.Account, APIKey: f.APIKey}
}

// Backend is what commands and the UI talk to: Klaviyo, or the embedded
// sandbox through the same client.
type Backend struct {
	Client *client.Client
	// Name is what the status line shows: SANDBOX, or Klaviyo and the
	// host or account.
	Name string
	// Origin is where changes go, as the journal records it: a retry
	// resends an entry only where it was made.
	Origin  journal.Origin
	Sandbox *sandbox.Sandbox
}

// Close releases the sandbox, if it is one.
func (b *Backend) Close() error {
	if b.Sandbox != nil {
		return b.Sandbox.Close()
	}
	return nil
}

// Options adjust Open.
type Options struct {
	// OnWait is told of every wait of the client (rate limits, retries).
	OnWait func(client.Wait)
	// SeedInBackground seeds a new sandbox in the background instead of
	// before returning (the UI's start: its first frame does not wait).
	SeedInBackground bool
}

// Open chooses the backend by key precedence, as Klaviyo's own CLI does:
// --api-key, then KLAVIYO_API_KEY, then the configured account's key; with
// no key it opens the embedded sandbox under the data directory, seeding
// demo data on first use. KLAVIYO_API_URL replaces Klaviyo's host.
func Open(ctx context.Context, f Flags, getenv func(string) string, cfg config.Settings, opts Options) (*Backend, error) {
	key := config.FirstNonEmpty(f.APIKey, getenv("KLAVIYO_API_KEY"))
	if key == "" && cfg.Account != "" {
		if cfg.AccountKeyErr != nil {
			return nil, cfg.AccountKeyErr
		}
		key = cfg.AccountKey
	}
	if key != "" {
		c, err := client.New(client.Options{APIKey: key, BaseURL: getenv("KLAVIYO_API_URL"), OnWait: opts.OnWait})
		if err != nil {
			return nil, usage.Wrap(err)
		}
		name := "Klaviyo " + c.BaseURL()
		if cfg.Account != "" {
			name = "Klaviyo account " + model.SanitizeText(cfg.Account)
		}
		origin := journal.Origin{Backend: "Klaviyo " + c.BaseURL(), Account: cfg.Account, KeyID: c.KeyID()}
		return &Backend{Client: c, Name: name, Origin: origin}, nil
	}
	dir, err := DataDir(getenv)
	if err != nil {
		return nil, usage.Wrap(err)
	}
	sb, err := sandbox.Open(ctx, sandbox.Options{Path: filepath.Join(dir, SandboxDBFile), Policy: cfg.Rules.Policy})
	if err != nil {
		return nil, fmt.Errorf("opening the sandbox: %w", err)
	}
	if opts.SeedInBackground {
		// The UI's first frame does not need the data; its first request
		// waits for it.
		sb.StartSeedDemo(ctx)
	} else if err := sb.SeedDemo(ctx); err != nil {
		sb.Close()
		return nil, fmt.Errorf("seeding the sandbox: %w", err)
	}
	// The in-process sandbox enforces no rate limits (`consent sandbox
	// serve` does), so the client-side limiter would only slow it down.
	c, err := client.New(client.Options{APIKey: sandboxKey, BaseURL: sandboxBaseURL, Transport: sb.Transport(), OnWait: opts.OnWait, NoLimiter: true})
	if err != nil {
		sb.Close()
		return nil, err
	}
	return &Backend{Client: c, Name: SandboxName, Origin: journal.Origin{Backend: SandboxName}, Sandbox: sb}, nil
}

// DataDir is where the sandbox database lives: $CONSENT_HOME, else
// $XDG_DATA_HOME/consent-desk, else ~/.local/share/consent-desk. It is
// created 0700, and refused when others may write it.
func DataDir(getenv func(string) string) (string, error) {
	return privateDir(config.HomeSubdir(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share")))
}

// StateDir is where the journal lives: $CONSENT_HOME, else
// $XDG_STATE_HOME/consent-desk, else ~/.local/state/consent-desk. It is
// created 0700, and refused when others may write it.
func StateDir(getenv func(string) string) (string, error) {
	return privateDir(config.HomeSubdir(getenv, "XDG_STATE_HOME", filepath.Join(".local", "state")))
}

// privateDir creates dir 0700 if needed, and refuses one other users may
// write (privatefile.Dir): what goes in it is personal data, and what the
// journal in it says is sent with the agent's key.
func privateDir(dir string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if err := privatefile.Dir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Journal is the journal a command records in: the local file, or a
// team's PostgreSQL database.
type Journal interface {
	journal.Store
	// Where is the file's path or the database's URL, its password
	// redacted.
	Where() string
	Close() error
}

// OpenJournal opens the journal: the database at url (a postgres://
// URL), or with none the file in the state directory; agent is recorded
// with every entry and change. A database that cannot be reached is an
// error that names it, its password redacted.
func OpenJournal(ctx context.Context, getenv func(string) string, agent, url string) (Journal, error) {
	if url != "" {
		if !pgjournal.IsURL(url) {
			return nil, usage.Errorf("journal %q is not a postgres:// URL (CONSENT_JOURNAL_URL, or journal in config.toml)", model.SanitizeShort(pgjournal.Redact(url), 80))
		}
		s, err := pgjournal.Open(ctx, url, journal.Meta{Agent: agent})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return OpenJournalFile(getenv, agent)
}

// OpenJournalFile opens the journal file in the state directory.
func OpenJournalFile(getenv func(string) string, agent string) (*journal.File, error) {
	dir, err := StateDir(getenv)
	if err != nil {
		return nil, usage.Wrap(err)
	}
	return journal.Open(filepath.Join(dir, JournalFile), journal.Meta{Agent: agent})
}

// NewDesk is the workflow that makes changes on b, recorded in j.
func NewDesk(j journal.Store, b *Backend, cfg config.Settings) *desk.Desk {
	return &desk.Desk{Store: j, Client: b.Client, Rules: cfg.Rules, Origin: b.Origin, Agent: cfg.Agent}
}
