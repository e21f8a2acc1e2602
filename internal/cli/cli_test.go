package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runResult is what a command printed and how it exited.
type runResult struct {
	code           int
	stdout, stderr string
}

// runIn runs a command line with CONSENT_HOME set to home and no terminal.
func runIn(t *testing.T, home string, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	vars := map[string]string{"CONSENT_HOME": home, "HOME": home}
	code := run(context.Background(), args, env{
		stdin:      strings.NewReader(""),
		stdout:     &out,
		stderr:     &errOut,
		getenv:     func(k string) string { return vars[k] },
		isTerminal: func() bool { return false },
	})
	return runResult{code, out.String(), errOut.String()}
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{name: "Slovenian number explained in one line", args: []string{"check", "+38631234567"}, code: 0,
			stdout: []string{"Slovenia (SI)", "type      mobile\n", "SMS       no: Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded. Email consent is unaffected."}},
		{name: "US number eligible", args: []string{"check", "+1 201 555 0123"}, code: 0,
			stdout: []string{"+1 201-555-0123   E.164 +12015550123", "United States (US)", "SMS       yes: SMS consent can be recorded"}},
		{name: "national format with --region", args: []string{"check", "--region", "us", "(201) 555-0123"}, code: 0,
			stdout: []string{"E.164 +12015550123", "read as a national number of US", "SMS       yes"}},
		{name: "flags after IDs", args: []string{"check", "(201) 555-0123", "--region=US"}, code: 0,
			stdout: []string{"E.164 +12015550123"}},
		{name: "GB landline", args: []string{"check", "+44 20 7946 0958"}, code: 0,
			stdout: []string{"type      landline\n", "SMS       no: A landline in the United Kingdom cannot receive texts"}},
		{name: "email normalised", args: []string{"check", " Sarah@Example.COM "}, code: 0,
			stdout: []string{"email     Sarah@example.com"}},
		{name: "several IDs, one card each", args: []string{"check", "+38631234567", "x@example.com"}, code: 0,
			stdout: []string{"Slovenia", "\n\nx@example.com\n  email     x@example.com"}},
		{name: "no ID", args: []string{"check"}, code: 2, stderr: []string{"give at least one phone number or email address", "usage: consent check"}},
		{name: "empty ID", args: []string{"check", "+38631234567", ""}, code: 2, stderr: []string{"argument 2 is empty"}},
		{name: "unknown region", args: []string{"check", "--region", "XX", "+1 201 555 0123"}, code: 2, stderr: []string{`--region: unknown region "XX"`}},
		{name: "unknown flag", args: []string{"check", "--nope", "+1"}, code: 2, stderr: []string{"unknown flag --nope\n", "usage: consent check"}},
		{name: "mistyped flag", args: []string{"check", "--jsn", "+1"}, code: 2, stderr: []string{"unknown flag --jsn; did you mean --json?", "usage: consent check"}},
		{name: "letters are reported and exit 2", args: []string{"check", "call me"}, code: 2,
			stdout: []string{"number    invalid", `letters are not part of a phone number`}, stderr: []string{"1 of 1 IDs is not a valid phone number or email address"}},
		{name: "one digit short", args: []string{"check", "+1 201 555 012"}, code: 2,
			stdout: []string{"(incomplete)", "probably United States (US)"}},
		{name: "invalid email", args: []string{"check", "Sarah <s@x.com>"}, code: 2, stdout: []string{"email     invalid: enter just the address"}},
		{name: "escape sequences in an ID never reach the terminal", args: []string{"check", "+1\x1b]52;c;aGk=\a787"}, code: 2,
			stdout: []string{"+1787"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{`unknown command "frobnicate"`, "the commands: check, "}},
		{name: "mistyped command", args: []string{"chekc"}, code: 2, stderr: []string{`unknown command "chekc"; did you mean check?`}},
		{name: "help", args: []string{"help"}, code: 0, stdout: []string{"consent check [--json] [--region CC] ID..."}},
		{name: "UI without a terminal names the subcommands", args: nil, code: 2, stderr: []string{"the UI needs a terminal", "consent check"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, t.TempDir(), tt.args...)
			if r.code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.ContainsAny(r.stdout+r.stderr, "\x1b\a") {
				t.Errorf("output carries a control character: %q", r.stdout+r.stderr)
			}
		})
	}
}

