package apispec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The fixtures in testdata/ are the examples of Klaviyo's API reference
// (developers.klaviyo.com/en/reference): a subscribe body, an unsubscribe
// body, a lists response, a profiles response with subscriptions, an error
// body. Every rejection case
// below is one of those valid fixtures with a single change, and must fail
// with a message naming that change, so a case cannot pass for another reason.

const (
	subscribePath   = "/api/profile-subscription-bulk-create-jobs"
	unsubscribePath = "/api/profile-subscription-bulk-delete-jobs"
	profilesQuery   = `/api/profiles?filter=equals(phone_number%2C%22%2B15005550006%22)&additional-fields%5Bprofile%5D=subscriptions`
)

func mustNew(t *testing.T) *Validator {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate decodes raw JSON, lets fn change it and encodes it again.
func mutate(t *testing.T, raw []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// at walks m along keys; int keys index arrays.
func at(m any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m = m.(map[string]any)[k]
		case int:
			m = m.([]any)[k]
		}
	}
	return m.(map[string]any)
}

// request builds a request with the headers our client sends.
func request(method, url string, body []byte) *http.Request {
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Authorization", "Klaviyo-API-Key pk_0123456789abcdef0123456789abcdef01")
	r.Header.Set("revision", "2026-07-15")
	r.Header.Set("Accept", "application/vnd.api+json")
	if body != nil {
		r.Header.Set("Content-Type", "application/vnd.api+json")
	}
	return r
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("want valid, got error:\n%v", err)
	case want != "" && err == nil:
		t.Errorf("want error containing %q, got none", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("want error containing %q, got:\n%v", want, err)
	}
}

