package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/consentdesk/consent"

// TestDependencyDirection enforces ARCHITECTURE.md: main → ui → journal →
// client → model, sandbox → model, and model imports nothing of this module.
func TestDependencyDirection(t *testing.T) {
	allowed := map[string][]string{
		"model":   {},
		"client":  {"model"},
		"sandbox": {"model", "internal/privatefile"},
		// Files of personal data: opened never through a link, never shared.
		"internal/privatefile": {},
		// Test support: a sandbox and a client on it, for other packages' tests.
		"sandbox/sandboxtest": {"client", "sandbox"},
		"journal":             {"model", "internal/privatefile"},
		"desk":                {"journal", "client", "model"},
		"ui":                  {"desk", "journal", "client", "model"},
	}
	for dir, ok := range allowed {
		for _, imp := range moduleImports(t, dir) {
			if !slices.Contains(ok, imp) {
				t.Errorf("package %s imports %s: dependencies must point main → ui → journal → client → model", dir, imp)
			}
		}
	}
}

// moduleImports lists the module-internal packages that dir's non-test files
// import, relative to the module root.
func moduleImports(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if _, err := os.Stat(dir); err != nil {
		return nil // a layer that does not exist yet imports nothing
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range parsed.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if rel, ok := strings.CutPrefix(path, modulePath+"/"); ok {
				out = append(out, rel)
			}
		}
	}
	return out
}
