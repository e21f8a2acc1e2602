package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestStartSeedDemoRequestsWait: with the demo seeded in the background
// (the UI's first start), a request made at once waits for the seed and
// sees every list, never an empty account.
func TestStartSeedDemoRequestsWait(t *testing.T) {
	s, err := Open(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.StartSeedDemo(context.Background())
	defer s.Close()
	req, _ := http.NewRequest(http.MethodGet, "http://sandbox.invalid/api/lists", nil)
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_seed_test")
	req.Header.Set("revision", "2026-07-15")
	resp, err := (&http.Client{Transport: s.Transport()}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != 200 || len(doc.Data) != 10 {
		t.Errorf("status %d, %d lists on the first page (want 10): %s", resp.StatusCode, len(doc.Data), body)
	}
}
