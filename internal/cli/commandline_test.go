package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/consentdesk/consent/sandbox"
)

// runEnv runs a command line in this process with vars as the whole
// environment (CONSENT_HOME and HOME default to a new directory) and no
// terminal but, with stderrTerminal, a terminal on stderr.
func runEnv(t *testing.T, vars map[string]string, stderrTerminal bool, args ...string) runResult {
	t.Helper()
	all := map[string]string{}
	for k, v := range vars {
		all[k] = v
	}
	if all["CONSENT_HOME"] == "" {
		all["CONSENT_HOME"] = t.TempDir()
	}
	if all["HOME"] == "" {
		all["HOME"] = all["CONSENT_HOME"]
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, env{
		stdin:            strings.NewReader(""),
		stdout:           &out,
		stderr:           &errOut,
		getenv:           func(k string) string { return all[k] },
		isTerminal:       func() bool { return false },
		stderrIsTerminal: func() bool { return stderrTerminal },
	})
	return runResult{code, out.String(), errOut.String()}
}

// TestHelpOfEveryCommand: --help and -h print, on stdout with exit 0, the
// command's synopsis and every flag it takes, each with its description;
// consent help COMMAND prints the same.
func TestHelpOfEveryCommand(t *testing.T) {
	api := []string{"--api-key KEY", "--account NAME"}
	channels := []string{"--list LIST", "--email E", "--phone P", "--email-marketing", "--sms-marketing", "--sms-transactional", "--region CC", "--json", "--wait duration"}
	tests := []struct {
		path     []string
		synopsis string
		flags    []string
	}{
		{nil, "consent [--accessible] [--api-key KEY] [--account NAME]", append([]string{"--version", "--accessible", "CONSENT_ACCESSIBLE=1", "consent check [--json] [--region CC] ID...", "consent completion bash|zsh|fish|powershell"}, api...)},
		{[]string{"check"}, "consent check [--json] [--region CC] ID...", append([]string{"--json", "--region CC"}, api...)},
		{[]string{"subscribe"}, "consent subscribe --list LIST [--email E]", append(append([]string{"--source TEXT"}, channels...), api...)},
		{[]string{"unsubscribe"}, "consent unsubscribe [--list LIST] [--email E]", append(channels, api...)},
		{[]string{"lists"}, "consent lists [--counts] [--json]", append([]string{"--counts", "--json"}, api...)},
		{[]string{"members"}, "consent members LIST [--json] [--fields F,...] [--limit N]", append([]string{"--json", "--fields F,...", "--limit N"}, api...)},
		{[]string{"history"}, "consent history [--agent NAME] [--since WHEN] [--person EMAIL|PHONE] [--state STATE] [--account A] [--json]", []string{"--json", "retry", "dismiss", "verify", "export", "migrate", "--agent NAME", "--since WHEN"}},
		{[]string{"history", "verify"}, "consent history verify", []string{"hash chain"}},
		{[]string{"history", "export"}, "consent history export [--format csv|jsonl]", []string{"--format csv", "--person EMAIL|PHONE"}},
		{[]string{"history", "migrate"}, "consent history migrate --to postgres://…", []string{"--to URL"}},
		{[]string{"sandbox", "stop"}, "consent sandbox stop [--db FILE] [--carrier] PHONE", []string{"--carrier", "--db FILE"}},
		{[]string{"history", "retry"}, "consent history retry (ID... | --all | --resend ID...) [--wait D] [--yes] [--json]", append([]string{"--all", "--resend", "--yes", "--wait duration", "--json"}, api...)},
		{[]string{"history", "dismiss"}, "consent history dismiss ID --note TEXT", []string{"--note TEXT"}},
		{[]string{"sandbox"}, "consent sandbox serve|load", []string{"serve", "load"}},
		{[]string{"sandbox", "serve"}, "consent sandbox serve [--addr 127.0.0.1:0] [--db FILE]", []string{"--addr address", "--db FILE", "--latency D", "--fail-rate F", "--throttle-rate F", "--rate-limit on|off"}},
		{[]string{"sandbox", "load"}, "consent sandbox load --db FILE --list NAME --members N", []string{"--db FILE", "--list NAME", "--members N"}},
		{[]string{"completion"}, "consent completion bash|zsh|fish|powershell", []string{"source <(consent completion bash)"}},
		{[]string{"help"}, "consent help [COMMAND...]", nil},
	}
	for _, tt := range tests {
		for _, form := range [][]string{{"--help"}, {"-h"}, append([]string{"help"}, tt.path...)} {
			args := append(append([]string(nil), tt.path...), form...)
			if form[0] == "help" {
				args = form
			}
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := runEnv(t, nil, false, args...)
				if r.code != 0 || r.stderr != "" {
					t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
				}
				if !strings.Contains(r.stdout, "Usage:\n  "+tt.synopsis) {
					t.Errorf("stdout lacks the synopsis %q:\n%s", tt.synopsis, r.stdout)
				}
				for _, f := range append(tt.flags, "-h, --help", "Exit codes: 0 done, 1 the API or the network failed, 2 bad input or usage") {
					if !strings.Contains(r.stdout, f) {
						t.Errorf("stdout lacks %q:\n%s", f, r.stdout)
					}
				}
				for _, line := range strings.Split(r.stdout, "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), "--") && len(strings.Fields(line)) < 2 {
						t.Errorf("a flag without its description: %q", line)
					}
					if strings.HasSuffix(line, " ") {
						t.Errorf("trailing space in %q", line)
					}
				}
				if strings.ContainsAny(r.stdout, "\x1b") {
					t.Errorf("an escape sequence in help sent to a pipe: %q", r.stdout)
				}
			})
		}
	}
}

