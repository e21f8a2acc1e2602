package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/consentdesk/consent/model"
)

// configFile is the name of the configuration file in the config directory.
const configFile = "config.toml"

// fileConfig is config.toml as written by a person.
type fileConfig struct {
	// DefaultRegion is the region of phone numbers typed without "+".
	DefaultRegion string `toml:"default_region"`
	// SMSCountries replaces the default SMS policy with the account's own
	// list of region codes.
	SMSCountries []string `toml:"sms_countries"`
}

// settings is the configuration after validation, ready to use.
type settings struct {
	path  string
	rules model.PhoneRules
}

// configDir is where Consent Desk keeps its files: $CONSENT_HOME, else
// $XDG_CONFIG_HOME/consent-desk, else ~/.config/consent-desk.
func configDir(getenv func(string) string) (string, error) {
	if home := getenv("CONSENT_HOME"); home != "" {
		return home, nil
	}
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
		return filepath.Join(xdg, "consent-desk"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find a home directory for the configuration: set CONSENT_HOME")
		}
		home = h
	}
	return filepath.Join(home, ".config", "consent-desk"), nil
}

// loadSettings reads config.toml if there is one. A missing file means the
// defaults; a malformed one is a usage error that names the file and line.
// A non-empty region (a --region flag) replaces the configured default
// region.
func loadSettings(getenv func(string) string, region string) (settings, error) {
	s, err := readConfig(getenv)
	if err != nil || region == "" {
		return s, err
	}
	if s.rules.DefaultRegion, err = model.ParseRegion(region); err != nil {
		return s, usagef("--region: %v", err)
	}
	return s, nil
}

// readConfig reads and validates config.toml.
func readConfig(getenv func(string) string) (settings, error) {
	s := settings{rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}}
	dir, err := configDir(getenv)
	if err != nil {
		return s, &usageError{msg: err.Error()}
	}
	s.path = filepath.Join(dir, configFile)
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, usagef("cannot read %s: %v", s.path, err)
	}
	var fc fileConfig
	md, err := toml.Decode(string(data), &fc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return s, usagef("%s line %d: %s", s.path, pe.Position.Line, model.SanitizeText(pe.Message))
		}
		return s, usagef("%s: %s", s.path, model.SanitizeText(err.Error()))
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return s, usagef("%s: unknown setting %s (known: default_region, sms_countries)", s.path, model.SanitizeText(strings.Join(keys, ", ")))
	}
	if fc.DefaultRegion != "" {
		region, err := model.ParseRegion(fc.DefaultRegion)
		if err != nil {
			return s, usagef("%s: default_region: %v", s.path, err)
		}
		s.rules.DefaultRegion = region
	}
	if fc.SMSCountries != nil {
		policy, err := model.NewSMSPolicy(fc.SMSCountries, s.path)
		if err != nil {
			return s, usagef("%s: %v", s.path, err)
		}
		s.rules.Policy = policy
	}
	return s, nil
}
