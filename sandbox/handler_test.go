package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestAuthentication(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	for name, c := range clients(t, s) {
		for _, tc := range []struct {
			header string
			status int
		}{
			{"", 401},
			{"Bearer abc", 401},
			{"Klaviyo-API-Key", 401},
			{"Klaviyo-API-Key ", 401},
			{"Klaviyo-API-Key pk_", 401},
			{"Klaviyo-API-Key sk_abc", 401},
			{"klaviyo-api-key pk_abc", 401},
			{"Klaviyo-API-Key pk_abc def", 401},
			{"Klaviyo-API-Key pk_abc", 200},
			{"Klaviyo-API-Key pk_0123456789abcdef0123456789abcdef01", 200},
		} {
			r := c.request("GET", "/api/lists", nil, map[string]string{"Authorization": tc.header})
			if r.status != tc.status {
				t.Errorf("%s: Authorization %q: status %d, want %d", name, tc.header, r.status, tc.status)
				continue
			}
			if tc.status == 401 {
				e := r.firstError(t)
				if e["code"] != "not_authenticated" || e["status"] != float64(401) {
					t.Errorf("%s: 401 body %v", name, e)
				}
				if strings.Contains(string(r.body), "pk_") {
					t.Errorf("the 401 echoes the key: %s", r.body)
				}
			}
		}
	}
}

func TestRevisionHeader(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	c := inProcess(t, s)
	for _, tc := range []struct {
		revision string
		status   int
	}{
		{"", 400},
		{"yesterday", 400},
		{"2026-13-45", 400},
		{"2026-07-15", 200},
		{"2025-10-15", 200},
		{"2026-07-15.pre", 200},
	} {
		r := c.request("GET", "/api/lists", nil, map[string]string{"revision": tc.revision})
		if r.status != tc.status {
			t.Errorf("revision %q: status %d, want %d", tc.revision, r.status, tc.status)
			continue
		}
		if tc.status == 400 && dig(r.firstError(t), "source", "parameter") != "revision" {
			t.Errorf("revision %q: %s", tc.revision, r.body)
		}
	}
}

func TestRouting(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	for name, c := range clients(t, s) {
		for _, tc := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/api/lists", 200},
			{"GET", "/api/lists/", 200},
			{"GET", "/api/lists/Y6nRLr", 200},
			{"GET", "/api/lists/Y6nRLr/", 200},
			{"GET", "/api/lists/Y6nRLr/profiles/", 200},
			{"GET", "/api/profiles/", 200},
			{"GET", "/api/nothing", 404},
			{"GET", "/api/lists/Y6nRLr/profiles/extra", 404},
			{"GET", "/api//lists", 404},
			{"GET", "/", 404},
			{"GET", "/api/v2/list/Y6nRLr/members", 404},
			{"DELETE", "/api/lists/Y6nRLr", 405},
			{"POST", "/api/lists", 405},
			{"PATCH", "/api/profiles/x", 405},
			{"GET", "/api/profile-subscription-bulk-create-jobs", 405},
			{"PUT", "/api/profile-subscription-bulk-delete-jobs/", 405},
		} {
			r := c.request(tc.method, tc.path, nil, nil)
			if r.status != tc.status {
				t.Errorf("%s: %s %s: %d, want %d", name, tc.method, tc.path, r.status, tc.status)
				continue
			}
			if tc.status >= 400 {
				e := r.firstError(t)
				if e["status"] != float64(tc.status) || r.header.Get("Content-Type") != contentType {
					t.Errorf("%s %s: error %v", tc.method, tc.path, e)
				}
			}
			if tc.status == 405 && r.header.Get("Allow") == "" {
				t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
			}
		}
	}
}

func TestPanicBecomesJSONError(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	s.table = append([]route{{http.MethodGet, []string{"boom"}, "boom", func(http.ResponseWriter, *http.Request, string) error {
		panic("boom")
	}}}, s.table...)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/boom", nil)
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_x")
	req.Header.Set("revision", testRevision)
	s.ServeHTTP(rec, req)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"error"`) || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic answered %d: %s", rec.Code, rec.Body)
	}
}

// TestTransport: the latency ends with the request's context. In a
// synctest bubble the request is cancelled only once it is waiting out the
// latency (not before it was sent, which the transport refuses up front),
// and the fake clock shows it never waited the hour.
func TestTransport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := openSeeded(t, Options{Latency: time.Hour})
		c := &http.Client{Transport: s.Transport()}

		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://sandbox.test/api/lists", nil)
		req.Header.Set("Authorization", "Klaviyo-API-Key pk_x")
		req.Header.Set("revision", testRevision)
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		synctest.Wait() // the request is in the handler, waiting out the latency
		select {
		case err := <-done:
			t.Fatalf("answered before the latency passed: %v", err)
		default:
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled request: %v", err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the cancelled request waited %v of its latency", waited)
		}
	})
}

func TestTransportClosesBodyAndAnswers(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	body := &closeRecorder{Reader: strings.NewReader(`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"rt@example.com","subscriptions":{}}}]}}}}`)}
	req, _ := http.NewRequest("POST", "http://sandbox.test/api/profile-subscription-bulk-create-jobs", body)
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_x")
	req.Header.Set("revision", testRevision)
	resp, err := s.Transport().RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 202 || resp.Request != req {
		t.Fatalf("response %d %v", resp.StatusCode, resp.Header)
	}
	if !body.closed {
		t.Error("request body not closed")
	}
	if b, _ := io.ReadAll(resp.Body); len(b) != 0 {
		t.Errorf("202 body %q", b)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestLinksUseRequestHost(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := &client{t: t, base: srv.URL, http: srv.Client()}
	r := c.get("/api/lists").must(t, 200)
	next := dig(r.doc, "links", "next").(string)
	if !strings.HasPrefix(next, srv.URL+"/api/lists/?") {
		t.Fatalf("links.next %q is not on %s", next, srv.URL)
	}
	if self := dig(r.doc, "data", 0, "links", "self").(string); !strings.HasPrefix(self, srv.URL+"/api/lists/") {
		t.Fatalf("links.self %q", self)
	}
}