// TestHelpOfWhatDoesNotExist: help for a command that does not exist is
// bad usage, with a suggestion.
func TestHelpOfWhatDoesNotExist(t *testing.T) {
	r := runEnv(t, nil, false, "help", "histroy")
	if r.code != 2 || !strings.Contains(r.stderr, `consent help: unknown command "histroy"; did you mean history?`) || r.stdout != "" {
		t.Errorf("exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-v"}} {
		r := runEnv(t, nil, false, args...)
		if r.code != 0 || r.stdout != "consent "+version()+"\n" || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"a tagged module", debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"a commit", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0a3cf0d1e2f3a4b5c6d7e8f9"}, {Key: "vcs.time", Value: "2026-11-26T13:04:16Z"}}},
			"commit 0a3cf0d1e2f3 of 2026-11-26T13:04:16Z"},
		{"a commit with changes", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0a3cf0d"}, {Key: "vcs.modified", Value: "true"}}}, "commit 0a3cf0d + changes"},
		{"nothing known", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	}
	for _, tt := range tests {
		if got := versionOf(&tt.info); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestBinaryVersionAndHelp: the built binary says its version and its
// help on stdout, exit 0.
func TestBinaryVersionAndHelp(t *testing.T) {
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + t.TempDir()}, "--version")
	if code != 0 || !strings.HasPrefix(string(out), "consent ") || len(errOut) > 0 {
		t.Errorf("--version: exit %d %q %q", code, out, errOut)
	}
	out, errOut, code = runBinary(t, []string{"CONSENT_HOME=" + t.TempDir()}, "members", "--help")
	if code != 0 || !strings.Contains(string(out), "--limit N") || len(errOut) > 0 {
		t.Errorf("members --help: exit %d %q %q", code, out, errOut)
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		t.Run(shell, func(t *testing.T) {
			r := runEnv(t, nil, false, "completion", shell)
			if r.code != 0 || len(r.stdout) < 1000 || !strings.Contains(r.stdout, "consent") || r.stderr != "" {
				t.Errorf("exit %d, %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
			}
		})
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		if r := runEnv(t, nil, false, args...); r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "bash, zsh, fish, powershell") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestCompletionOfListIDs: members LIST and --list complete with the
// lists' ids (their names as descriptions); on any error there are none,
// and nothing is said on stderr; a sandbox is not created for it.
func TestCompletionOfListIDs(t *testing.T) {
	home := sandboxHome(t)
	for _, args := range [][]string{{"__complete", "members", ""}, {"__complete", "subscribe", "--email", "x@example.com", "--list", ""}, {"__complete", "members", "Y6"}} {
		r := runEnv(t, map[string]string{"CONSENT_HOME": home}, false, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Y6nRLr\tNewsletter\n") || !strings.HasSuffix(r.stdout, ":4\n") || r.stderr != "" {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := runEnv(t, map[string]string{"CONSENT_HOME": home}, false, "__complete", "members", "Y6nRLr", ""); r.stdout != ":4\n" {
		t.Errorf("a second list argument was completed: %q", r.stdout)
	}

	fresh := t.TempDir()
	if r := runEnv(t, map[string]string{"CONSENT_HOME": fresh}, false, "__complete", "members", ""); r.stdout != ":4\n" || r.stderr != "" {
		t.Errorf("no sandbox yet: stdout %q stderr %q", r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(fresh, sandboxDBFile)); err == nil {
		t.Error("completion created a sandbox")
	}

	var requests atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer failing.Close()
	r := runEnv(t, map[string]string{"KLAVIYO_API_KEY": "pk_completion_test", "KLAVIYO_API_URL": failing.URL}, false, "__complete", "members", "")
	if r.code != 0 || r.stdout != ":4\n" || r.stderr != "" || requests.Load() != 1 {
		t.Errorf("Klaviyo refusing: exit %d, %d requests, stdout %q, stderr %q", r.code, requests.Load(), r.stdout, r.stderr)
	}
}

// TestDoubleDashEndsFlags: after --, what looks like a flag is an
// argument.
func TestDoubleDashEndsFlags(t *testing.T) {
	r := runEnv(t, nil, false, "check", "--", "--json")
	if r.code != 2 || !strings.HasPrefix(r.stdout, "--json\n  number    invalid") || strings.Contains(r.stdout, "{") {
		t.Errorf("check -- --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runEnv(t, nil, false, "check", "--json", "--", "+38631234567")
	if r.code != 0 || !strings.HasPrefix(r.stdout, `{"query":"+38631234567"`) {
		t.Errorf("check --json -- +386…: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runEnv(t, nil, false, "--", "check")
	if r.code != 2 || !strings.Contains(r.stderr, `consent: unexpected argument "check": the command's name goes before --`) {
		t.Errorf("consent -- check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runEnv(t, nil, false, "history", "dismiss", "--note", "n", "--", "--all")
	if r.code != 2 || !strings.Contains(r.stderr, "entry --all is not in the journal") {
		t.Errorf("history dismiss -- --all: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSuggestions: a mistyped command or flag is bad usage (exit 2) that
// names the nearest one, on one line a person reads first.
func TestSuggestions(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"membres", "Y6nRLr"}, `consent: unknown command "membres"; did you mean members?` + "\nthe commands: check, completion, history, import, lists, members, proof, sandbox, subscribe, unsubscribe (see consent --help)\n"},
		{[]string{"history", "rety"}, `consent history: unknown command "rety" for consent history; did you mean retry?`},
		{[]string{"sandbox", "srve"}, `consent sandbox: unknown command "srve" for consent sandbox; did you mean serve?`},
		{[]string{"members", "Y6nRLr", "--limt", "3"}, "consent members: unknown flag --limt; did you mean --limit?\nusage: consent members LIST [--json] [--fields F,...] [--limit N]\n"},
		{[]string{"subscribe", "--sms-marketting"}, "unknown flag --sms-marketting; did you mean --sms-marketing?"},
		{[]string{"lists", "--acount", "x"}, "unknown flag --acount; did you mean --account?"},
		{[]string{"lists", "--frobnicate"}, "consent lists: unknown flag --frobnicate\nusage: consent lists [--counts] [--json]\n"},
		{[]string{"lists", "-x"}, "consent lists: unknown flag -x\n"},
		{[]string{"members", "Y6nRLr", "--limit"}, "consent members: --limit needs a value\n"},
		{[]string{"sandbox", "serve", "--fail-rate", "lots"}, `consent sandbox: invalid value "lots" for --fail-rate: give a number, such as 0.2`},
		{[]string{"lists", "extra"}, "consent lists: unexpected argument \"extra\"\nusage: consent lists [--counts] [--json]\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runEnv(t, nil, false, tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("exit %d (want 2)\nstderr %q\nwant   %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestPersistentFlagsBeforeTheCommand: --api-key and --account go before
// or after the command's name.
func TestPersistentFlagsBeforeTheCommand(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/vnd.api+json")
		if strings.HasSuffix(r.URL.Path, "/profiles") {
			w.Write([]byte(`{"data":[],"links":{"next":null}}`))
			return
		}
		w.Write([]byte(`{"data":[{"type":"list","id":"Y6nRLr","attributes":{"name":"Newsletter","opt_in_process":"single_opt_in"}}],"links":{"next":null}}`))
	}))
	defer srv.Close()
	home := t.TempDir()
	config := "[accounts.us-shop]\nkey = \"pk_us_shop_key\"\n"
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"CONSENT_HOME": home, "KLAVIYO_API_URL": srv.URL}
	tests := []struct {
		args []string
		key  string
	}{
		{[]string{"--account", "us-shop", "lists"}, "pk_us_shop_key"},
		{[]string{"lists", "--account", "us-shop"}, "pk_us_shop_key"},
		{[]string{"--account=us-shop", "lists", "--json"}, "pk_us_shop_key"},
		{[]string{"--api-key", "pk_flag_key_1", "lists"}, "pk_flag_key_1"},
		{[]string{"--api-key", "pk_flag_key_2", "--account", "us-shop", "members", "--limit", "1", "Y6nRLr"}, "pk_flag_key_2"},
	}
	for _, tt := range tests {
		seen.Store("")
		r := runEnv(t, vars, false, tt.args...)
		if got, _ := seen.Load().(string); r.code != 0 || got != "Klaviyo-API-Key "+tt.key {
			t.Errorf("%v: exit %d, key %q, want %q\n%s", tt.args, r.code, got, tt.key, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, tt.key) {
			t.Errorf("%v: the key was printed", tt.args)
		}
	}
	if r := runEnv(t, vars, false, "--account", "nope", "lists"); r.code != 2 || !strings.Contains(r.stderr, "nope") {
		t.Errorf("an unknown account: exit %d %s", r.code, r.stderr)
	}
}

// TestBinaryAccountBeforeSubscribe: `consent --account us-shop subscribe …`
// subscribes with the account's key, as the built binary.
func TestBinaryAccountBeforeSubscribe(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("[accounts.us-shop]\nkey = \"pk_us_shop_key\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL, "KLAVIYO_API_KEY="},
		"--account", "us-shop", "subscribe", "--list", "Newsletter", "--email", "account.first@example.com", "--email-marketing", "--wait", "20s")
	if code != 0 || !strings.Contains(string(out), "list Newsletter (Y6nRLr, single opt-in)") || !strings.Contains(string(out), "✓ verified SUBSCRIBED") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
