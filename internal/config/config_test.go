package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentdesk/consent/internal/usage"
)

func TestConfigAccounts(t *testing.T) {
	const cfg = `
default_region = "US"
agent = "Dana at the front desk"
default_account = "us-shop"

[accounts.us-shop]
key_env = "US_SHOP_KEY"
default_list = "Y6nRLr"

[accounts.eu-shop]
key_env = "EU_SHOP_KEY"
sms_countries = ["GB", "IE", "SI"]
default_region = "GB"
`
	tests := []struct {
		name    string
		env     map[string]string
		o       Overrides
		account string
		key     string
		region  string
		smsSI   bool
		list    string
		err     string
	}{
		{name: "default account", env: map[string]string{"US_SHOP_KEY": "pk_us_key_1234"}, account: "us-shop", key: "pk_us_key_1234", region: "US", list: "Y6nRLr"},
		{name: "KLAVIYO_ACCOUNT beats the default", env: map[string]string{"KLAVIYO_ACCOUNT": "eu-shop", "EU_SHOP_KEY": "pk_eu_key_1234"}, account: "eu-shop", key: "pk_eu_key_1234", region: "GB", smsSI: true},
		{name: "--account beats KLAVIYO_ACCOUNT", env: map[string]string{"KLAVIYO_ACCOUNT": "us-shop", "EU_SHOP_KEY": "pk_eu_key_1234"}, o: Overrides{Account: "eu-shop"}, account: "eu-shop", key: "pk_eu_key_1234", region: "GB", smsSI: true},
		{name: "--region beats the account's", env: map[string]string{"EU_SHOP_KEY": "k"}, o: Overrides{Account: "eu-shop", Region: "ie"}, account: "eu-shop", key: "k", region: "IE", smsSI: true},
		{name: "unknown account", o: Overrides{Account: "nope"}, err: `no account "nope"`},
		{name: "key variable not set is deferred", account: "us-shop", region: "US", list: "Y6nRLr"},
		{name: "KLAVIYO_API_KEY passes over default_account", env: map[string]string{"KLAVIYO_API_KEY": "pk_env_key_1234", "US_SHOP_KEY": "pk_us_key_1234"}, region: "US"},
		{name: "--api-key passes over default_account", env: map[string]string{"US_SHOP_KEY": "pk_us_key_1234"}, o: Overrides{APIKey: "pk_flag_key_1234"}, region: "US"},
		{name: "a named account applies with --api-key", env: map[string]string{"EU_SHOP_KEY": "pk_eu_key_1234"}, o: Overrides{Account: "eu-shop", APIKey: "pk_flag_key_1234"}, account: "eu-shop", key: "pk_eu_key_1234", region: "GB", smsSI: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"CONSENT_HOME": home}
			for k, v := range tt.env {
				env[k] = v
			}
			s, err := Load(func(k string) string { return env[k] }, tt.o)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Account != tt.account || s.AccountKey != tt.key || s.Rules.DefaultRegion != tt.region ||
				s.Rules.Policy.Allows("SI") != tt.smsSI || s.DefaultList != tt.list || s.Agent != "Dana at the front desk" {
				t.Errorf("Settings = %+v", s)
			}
			if tt.key == "" && tt.account != "" && (s.AccountKeyErr == nil || !strings.Contains(s.AccountKeyErr.Error(), "US_SHOP_KEY")) {
				t.Errorf("missing key error = %v", s.AccountKeyErr)
			}
		})
	}
}

func TestConfigReadableByOthersIsRefused(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "config.toml")
	if err := os.WriteFile(path, []byte("agent = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	_, err := Load(func(k string) string { return map[string]string{"CONSENT_HOME": home}[k] }, Overrides{})
	var ue *usage.Error
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "can be read by others (mode 0644)") || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Errorf("err = %v", err)
	}
}

func TestConfigKeyAndKeyEnvBoth(t *testing.T) {
	var fc fileConfig
	if err := decodeConfig([]byte("[accounts.a]\nkey = \"pk_a_1234567\"\nkey_env = \"A\"\n"), "c.toml", &fc); err != nil {
		t.Fatal(err)
	}
	_, err := accountKey("a", fc.Accounts["a"], func(string) string { return "" })
	if err == nil || strings.Contains(err.Error(), "pk_a_1234567") {
		t.Errorf("err = %v: want a refusal that does not quote the key", err)
	}
}

// FuzzConfig feeds arbitrary text to the config parser and resolver: a
// clear error or Settings, never a panic, and never the text of a key in an
// error.
func FuzzConfig(f *testing.F) {
	f.Add("default_region = \"US\"\nsms_countries = [\"US\"]\n")
	f.Add("default_account = \"a\"\n[accounts.a]\nkey = \"pk_fuzz_secret\"\nsms_countries = [\"XX\"]\n")
	f.Add("[accounts]\na = 1\n")
	f.Add("agent = \"\x1b]52;c;aGk=\a\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		var fc fileConfig
		if err := decodeConfig([]byte(text), "config.toml", &fc); err != nil {
			if strings.ContainsAny(err.Error(), "\x1b\a") {
				t.Fatalf("error carries a control character: %q", err)
			}
			return
		}
		_, err := resolve(fc, "config.toml", func(string) string { return "" }, Overrides{})
		if err != nil && strings.Contains(err.Error(), "pk_fuzz_secret") {
			t.Fatalf("error quotes the key: %v", err)
		}
	})
}
