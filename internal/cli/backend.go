package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/backend"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
)

// The files a command names in its messages and tests look for.
const (
	journalFile   = backend.JournalFile
	sandboxDBFile = backend.SandboxDBFile
)

// apiFlags are the flags every command that talks to Klaviyo takes:
// --api-key and --account, persistent flags of consent, so that they go
// before or after the command's name.
type apiFlags struct{ backend.Flags }

// overrides are what the flags change in the configuration, with region
// the command's --region ("" when it has none).
func (f *apiFlags) overrides(region string) config.Overrides { return f.Flags.Overrides(region) }

// addAPIFlags defines --api-key and --account on fs, into f.
func addAPIFlags(fs *pflag.FlagSet, f *apiFlags) {
	fs.StringVar(&f.APIKey, "api-key", "", "Klaviyo private API key `KEY` (else KLAVIYO_API_KEY, else the account's, else the sandbox)")
	fs.StringVar(&f.Account, "account", "", "the account `NAME` in config.toml (else KLAVIYO_ACCOUNT, else default_account)")
}

// connect loads the configuration, with the command line's overrides, and
// opens the backend it names: what a command that talks to Klaviyo does
// first. The caller closes the backend.
func connect(ctx context.Context, api *apiFlags, e env) (config.Settings, *backend.Backend, error) {
	cfg, err := config.Load(e.getenv, api.overrides(""))
	if err != nil {
		return cfg, nil, err
	}
	b, err := openBackend(ctx, api, e, cfg)
	return cfg, b, err
}

// openBackend opens the backend the flags and configuration name
// (backend.Open), seeding a new sandbox before returning; on a terminal,
// each wait of the client is said on stderr (waitReporter).
func openBackend(ctx context.Context, f *apiFlags, e env, cfg config.Settings) (*backend.Backend, error) {
	return backend.Open(ctx, f.Flags, e.getenv, cfg, backend.Options{OnWait: waitReporter(e)})
}

// openBackendSeeding is openBackend with the client's waits told to onWait
// and, with backgroundSeed, a new sandbox seeded in the background.
func openBackendSeeding(ctx context.Context, f *apiFlags, e env, cfg config.Settings, onWait func(client.Wait), backgroundSeed bool) (*backend.Backend, error) {
	return backend.Open(ctx, f.Flags, e.getenv, cfg, backend.Options{OnWait: onWait, SeedInBackground: backgroundSeed})
}

// openJournal opens the journal in the state directory, recording the
// agent with every entry and change.
func openJournal(e env, cfg config.Settings) (backend.Journal, error) {
	j, err := backend.OpenJournal(context.Background(), e.getenv, cfg.Agent, cfg.Journal)
	var ue *usage.Error
	if err != nil && cfg.Journal != "" && !errors.As(err, &ue) {
		return nil, fmt.Errorf("%w: nothing can be recorded, so nothing is sent", err)
	}
	return j, err
}

// newDesk is the workflow that makes changes on b, recorded in j.
func newDesk(j journal.Store, b *backend.Backend, cfg config.Settings) *desk.Desk {
	return backend.NewDesk(j, b, cfg)
}

// dataDir is where the sandbox database lives (backend.DataDir).
func dataDir(getenv func(string) string) (string, error) { return backend.DataDir(getenv) }
