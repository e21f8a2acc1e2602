package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func keys(m any) []string {
	var ks []string
	for k := range m.(map[string]any) {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// synthetic returns a document with every kept operation, one extra
// operation and path, and a chain of component references.
func synthetic(t *testing.T) map[string]any {
	t.Helper()
	paths := map[string]any{
		"/api/other": map[string]any{"get": map[string]any{"responses": map[string]any{"200": map[string]any{"$ref": "#/components/responses/Unused"}}}},
	}
	for p, methods := range operations {
		item := map[string]any{
			"parameters": []any{map[string]any{"$ref": "#/components/parameters/Revision"}},
			"delete":     map[string]any{"responses": map[string]any{"200": map[string]any{"$ref": "#/components/responses/Unused"}}},
		}
		for _, m := range methods {
			item[m] = map[string]any{
				"tags":      []any{"Profiles"},
				"responses": map[string]any{"200": map[string]any{"$ref": "#/components/responses/OK"}},
			}
		}
		paths[p] = item
	}
	raw, err := json.Marshal(map[string]any{
		"openapi":  "3.0.2",
		"info":     map[string]any{"title": "t", "version": "2026-07-15"},
		"servers":  []any{map[string]any{"url": "https://a.klaviyo.com"}},
		"security": []any{map[string]any{"Key": []any{}}},
		"x-readme": map[string]any{"explorer-enabled": false},
		"tags":     []any{map[string]any{"name": "Profiles"}, map[string]any{"name": "Campaigns"}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"Key": map[string]any{"type": "apiKey"}, "Other": map[string]any{"type": "http"}},
			"parameters":      map[string]any{"Revision": map[string]any{"name": "revision", "in": "header", "schema": map[string]any{"type": "string"}}},
			"responses": map[string]any{
				"OK":     map[string]any{"content": map[string]any{"application/vnd.api+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/A"}}}},
				"Unused": map[string]any{"description": "x"},
			},
			"schemas": map[string]any{
				"A":      map[string]any{"properties": map[string]any{"b": map[string]any{"$ref": "#/components/schemas/B"}, "n": map[string]any{"maximum": json.Number("1.50")}}},
				"B":      map[string]any{"items": map[string]any{"$ref": "#/components/schemas/C~1D"}},
				"C/D":    map[string]any{"description": "<html> & stuff"},
				"Unused": map[string]any{"$ref": "#/components/schemas/A"},
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, raw)
}

func TestExtractKeepsOperationsAndReferencedComponents(t *testing.T) {
	out, err := extract(synthetic(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(out), []string{"components", "info", "openapi", "paths", "security", "servers", "tags"}; !slices.Equal(got, want) {
		t.Errorf("top-level keys %v, want %v", got, want)
	}
	paths := out["paths"].(map[string]any)
	if len(paths) != len(operations) {
		t.Errorf("%d paths, want %d: %v", len(paths), len(operations), keys(paths))
	}
	for p, methods := range operations {
		want := append([]string{"parameters"}, methods...)
		slices.Sort(want)
		if got := keys(paths[p]); !slices.Equal(got, want) {
			t.Errorf("%s: keys %v, want %v", p, got, want)
		}
	}
	comp := out["components"].(map[string]any)
	for kind, want := range map[string][]string{
		"schemas":         {"A", "B", "C/D"},
		"responses":       {"OK"},
		"parameters":      {"Revision"},
		"securitySchemes": {"Key"},
	} {
		if got := keys(comp[kind]); !slices.Equal(got, want) {
			t.Errorf("components.%s = %v, want %v", kind, got, want)
		}
	}
	if tags := out["tags"].([]any); len(tags) != 1 || tags[0].(map[string]any)["name"] != "Profiles" {
		t.Errorf("tags = %v, want only Profiles", tags)
	}

	data, err := encode(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"maximum": 1.50`, `"<html> & stuff"`, "\n  \"components\": {\n"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Error("output lacks trailing newline")
	}
}

func TestExtractFailsOnMissingOperationOrRef(t *testing.T) {
	doc := synthetic(t)
	delete(doc["paths"].(map[string]any)["/api/lists"].(map[string]any), "get")
	if _, err := extract(doc); err == nil {
		t.Error("missing operation: no error")
	}

	doc = synthetic(t)
	delete(doc["components"].(map[string]any)["schemas"].(map[string]any), "B")
	if _, err := extract(doc); err == nil {
		t.Error("dangling $ref: no error")
	}
}

// TestCommittedSubset checks that the committed subset is a fixed point of the
// extractor: it holds every kept operation and every component they reference,
// and it is formatted exactly as the extractor writes it.
func TestCommittedSubset(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "openapi", "klaviyo-2026-07-15-subset.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := extract(decode(t, raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := encode(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, raw) {
		t.Errorf("%s is not what extract-spec writes for it; rerun go run ./scripts/extract-spec", path)
	}
}
