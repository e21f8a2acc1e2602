package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testRevision = "2026-07-15"

// fakeClock is an injectable clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 10, 12, 0, 0, 500_000_000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTest opens a private sandbox closed when the test ends.
func openTest(t testing.TB, opts Options) *Sandbox {
	t.Helper()
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openSeeded opens a private sandbox with the demo data and a fake clock.
func openSeeded(t testing.TB, opts Options) (*Sandbox, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	s := openTest(t, opts)
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	return s, clock
}

// queryStrings runs a query of one text column and returns its rows.
func queryStrings(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// client calls a sandbox the way an API client does, in-process or over
// a real loopback server.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	// faults is set when the sandbox injects 5xx answers on purpose;
	// otherwise any 5xx fails the test.
	faults bool
}

// clients returns both ways of reaching s, named, for table tests.
func clients(t testing.TB, s *Sandbox) map[string]*client {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return map[string]*client{
		"in-process": inProcess(t, s),
		"http":       {t: t, base: srv.URL, http: srv.Client()},
	}
}

func inProcess(t testing.TB, s *Sandbox) *client {
	return &client{t: t, base: "http://sandbox.test", http: &http.Client{Transport: s.Transport()}}
}

// response is an answer with its decoded JSON body (nil when empty).
type response struct {
	status int
	header http.Header
	body   []byte
	doc    map[string]any
}

func (c *client) request(method, path string, body any, header map[string]string) *response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = c.base + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_test_0123456789abcdef")
	req.Header.Set("revision", testRevision)
	req.Header.Set("Accept", contentType)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.doc); err != nil {
			c.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	if r.status >= 500 && !c.faults {
		c.t.Errorf("%s %s: server error %d: %s", method, path, r.status, raw)
	}
	return r
}

func (c *client) get(path string) *response {
	c.t.Helper()
	return c.request(http.MethodGet, path, nil, nil)
}

func (c *client) post(path string, body any) *response {
	c.t.Helper()
	return c.request(http.MethodPost, path, body, nil)
}

// must fails the test unless the answer has status want.
func (r *response) must(t testing.TB, want int) *response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r
}

// data returns the document's data as a list of resources.
func (r *response) data(t testing.TB) []map[string]any {
	t.Helper()
	items, ok := r.doc["data"].([]any)
	if !ok {
		t.Fatalf("data is not a list: %s", r.body)
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.(map[string]any)
	}
	return out
}

// firstError returns the first JSON:API error object.
func (r *response) firstError(t testing.TB) map[string]any {
	t.Helper()
	errs, ok := r.doc["errors"].([]any)
	if !ok || len(errs) == 0 {
		t.Fatalf("no errors in %s", r.body)
	}
	return errs[0].(map[string]any)
}

// dig follows keys (strings for objects, ints for arrays) into v.
func dig(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// subscribeBody builds a subscribe job body for one profile.
func subscribeBody(listID string, attrs map[string]any) map[string]any {
	data := map[string]any{
		"type": subscribeJobType,
		"attributes": map[string]any{
			"custom_source": "Support TUI",
			"profiles": map[string]any{"data": []any{
				map[string]any{"type": "profile", "attributes": attrs},
			}},
		},
	}
	if listID != "" {
		data["relationships"] = map[string]any{"list": map[string]any{"data": map[string]any{"type": "list", "id": listID}}}
	}
	return map[string]any{"data": data}
}

// unsubscribeBody builds an unsubscribe job body for one profile.
func unsubscribeBody(listID string, attrs map[string]any) map[string]any {
	b := subscribeBody(listID, attrs)
	data := b["data"].(map[string]any)
	data["type"] = unsubscribeJobType
	delete(data["attributes"].(map[string]any), "custom_source")
	return b
}

// subs builds a subscriptions object with the given channels set to
// consent ("email", "sms", "sms_transactional").
func subs(consent string, channels ...string) map[string]any {
	out := map[string]any{}
	sms := map[string]any{}
	for _, c := range channels {
		switch c {
		case "email":
			out["email"] = map[string]any{"marketing": map[string]any{"consent": consent}}
		case "sms":
			sms["marketing"] = map[string]any{"consent": consent}
		case "sms_transactional":
			sms["transactional"] = map[string]any{"consent": consent}
		}
	}
	if len(sms) > 0 {
		out["sms"] = sms
	}
	return out
}

// lookup returns the profiles a filter finds, with subscriptions.
func (c *client) lookup(filter string) []map[string]any {
	c.t.Helper()
	return c.get("/api/profiles/?additional-fields[profile]=subscriptions&filter="+urlQueryEscape(filter)).must(c.t, 200).data(c.t)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