func TestCheckJSONLines(t *testing.T) {
	r := runIn(t, t.TempDir(), "check", "--json", "+38631234567", "+1787", "Sarah@Example.COM")
	if r.code != 2 { // +1787 is incomplete
		t.Errorf("exit code = %d, want 2", r.code)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON lines, got %d:\n%s", len(lines), r.stdout)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if len(first) != 4 || first["query"] != "+38631234567" || first["email"] != nil {
		t.Errorf("top-level object = %v", first)
	}
	if p, ok := first["profiles"].([]any); !ok || len(p) != 0 {
		t.Errorf("profiles = %#v, want []", first["profiles"])
	}
	phone := first["phone"].(map[string]any)
	wantKeys := []string{"input", "e164", "valid", "region", "country", "type", "sms_region_supported", "sms_eligible", "reason"}
	if len(phone) != len(wantKeys) {
		t.Errorf("phone has keys %v, want exactly %v", phone, wantKeys)
	}
	for _, k := range wantKeys {
		if _, ok := phone[k]; !ok {
			t.Errorf("phone lacks %q", k)
		}
	}
	if phone["region"] != "SI" || phone["country"] != "Slovenia" || phone["type"] != "MOBILE" ||
		phone["sms_region_supported"] != false || phone["sms_eligible"] != false || phone["e164"] != "+38631234567" {
		t.Errorf("phone = %v", phone)
	}
	var partial struct {
		Phone struct {
			Valid  bool   `json:"valid"`
			Region string `json:"region"`
			Reason string `json:"reason"`
		} `json:"phone"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &partial); err != nil {
		t.Fatal(err)
	}
	if partial.Phone.Valid || partial.Phone.Region != "" || !strings.Contains(partial.Phone.Reason, "Puerto Rico") {
		t.Errorf("+1787 = %+v", partial.Phone)
	}
	var email struct {
		Phone any `json:"phone"`
		Email struct {
			Input, Normalized string
			Valid             bool
		} `json:"email"`
	}
	if err := json.Unmarshal([]byte(lines[2]), &email); err != nil {
		t.Fatal(err)
	}
	if email.Phone != nil || !email.Email.Valid || email.Email.Normalized != "Sarah@example.com" || email.Email.Input != "Sarah@Example.COM" {
		t.Errorf("email line = %+v", email)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name   string
		config string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "default region", config: `default_region = "gb"`, args: []string{"check", "07400 123456"}, code: 0, stdout: "E.164 +447400123456"},
		{name: "--region beats the config", config: `default_region = "GB"`, args: []string{"check", "--region", "US", "201 555 0123"}, code: 0, stdout: "E.164 +12015550123"},
		{name: "account SMS countries", config: `sms_countries = ["SI"]`, args: []string{"check", "+38631234567"}, code: 0, stdout: "SMS       yes"},
		{name: "account SMS countries exclude the default ones", config: `sms_countries = ["SI"]`, args: []string{"check", "+1 201 555 0123"}, code: 0, stdout: "United States (+1 201) is not an SMS country"},
		{name: "malformed config names the line", config: "default_region = \"US\"\nsms_countries = [\"US\"\n", args: []string{"check", "+1"}, code: 2, stderr: "config.toml line 2: expected a comma"},
		{name: "unknown setting", config: `colour = "blue"`, args: []string{"check", "+1"}, code: 2, stderr: "unknown setting colour"},
		{name: "bad region in config", config: `default_region = "Narnia"`, args: []string{"check", "+1"}, code: 2, stderr: `default_region: unknown region "Narnia"`},
		{name: "bad SMS country", config: `sms_countries = ["US", "XX"]`, args: []string{"check", "+1"}, code: 2, stderr: `unknown region "XX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runIn(t, home, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stdout %q / stderr %q, want %q / %q", r.stdout, r.stderr, tt.stdout, tt.stderr)
			}
		})
	}
}
