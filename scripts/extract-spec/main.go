// Command extract-spec cuts the operations Consent Desk uses out of Klaviyo's
// published OpenAPI document, together with every component they reference
// (transitively), and writes them as a small, deterministic JSON file that
// the contract tests in internal/apispec load.
//
// Run it from the module root:
//
//	go run ./scripts/extract-spec [-in ../shared/klaviyo/openapi/stable.json] [-out testdata/openapi/klaviyo-2026-07-15-subset.json]
//
// The output has sorted keys, 2-space indentation and a trailing newline, so
// rerunning it on the same input produces a byte-identical file. Numbers are
// copied verbatim (json.Number), and HTML characters are not escaped.
//
// Kept from the top level: openapi, info, servers, security, paths (only the
// operations below), components (only what is referenced) and the tags entries
// named by kept operations. Everything else (x-readme, unused tags, other
// paths and components) is dropped.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// operations lists the kept operations as path -> lower-case methods.
var operations = map[string][]string{
	"/api/lists":                                 {"get"},
	"/api/lists/{id}":                            {"get"},
	"/api/lists/{id}/profiles":                   {"get"},
	"/api/profiles":                              {"get"},
	"/api/profiles/{id}":                         {"get"},
	"/api/profiles/{id}/lists":                   {"get"},
	"/api/profile-subscription-bulk-create-jobs": {"post"},
	"/api/profile-subscription-bulk-delete-jobs": {"post"},
}

// httpMethods are the path-item keys that hold operations; every other key of
// a path item (parameters, summary, servers, ...) is kept as is.
var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

func main() {
	in := flag.String("in", "../shared/klaviyo/openapi/stable.json", "full Klaviyo OpenAPI document")
	out := flag.String("out", "testdata/openapi/klaviyo-2026-07-15-subset.json", "subset to write")
	flag.Parse()

	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "extract-spec:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}

	subset, err := extract(doc)
	if err != nil {
		return err
	}
	data, err := encode(subset)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", out, len(data))
	return nil
}

// extract builds the subset document from the full one.
func extract(doc map[string]any) (map[string]any, error) {
	subset := map[string]any{}
	for _, k := range []string{"openapi", "info", "servers", "security"} {
		v, ok := doc[k]
		if !ok {
			return nil, fmt.Errorf("input has no top-level %q", k)
		}
		subset[k] = v
	}

	allPaths, ok := doc["paths"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("input has no paths object")
	}
	paths := map[string]any{}
	usedTags := map[string]bool{}
	for path, methods := range operations {
		item, ok := allPaths[path].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("path %s not found in input", path)
		}
		kept := map[string]any{}
		for k, v := range item {
			if !httpMethods[k] {
				kept[k] = v
			}
		}
		for _, m := range methods {
			op, ok := item[m].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("operation %s %s not found in input", strings.ToUpper(m), path)
			}
			kept[m] = op
			if tags, ok := op["tags"].([]any); ok {
				for _, t := range tags {
					if s, ok := t.(string); ok {
						usedTags[s] = true
					}
				}
			}
		}
		paths[path] = kept
	}
	subset["paths"] = paths

	components, err := collectComponents(doc, subset)
	if err != nil {
		return nil, err
	}
	if len(components) > 0 {
		subset["components"] = components
	}

	if tags, ok := doc["tags"].([]any); ok {
		var keptTags []any
		for _, t := range tags {
			if m, ok := t.(map[string]any); ok {
				if name, _ := m["name"].(string); usedTags[name] {
					keptTags = append(keptTags, t)
				}
			}
		}
		if len(keptTags) > 0 {
			subset["tags"] = keptTags
		}
	}
	return subset, nil
}

// collectComponents follows every "#/components/..." $ref reachable from the
// subset (and from the referenced components themselves) and returns the
// components object holding exactly those entries. The security schemes named
// by security requirements are referenced by name, not by $ref, so they are
// added explicitly.
func collectComponents(doc, subset map[string]any) (map[string]any, error) {
	all, _ := doc["components"].(map[string]any)
	out := map[string]any{}
	seen := map[string]bool{}
	var queue []any

	add := func(kind, name string) error {
		key := kind + "/" + name
		if seen[key] {
			return nil
		}
		seen[key] = true
		section, _ := all[kind].(map[string]any)
		v, ok := section[name]
		if !ok {
			return fmt.Errorf("unresolved reference #/components/%s", key)
		}
		dst, _ := out[kind].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
			out[kind] = dst
		}
		dst[name] = v
		queue = append(queue, v)
		return nil
	}

	// Security schemes named by the global and per-operation requirements.
	var reqs []any
	if s, ok := subset["security"].([]any); ok {
		reqs = append(reqs, s...)
	}
	for _, item := range subset["paths"].(map[string]any) {
		for k, op := range item.(map[string]any) {
			if !httpMethods[k] {
				continue
			}
			if s, ok := op.(map[string]any)["security"].([]any); ok {
				reqs = append(reqs, s...)
			}
		}
	}
	for _, r := range reqs {
		if m, ok := r.(map[string]any); ok {
			for name := range m {
				if err := add("securitySchemes", name); err != nil {
					return nil, err
				}
			}
		}
	}

	queue = append(queue, subset["paths"])
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		var refs []string
		collectRefs(v, &refs)
		slices.Sort(refs)
		for _, ref := range refs {
			const prefix = "#/components/"
			if !strings.HasPrefix(ref, prefix) {
				return nil, fmt.Errorf("unsupported $ref %q (only local #/components/ references are handled)", ref)
			}
			kind, name, ok := strings.Cut(strings.TrimPrefix(ref, prefix), "/")
			if !ok || strings.Contains(name, "/") {
				return nil, fmt.Errorf("unsupported $ref %q", ref)
			}
			if err := add(kind, unescapePointer(name)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// collectRefs appends the value of every "$ref" key found in v.
func collectRefs(v any, refs *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if s, ok := c.(string); ok && k == "$ref" {
				*refs = append(*refs, s)
				continue
			}
			collectRefs(c, refs)
		}
	case []any:
		for _, c := range v {
			collectRefs(c, refs)
		}
	}
}

// unescapePointer decodes one JSON Pointer reference token (RFC 6901).
func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// encode marshals v with sorted keys (encoding/json sorts map keys), 2-space
// indentation, no HTML escaping and a trailing newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