func TestValidateRequest(t *testing.T) {
	v := mustNew(t)
	sub := fixture(t, "subscribe-request.json")
	unsub := fixture(t, "unsubscribe-request.json")
	header := func(name, value string) func(http.Header) {
		return func(h http.Header) {
			if value == "" {
				h.Del(name)
			} else {
				h.Set(name, value)
			}
		}
	}

	tests := []struct {
		name        string
		method, url string
		body        []byte
		edit        func(http.Header)
		want        string // "" = valid, else a substring of the error
	}{
		// Accepted.
		{name: "subscribe §2", method: "POST", url: "https://a.klaviyo.com" + subscribePath, body: sub},
		{name: "subscribe to httptest host with trailing slash", method: "POST", url: "http://127.0.0.1:43210" + subscribePath + "/", body: sub},
		{name: "unsubscribe §3", method: "POST", url: "http://sandbox.invalid" + unsubscribePath, body: unsub},
		{name: "revision with suffix", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: sub, edit: header("revision", "2026-07-15.pre")},
		{name: "subscribe historical import", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: mutate(t, sub, func(m map[string]any) {
			at(m, "data", "attributes")["historical_import"] = true
			at(m, "data", "attributes", "profiles", "data", 0, "attributes", "subscriptions", "email", "marketing")["consented_at"] = "2024-01-05T10:00:00Z"
		})},
		{name: "get lists", method: "GET", url: "http://sandbox.invalid/api/lists?fields%5Blist%5D=name,opt_in_process&page%5Bsize%5D=10"},
		{name: "get lists trailing slash", method: "GET", url: "http://sandbox.invalid/api/lists/"},
		{name: "get list", method: "GET", url: "http://sandbox.invalid/api/lists/Y6nRLr/"},
		{name: "get list members", method: "GET", url: "http://sandbox.invalid/api/lists/Y6nRLr/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100"},
		{name: "get profiles by phone §5", method: "GET", url: "http://sandbox.invalid" + profilesQuery},
		{name: "get profile", method: "GET", url: "http://sandbox.invalid/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H?additional-fields%5Bprofile%5D=subscriptions"},
		{name: "get profile lists", method: "GET", url: "http://sandbox.invalid/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H/lists/"},

		// Rejected.
		{name: "consent YES", method: "POST", url: "http://sandbox.invalid" + subscribePath, want: `Error at "/consent": value is not one of the allowed values ["SUBSCRIBED"]`,
			body: mutate(t, sub, func(m map[string]any) {
				at(m, "data", "attributes", "profiles", "data", 0, "attributes", "subscriptions", "email", "marketing")["consent"] = "YES"
			})},
		{name: "unsubscribe with SUBSCRIBED", method: "POST", url: "http://sandbox.invalid" + unsubscribePath, want: `Error at "/consent": value is not one of the allowed values ["UNSUBSCRIBED"]`,
			body: mutate(t, unsub, func(m map[string]any) {
				at(m, "data", "attributes", "profiles", "data", 0, "attributes", "subscriptions", "email", "marketing")["consent"] = "SUBSCRIBED"
			})},
		{name: "wrong data.type", method: "POST", url: "http://sandbox.invalid" + subscribePath, want: `Error at "/data/type": value is not one of the allowed values`,
			body: mutate(t, sub, func(m map[string]any) { at(m, "data")["type"] = "profile-subscription-bulk-delete-job" })},
		{name: "missing data", method: "POST", url: "http://sandbox.invalid" + subscribePath, want: `property "data" is missing`,
			body: mutate(t, sub, func(m map[string]any) { m["Data"] = m["data"]; delete(m, "data") })},
		{name: "profile without subscriptions", method: "POST", url: "http://sandbox.invalid" + subscribePath, want: `property "subscriptions" is missing`,
			body: mutate(t, sub, func(m map[string]any) {
				delete(at(m, "data", "attributes", "profiles", "data", 0, "attributes"), "subscriptions")
			})},
		{name: "consented_at not RFC 3339", method: "POST", url: "http://sandbox.invalid" + subscribePath, want: "not an RFC 3339 date-time",
			body: mutate(t, sub, func(m map[string]any) {
				at(m, "data", "attributes", "profiles", "data", 0, "attributes", "subscriptions", "email", "marketing")["consented_at"] = "2024-01-05 10:00:00"
			})},
		{name: "empty body", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: []byte{}, want: "request body has an error: value is required but missing"},
		{name: "application/json content type", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: sub, edit: header("Content-Type", "application/json"),
			want: `header Content-Type has unexpected value "application/json"`},
		{name: "missing revision", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: sub, edit: header("revision", ""),
			want: `parameter "revision" in header has an error: value is required but missing`},
		{name: "missing revision on GET", method: "GET", url: "http://sandbox.invalid/api/lists", edit: header("revision", ""),
			want: `parameter "revision" in header has an error: value is required but missing`},
		{name: "old revision", method: "GET", url: "http://sandbox.invalid/api/lists", edit: header("revision", "2024-10-15"),
			want: `header revision: "2024-10-15", but the spec describes revision 2026-07-15`},
		{name: "missing Authorization", method: "POST", url: "http://sandbox.invalid" + subscribePath, body: sub, edit: header("Authorization", ""),
			want: "missing Authorization header"},
		{name: "Bearer Authorization", method: "GET", url: "http://sandbox.invalid/api/lists", edit: header("Authorization", "Bearer pk_abc"),
			want: `Authorization header is not "Klaviyo-API-Key <key>"`},
		{name: "empty API key", method: "GET", url: "http://sandbox.invalid/api/lists", edit: header("Authorization", "Klaviyo-API-Key "),
			want: `Authorization header is not "Klaviyo-API-Key <key>"`},
		{name: "lists page size over 10", method: "GET", url: "http://sandbox.invalid/api/lists?page%5Bsize%5D=20",
			want: `parameter "page[size]" in query has an error: number must be at most 10`},
		{name: "unknown additional field", method: "GET", url: "http://sandbox.invalid" + profilesQuery + ",consent",
			want: `parameter "additional-fields[profile]" in query has an error`},
		{name: "body on GET", method: "GET", url: "http://sandbox.invalid/api/lists", body: sub, want: "request body not allowed"},
		{name: "unknown path", method: "GET", url: "http://sandbox.invalid/api/campaigns", want: "GET /api/campaigns: no matching operation was found"},
		{name: "operation outside subset", method: "POST", url: "http://sandbox.invalid/api/lists", body: []byte(`{}`), want: "POST /api/lists: method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.method, tt.url, tt.body)
			if tt.edit != nil {
				tt.edit(r.Header)
			}
			checkErr(t, v.ValidateRequest(r, tt.body), tt.want)
		})
	}
}

