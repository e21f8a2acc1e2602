package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the .txtar specs in testdata/script: the README's
// console sessions, command by command, against the embedded sandbox in a
// fresh home each.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("CONSENT_HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("KLAVIYO_API_KEY", "")
			// Human output shows times in the local zone: the specs
			// (and the README's sessions) are written in UTC.
			env.Setenv("TZ", "UTC")
			return nil
		},
	})
}

// readmeOnly are the README's commands no spec runs, and why.
var readmeOnly = map[string]string{
	"consent sandbox serve --addr 127.0.0.1:0 --latency 200ms --fail-rate 0.2 --throttle-rate 0.1": "serves until interrupted: TestBinarySandboxServe",
	"source <(consent completion bash)":                                                         "a shell's own: the spec runs consent completion bash",
	`consent completion zsh > "${fpath[1]}/_consent"`:                                           "a shell's own: the spec runs consent completion zsh",
	"consent history retry 20261126-142451-f39f0d2e":                                            "an example id: the spec retries by --all",
	`consent history dismiss 20261126-142451-f39f0d2e --note "typo in the address, re-entered"`: "an example id: TestARefusalLeavesNothingToRetryAndDismissPutsAnEntryToRest",
}

// TestReadmeSessionsAreSpecs: every `$ consent …` command of the README's
// console sessions is run by a spec (or said why not), so the README's
// examples and the tests cannot drift apart.
func TestReadmeSessionsAreSpecs(t *testing.T) {
	specs := specCommands(t)
	for _, cmd := range readmeCommands(t) {
		if _, ok := readmeOnly[cmd]; ok {
			continue
		}
		if !specs[words(cmd)] {
			t.Errorf("README runs %q, which no spec in testdata/script does: add it to one", cmd)
		}
	}
}

// readmeCommands are the commands of the README's console blocks, without
// their prompts and comments; "# or: …" alternatives count too.
func readmeCommands(t *testing.T) []string {
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	inConsole := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```console"):
			inConsole = true
		case strings.HasPrefix(line, "```"):
			inConsole = false
		case inConsole && strings.HasPrefix(line, "$ "):
			cmd, comment, _ := strings.Cut(strings.TrimPrefix(line, "$ "), "  #")
			out = append(out, strings.TrimSpace(cmd))
			if alt, ok := strings.CutPrefix(strings.TrimSpace(comment), "or: "); ok {
				out = append(out, strings.TrimSpace(alt))
			}
		}
	}
	return out
}

// specCommands are the consent commands the specs run, as words.
func specCommands(t *testing.T) map[string]bool {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	out := map[string]bool{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			line = strings.TrimPrefix(line, "! ")
			if rest, ok := strings.CutPrefix(line, "exec consent"); ok {
				out[words("consent"+rest)] = true
			}
		}
	}
	return out
}

// words is a command line split as a shell would (its quotes, '…' or
// "…", removed), joined by single spaces: the README's and a spec's
// spelling of one command compare equal.
func words(cmd string) string {
	var out []string
	var cur strings.Builder
	quote, inWord := rune(0), false
	for _, r := range cmd {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return strings.Join(out, " ")
}
