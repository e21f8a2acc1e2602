// Package archtest holds the test that keeps the tree as ARCHITECTURE.md
// draws it.
package archtest

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

// root is the module's root, from this package's directory.
var root = filepath.Join("..", "..")

// layers are every package of the module (but test support and scripts)
// and what each may import of it: dependencies point one way, main → cli →
// ui → desk → journal → model, desk → client → model, sandbox → model;
// model imports nothing of the module, the client never the sandbox.
var layers = map[string][]string{
	".":                    {"internal/cli"},
	"internal/cli":         {"ui", "ui/accessible", "importer", "proof", "internal/sheet", "desk", "journal", "journal/pgjournal", "client", "model", "sandbox", "internal/backend", "internal/config", "internal/usage", "internal/privatefile", "internal/present"},
	"internal/backend":     {"desk", "journal", "journal/pgjournal", "client", "model", "sandbox", "internal/config", "internal/privatefile", "internal/usage"},
	"internal/config":      {"model", "internal/usage"},
	"internal/usage":       {},
	"internal/privatefile": {},
	"internal/present":     {"client", "model"},
	"internal/sheet":       {},
	"internal/sheetgen":    {},
	"internal/procstat":    {},
	"ui":                   {"importer", "proof", "internal/sheet", "desk", "journal", "client", "model", "internal/present"},
	"ui/accessible":        {"importer", "internal/sheet", "desk", "journal", "client", "model", "internal/present"},
	"importer":             {"desk", "journal", "client", "model", "internal/sheet"},
	"desk":                 {"journal", "client", "model"},
	"proof":                {"journal", "client", "model", "internal/present", "internal/usage"},
	"journal":              {"model", "internal/privatefile"},
	"journal/pgjournal":    {"journal", "model"},
	"client":               {"model"},
	"sandbox":              {"model", "internal/privatefile"},
	"model":                {},
	// Test support: a sandbox and a client on it, for other packages' tests.
	"sandbox/sandboxtest": {"client", "sandbox"},
	// A throwaway PostgreSQL cluster, for the team journal's tests.
	"internal/pgtest": {},
}

// TestDependencyDirection enforces the layers: a package that imports what
// its layer may not fails, and so does one of the layers that is missing or
// renamed (its rule would guard nothing).
func TestDependencyDirection(t *testing.T) {
	for dir, ok := range layers {
		imports, found := moduleImports(t, dir)
		if !found {
			if dir == "internal/present" {
				continue // not yet written
			}
			t.Errorf("package %s is missing: ARCHITECTURE.md and this test name it (renamed? update both)", dir)
			continue
		}
		for _, imp := range imports {
			if !slices.Contains(ok, imp) {
				t.Errorf("package %s imports %s: dependencies must point main → cli → ui → desk → journal/client → model", dir, imp)
			}
		}
	}
}

// TestEveryPackageHasALayer: a new package must be given its place.
func TestEveryPackageHasALayer(t *testing.T) {
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case strings.HasPrefix(d.Name(), ".") && rel != ".", d.Name() == "testdata":
			return filepath.SkipDir
		case strings.HasPrefix(rel, "scripts"), rel == "internal/apispec", rel == "internal/screentest",
			rel == "internal/startupbaseline", rel == "internal/archtest":
			return nil // test support and tools
		}
		if _, found := moduleImports(t, rel); found {
			if _, ok := layers[filepath.ToSlash(rel)]; !ok {
				t.Errorf("package %s has no layer in arch_test.go: give it one, and a line in ARCHITECTURE.md", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// moduleImports lists the module-internal packages that dir's non-test
// files import, relative to the module root; found is false when dir holds
// no Go package.
func moduleImports(t *testing.T, dir string) (imports []string, found bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		found = true
		parsed, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range parsed.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if rel, ok := strings.CutPrefix(path, modulePath+"/"); ok && !slices.Contains(imports, rel) {
				imports = append(imports, rel)
			}
		}
	}
	return imports, found
}