func TestValidateResponse(t *testing.T) {
	v := mustNew(t)
	sub := fixture(t, "subscribe-request.json")
	lists := fixture(t, "lists-response.json")
	profiles := fixture(t, "profiles-response.json")
	apiErr := fixture(t, "error-response.json")

	// Single-resource documents built from the collection examples.
	list := mutate(t, lists, func(m map[string]any) {
		m["data"] = m["data"].([]any)[0]
		m["links"] = map[string]any{"self": "https://a.klaviyo.com/api/lists/Y6nRLr/"}
	})
	profile := mutate(t, profiles, func(m map[string]any) {
		m["data"] = m["data"].([]any)[0]
		m["links"] = map[string]any{"self": "https://a.klaviyo.com/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H/"}
	})
	members := mutate(t, profiles, func(m map[string]any) {
		at(m, "data", 0, "attributes")["joined_group_at"] = "2024-06-20T14:22:00.654321+00:00"
	})

	const (
		jsonAPI = "application/vnd.api+json"
		base    = "http://sandbox.invalid"
	)
	tests := []struct {
		name        string
		method, url string
		reqBody     []byte
		status      int
		contentType string
		body        []byte
		want        string
	}{
		// Accepted.
		{name: "subscribe 202 empty", method: "POST", url: base + subscribePath, reqBody: sub, status: 202},
		{name: "unsubscribe 202 empty", method: "POST", url: base + unsubscribePath + "/", reqBody: fixture(t, "unsubscribe-request.json"), status: 202},
		{name: "subscribe 400 error §7", method: "POST", url: base + subscribePath, reqBody: sub, status: 400, contentType: jsonAPI, body: apiErr},
		{name: "lists §4", method: "GET", url: base + "/api/lists/", status: 200, contentType: jsonAPI, body: lists},
		{name: "lists with charset", method: "GET", url: base + "/api/lists", status: 200, contentType: jsonAPI + "; charset=utf-8", body: lists},
		{name: "list", method: "GET", url: base + "/api/lists/Y6nRLr", status: 200, contentType: jsonAPI, body: list},
		{name: "profiles §5", method: "GET", url: base + profilesQuery, status: 200, contentType: jsonAPI, body: profiles},
		{name: "profile", method: "GET", url: base + "/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H/", status: 200, contentType: jsonAPI, body: profile},
		{name: "list members", method: "GET", url: base + "/api/lists/Y6nRLr/profiles", status: 200, contentType: jsonAPI, body: members},
		{name: "profile lists", method: "GET", url: base + "/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H/lists", status: 200, contentType: jsonAPI, body: lists},
		{name: "null channel", method: "GET", url: base + profilesQuery, status: 200, contentType: jsonAPI, body: mutate(t, profiles, func(m map[string]any) {
			at(m, "data", 0, "attributes", "subscriptions")["mobile_push"] = nil
		})},
		{name: "404 error", method: "GET", url: base + "/api/lists/nope", status: 404, contentType: jsonAPI, body: apiErr},

		// Rejected.
		{name: "lists missing data", method: "GET", url: base + "/api/lists", status: 200, contentType: jsonAPI, want: `property "data" is missing`,
			body: mutate(t, lists, func(m map[string]any) { delete(m, "data") })},
		{name: "list without id", method: "GET", url: base + "/api/lists", status: 200, contentType: jsonAPI, want: `property "id" is missing`,
			body: mutate(t, lists, func(m map[string]any) { delete(at(m, "data", 0), "id") })},
		{name: "profile id is a number", method: "GET", url: base + profilesQuery, status: 200, contentType: jsonAPI, want: `Error at "/data/0": doesn't match schema due to: Error at "/id": value must be a string`,
			body: mutate(t, profiles, func(m map[string]any) { at(m, "data", 0)["id"] = json.Number("12345") })},
		{name: "single profile id is a number", method: "GET", url: base + "/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H", status: 200, contentType: jsonAPI, want: `Error at "/data": doesn't match schema due to: Error at "/id": value must be a string`,
			body: mutate(t, profile, func(m map[string]any) { at(m, "data")["id"] = json.Number("12345") })},
		{name: "consent_timestamp not RFC 3339", method: "GET", url: base + profilesQuery, status: 200, contentType: jsonAPI, want: "not an RFC 3339 date-time",
			body: mutate(t, profiles, func(m map[string]any) {
				at(m, "data", 0, "attributes", "subscriptions", "email", "marketing")["consent_timestamp"] = "2024-06-20 14:21:58"
			})},
		{name: "email marketing without can_receive", method: "GET", url: base + profilesQuery, status: 200, contentType: jsonAPI, want: `property "can_receive_email_marketing" is missing`,
			body: mutate(t, profiles, func(m map[string]any) {
				delete(at(m, "data", 0, "attributes", "subscriptions", "email", "marketing"), "can_receive_email_marketing")
			})},
		{name: "list member without joined_group_at", method: "GET", url: base + "/api/lists/Y6nRLr/profiles", status: 200, contentType: jsonAPI, body: profiles,
			want: `property "joined_group_at" is missing`},
		{name: "self link null", method: "GET", url: base + "/api/lists", status: 200, contentType: jsonAPI, want: `Error at "/links/self": Value is not nullable`,
			body: mutate(t, lists, func(m map[string]any) { at(m, "links")["self"] = nil })},
		{name: "202 with a body", method: "POST", url: base + subscribePath, reqBody: sub, status: 202, contentType: jsonAPI, body: []byte(`{"data":null}`),
			want: "status 202: spec declares no body"},
		{name: "bulk job answers 200", method: "POST", url: base + subscribePath, reqBody: sub, status: 200, contentType: jsonAPI, body: []byte(`{}`),
			want: "status is not supported"},
		{name: "missing content type", method: "GET", url: base + "/api/lists", status: 200, body: lists,
			want: `response header Content-Type has unexpected value: ""`},
		{name: "error body without errors", method: "GET", url: base + "/api/lists", status: 429, contentType: jsonAPI, body: []byte(`{"detail":"throttled"}`),
			want: `property "errors" is missing`},
		{name: "empty 200", method: "GET", url: base + "/api/lists", status: 200, contentType: jsonAPI, body: nil,
			want: "failed to decode response body"},
		{name: "unknown path", method: "GET", url: base + "/api/campaigns", status: 200, contentType: jsonAPI, body: lists,
			want: "no matching operation was found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.contentType != "" {
				h.Set("Content-Type", tt.contentType)
			}
			r := request(tt.method, tt.url, tt.reqBody)
			checkErr(t, v.ValidateResponse(r, tt.reqBody, tt.status, h, tt.body), tt.want)
		})
	}
}

