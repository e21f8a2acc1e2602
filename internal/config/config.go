// Package config reads config.toml (the agent, the SMS countries, the
// default region, named Klaviyo accounts and their keys) and applies the
// command line's Overrides, into Settings ready to use. A problem is a
// usage.Error that names the file, the line and what to fix.
package config

import (
	"errors"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// File is the name of the configuration file in the config directory.
const File = "config.toml"

// fileConfig is config.toml as written by a person.
type fileConfig struct {
	// DefaultRegion is the region of phone numbers typed without "+".
	DefaultRegion string `toml:"default_region"`
	// SMSCountries replaces the default SMS policy with a list of region
	// codes.
	SMSCountries []string `toml:"sms_countries"`
	// Agent is who the journal says made each change; default the OS user.
	Agent string `toml:"agent"`
	// DefaultAccount is used when neither --account nor KLAVIYO_ACCOUNT is.
	DefaultAccount string `toml:"default_account"`
	// Accounts are named Klaviyo accounts.
	Accounts map[string]accountConfig `toml:"accounts"`
	// Journal is where the journal is kept: "" for the local file, or a
	// team's PostgreSQL database as a postgres:// URL.
	Journal string `toml:"journal"`
}

// accountConfig is one [accounts.NAME] table.
type accountConfig struct {
	// Key is the private API key itself (the file must then be 0600), or
	// KeyEnv names the environment variable that holds it.
	Key    string `toml:"key"`
	KeyEnv string `toml:"key_env"`
	// SMSCountries, DefaultRegion: this account's own, over the top level.
	SMSCountries  []string `toml:"sms_countries"`
	DefaultRegion string   `toml:"default_region"`
	// DefaultList is the list subscribe uses when --list is not given.
	DefaultList string `toml:"default_list"`
	// Journal is this account's journal, over the top level's.
	Journal string `toml:"journal"`
}

// configKeys are the Settings config.toml knows, for error messages.
const configKeys = "default_region, sms_countries, agent, default_account, journal, [accounts.NAME] with key, key_env, sms_countries, default_region, default_list, journal"

// Overrides are the command line's say over the configuration.
type Overrides struct {
	Region  string // --region
	Account string // --account
	APIKey  string // --api-key
}

// Settings is the configuration after validation, ready to use.
type Settings struct {
	Rules model.PhoneRules
	Agent string
	// Account is the chosen account's name, "" when none is configured;
	// AccountKey its key (never printed), AccountKeyErr why it has none,
	// and DefaultList its list.
	Account       string
	AccountKey    string
	AccountKeyErr error
	DefaultList   string
	// Journal is where the journal is kept: "" for the local file, else a
	// postgres:// URL (CONSENT_JOURNAL_URL, else the account's journal,
	// else the top level's). It may hold a password: never print it as
	// it is.
	Journal string
}

// Dir is where Consent Desk keeps its configuration: $CONSENT_HOME,
// else $XDG_CONFIG_HOME/consent-desk, else ~/.config/consent-desk.
func Dir(getenv func(string) string) (string, error) {
	return HomeSubdir(getenv, "XDG_CONFIG_HOME", ".config")
}

// HomeSubdir is $CONSENT_HOME, else $XDG/consent-desk, else
// ~/fallback/consent-desk.
func HomeSubdir(getenv func(string) string, xdgVar, fallback string) (string, error) {
	if home := getenv("CONSENT_HOME"); home != "" {
		return home, nil
	}
	if xdg := getenv(xdgVar); xdg != "" {
		return filepath.Join(xdg, "consent-desk"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("cannot find a home directory: set CONSENT_HOME")
		}
		home = h
	}
	return filepath.Join(home, fallback, "consent-desk"), nil
}

// Load reads config.toml if there is one and applies the command
// line's Overrides. A missing file means the defaults; a malformed one, one
// others can read, an unknown account or region is a usage error that says
// what to fix.
func Load(getenv func(string) string, o Overrides) (Settings, error) {
	dir, err := Dir(getenv)
	if err != nil {
		return Settings{}, &usage.Error{Msg: err.Error()}
	}
	path := filepath.Join(dir, File)
	fc, err := readConfigFile(path)
	if err != nil {
		return Settings{}, err
	}
	return resolve(fc, path, getenv, o)
}

// readConfigFile reads and decodes config.toml; a missing file is empty.
func readConfigFile(path string) (fileConfig, error) {
	var fc fileConfig
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fc, nil
	}
	if err != nil {
		return fc, usage.Errorf("cannot read %s: %v", path, err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fc, usage.Errorf("%s can be read by others (mode %04o) and may hold API keys: run chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fc, usage.Errorf("cannot read %s: %v", path, err)
	}
	return fc, decodeConfig(data, path, &fc)
}

// decodeConfig parses TOML into fc, naming the line of a syntax error and
// any setting it does not know.
func decodeConfig(data []byte, path string, fc *fileConfig) error {
	md, err := toml.Decode(string(data), fc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return usage.Errorf("%s line %d: %s", path, pe.Position.Line, model.SanitizeText(pe.Message))
		}
		return usage.Errorf("%s: %s", path, model.SanitizeText(err.Error()))
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return usage.Errorf("%s: unknown setting %s (known: %s)", path, model.SanitizeText(strings.Join(keys, ", ")), configKeys)
	}
	return nil
}

// resolve validates the configuration and chooses the account: --account,
// else KLAVIYO_ACCOUNT, else default_account — but default_account only
// when no key is given by --api-key or KLAVIYO_API_KEY: such a key may be
// another account's, and its changes must not be recorded under the
// default account or go to its default list. An account named on purpose
// applies with a given key (its key is then the one replaced).
func resolve(fc fileConfig, path string, getenv func(string) string, o Overrides) (Settings, error) {
	s := Settings{Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Agent: fc.Agent, Journal: fc.Journal}
	if len(s.Agent) > MaxAgent {
		return s, usage.Errorf("%s: agent is %d bytes long: at most %d (a name the journal records with every change)", path, len(s.Agent), MaxAgent)
	}
	if s.Agent == "" {
		s.Agent = model.SanitizeShort(OSUser(getenv), MaxAgent)
	}
	region, countries := fc.DefaultRegion, fc.SMSCountries
	name := FirstNonEmpty(o.Account, getenv("KLAVIYO_ACCOUNT"))
	if name == "" && o.APIKey == "" && getenv("KLAVIYO_API_KEY") == "" {
		name = fc.DefaultAccount
	}
	if name != "" {
		acct, ok := fc.Accounts[name]
		if !ok {
			return s, usage.Errorf("no account %q in %s (accounts: %s)", model.SanitizeText(name), path, accountNames(fc))
		}
		// A missing key matters only when no --api-key or KLAVIYO_API_KEY
		// comes first: openBackend decides.
		s.AccountKey, s.AccountKeyErr = accountKey(name, acct, getenv)
		s.Account, s.DefaultList = name, acct.DefaultList
		if acct.Journal != "" {
			s.Journal = acct.Journal
		}
		if acct.DefaultRegion != "" {
			region = acct.DefaultRegion
		}
		if acct.SMSCountries != nil {
			countries = acct.SMSCountries
		}
	}
	if u := getenv("CONSENT_JOURNAL_URL"); u != "" {
		s.Journal = u
	}
	if j := s.Journal; j != "" && !strings.HasPrefix(j, "postgres://") && !strings.HasPrefix(j, "postgresql://") {
		return s, usage.Errorf("journal must be a postgres:// URL (or unset for the local file), not %q", model.SanitizeShort(redactedJournal(j), 80))
	}
	if o.Region != "" {
		region = o.Region
	}
	if region != "" {
		r, err := model.ParseRegion(region)
		if err != nil {
			if o.Region != "" {
				return s, usage.Errorf("--region: %v", err)
			}
			return s, usage.Errorf("%s: default_region: %v", path, err)
		}
		s.Rules.DefaultRegion = r
	}
	if countries != nil {
		policy, err := model.NewSMSPolicy(countries, path)
		if err != nil {
			return s, usage.Errorf("%s: %v", path, err)
		}
		s.Rules.Policy = policy
	}
	return s, nil
}

// accountKey is an account's key, from key or key_env; errors name the
// account and the variable, never the key.
func accountKey(name string, a accountConfig, getenv func(string) string) (string, error) {
	switch {
	case a.Key != "" && a.KeyEnv != "":
		return "", usage.Errorf("account %q: give key or key_env, not both", model.SanitizeText(name))
	case a.Key != "":
		return a.Key, nil
	case a.KeyEnv != "":
		if k := getenv(a.KeyEnv); k != "" {
			return k, nil
		}
		return "", usage.Errorf("account %q: the environment variable %s that should hold its key is not set", model.SanitizeText(name), model.SanitizeText(a.KeyEnv))
	}
	return "", usage.Errorf("account %q has no key: set key_env (or key) in its [accounts] table", model.SanitizeText(name))
}

func accountNames(fc fileConfig) string {
	if len(fc.Accounts) == 0 {
		return "none configured"
	}
	names := make([]string, 0, len(fc.Accounts))
	for n := range fc.Accounts {
		names = append(names, model.SanitizeText(n))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// MaxAgent bounds the agent's name: every journal record carries it.
const MaxAgent = 120

// OSUser is the agent's name when the configuration does not give one.
func OSUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return FirstNonEmpty(getenv("USER"), getenv("USERNAME"), "unknown")
}

// FirstNonEmpty is the first of values that is not "".
func FirstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// redactedJournal is a journal setting with anything after "://" up to
// "@" hidden: what may hold a password.
func redactedJournal(j string) string {
	if at := strings.LastIndex(j, "@"); at >= 0 {
		if scheme := strings.Index(j, "://"); scheme >= 0 && scheme < at {
			return j[:scheme+3] + "…" + j[at:]
		}
	}
	return j
}
