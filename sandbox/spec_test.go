package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/consentdesk/consent/internal/apispec"
)

// TestRefusalsMatchSpec validates the sandbox's answers to hostile
// requests (text that is not UTF-8, huge ids and keys) against Klaviyo's
// spec: each is a JSON:API error document of a status the operation
// declares.
func TestRefusalsMatchSpec(t *testing.T) {
	spec, err := apispec.New()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := openSeeded(t, Options{JobDelay: -1})
	hc := &http.Client{Transport: s.Transport()}
	tests := []struct {
		name, method, path, body string
		status                   int
		revision                 string // testRevision if empty
	}{
		{"email not UTF-8", "POST", subscribePath, jobWith(`"Desk"`, emailProfile("\"ann\xff@example.com\"")), 400, ""},
		{"half a surrogate pair", "POST", subscribePath, jobWith(`"Desk \udc00"`, emailProfile(`"ann@example.com"`)), 400, ""},
		{"key not UTF-8", "POST", unsubscribePath, `{"data":{"type":"profile-subscription-bulk-delete-job","` + "\xff" + `":1}}`, 400, ""},
		{"huge key", "POST", subscribePath, `{"data":{"` + strings.Repeat("k", 3<<20) + `":1}}`, 400, ""},
		{"filter not UTF-8", "GET", "/api/profiles?filter=" + urlQueryEscape("equals(email,\"\xff\")"), "", 400, ""},
		{"members parameter not UTF-8", "GET", "/api/lists/Y6nRLr/profiles?page%5Bsize%5D=%FF", "", 400, ""},
		{"unnamed parameter not UTF-8", "GET", "/api/lists?=%FF", "", 400, ""},
		{"huge list id", "GET", "/api/lists/" + strings.Repeat("i", 100_000), "", 404, ""},
		{"huge profile id", "GET", "/api/profiles/" + strings.Repeat("i", 100_000) + "/lists", "", 404, ""},
		{"unpublished revision", "GET", "/api/lists", "", 404, "2099-01-01"},
		{"retired revision", "GET", "/api/profiles", "", 410, "2024-10-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, "http://sandbox.test"+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Klaviyo-API-Key pk_spec_test")
			req.Header.Set("revision", testRevision)
			if tt.revision != "" {
				req.Header.Set("revision", tt.revision)
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", contentType)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if err := spec.ValidateResponse(req, []byte(tt.body), resp.StatusCode, resp.Header, body); err != nil {
				t.Errorf("the answer violates Klaviyo's spec: %v\n%.300s", err, body)
			}
			checkBoundedErrors(t, body, maxErrorBody)
		})
	}
}