// recorder is a testing.TB that records Errorf calls instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestTransport(t *testing.T) {
	v := mustNew(t)
	sub := fixture(t, "subscribe-request.json")
	profiles := fixture(t, "profiles-response.json")

	var (
		mu       sync.Mutex
		received []byte // last request body the server saw
	)
	gotBody := func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return received
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case subscribePath:
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			received = b
			mu.Unlock()
			if r.Header.Get("X-Break") != "" { // not a Klaviyo answer
				w.Header().Set("Content-Type", "application/vnd.api+json")
				w.WriteHeader(http.StatusOK)
				w.Write([]byte(`{"data":{}}`))
				return
			}
			w.WriteHeader(http.StatusAccepted)
		case "/api/profiles":
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.Write(profiles)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	t.Run("valid traffic passes and bodies stay intact", func(t *testing.T) {
		rec := &recorder{TB: t}
		hc := &http.Client{Transport: v.Transport(rec, srv.Client().Transport)}

		resp, err := hc.Do(request("POST", srv.URL+subscribePath, sub))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("status %d, want 202", resp.StatusCode)
		}
		if !bytes.Equal(gotBody(), sub) {
			t.Errorf("server received %q, want the request body unchanged", gotBody())
		}

		resp, err = hc.Do(request("GET", srv.URL+profilesQuery, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, profiles) {
			t.Errorf("client received %d bytes, want the %d-byte response unchanged", len(b), len(profiles))
		}
		if len(rec.errs) != 0 {
			t.Errorf("valid traffic reported violations:\n%s", strings.Join(rec.errs, "\n"))
		}
	})

	t.Run("violations are reported with method and URL", func(t *testing.T) {
		rec := &recorder{TB: t}
		hc := &http.Client{Transport: v.Transport(rec, srv.Client().Transport)}

		req := request("POST", srv.URL+subscribePath, sub)
		req.Header.Del("revision")
		req.Header.Set("X-Break", "1")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != `{"data":{}}` {
			t.Errorf("client received %q, want the server's body", b)
		}
		if !bytes.Equal(gotBody(), sub) {
			t.Errorf("server received %q, want the request body unchanged", gotBody())
		}

		wantURL := srv.URL + subscribePath
		want := []string{
			"request POST " + wantURL + ` violates Klaviyo spec: parameter "revision" in header has an error`,
			"response 200 to POST " + wantURL + " violates Klaviyo spec: status is not supported",
		}
		if len(rec.errs) != len(want) {
			t.Fatalf("got %d violations, want %d:\n%s", len(rec.errs), len(want), strings.Join(rec.errs, "\n"))
		}
		for i, w := range want {
			if !strings.Contains(rec.errs[i], w) {
				t.Errorf("violation %d:\n%s\nwant it to contain %q", i, rec.errs[i], w)
			}
		}
	})
}

func TestNewLoadsOnce(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New()
	if a != b {
		t.Error("New returned different validators")
	}
	if a.revision != "2026-07-15" {
		t.Errorf("revision %q, want 2026-07-15", a.revision)
	}
}
