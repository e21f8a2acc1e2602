package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
)

// TestStartSeedDemoRequestsWait: with the demo seeded in the background
// (the UI's first start), a request made at once waits for the seed and
// sees every list, never an empty account.
//
// The seed is held (the database's one connection is the test's) until
// the request has been made and is blocked, so the request always comes
// while the seed is under way: the test never depends on which of the two
// is faster. In the bubble, synctest.Wait returns once both are blocked;
// the pool's count of waits for a connection then says which one is
// waiting for the database (the seed) and which for the seed (the request).
func TestStartSeedDemoRequestsWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		s, err := Open(ctx, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.db.SetMaxOpenConns(1)
		held, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close() // on a failure, so that the seed and Close end
		s.StartSeedDemo(ctx)

		type answer struct {
			status int
			body   []byte
			err    error
		}
		answered := make(chan answer, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodGet, "http://sandbox.invalid/api/lists", nil)
			req.Header.Set("Authorization", "Klaviyo-API-Key pk_seed_test")
			req.Header.Set("revision", "2026-07-15")
			resp, err := (&http.Client{Transport: s.Transport()}).Do(req)
			if err != nil {
				answered <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			answered <- answer{status: resp.StatusCode, body: body, err: err}
		}()
		synctest.Wait()

		select {
		case a := <-answered:
			t.Fatalf("answered while the seed could not have finished: %d %s %v", a.status, a.body, a.err)
		default:
		}
		if n := s.db.Stats().WaitCount; n != 1 {
			t.Fatalf("%d waits for a database connection, want 1 (the seed's): the request did not wait for the seed", n)
		}

		if err := held.Close(); err != nil { // the seed goes on
			t.Fatal(err)
		}
		a := <-answered
		if a.err != nil {
			t.Fatal(a.err)
		}
		var doc struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(a.body, &doc); err != nil || a.status != 200 || len(doc.Data) != 10 {
			t.Errorf("status %d, %d lists on the first page (want 10): %s", a.status, len(doc.Data), a.body)
		}
	})
}
