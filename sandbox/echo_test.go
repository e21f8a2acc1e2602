package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxErrorBody bounds a document of one error whatever the request quoted:
// a detail's few clipped quotes, a clipped source, and the rest.
const maxErrorBody = 4 << 10

// maxDetail bounds one error's detail: its text and a few clipped quotes,
// each at most maxEcho bytes (four times that when %q escapes every byte).
const maxDetail = 3*4*maxEcho + 300

// checkBoundedErrors fails unless body is a JSON:API error document of at
// most maxBody bytes whose errors quote at most maxEcho bytes of the
// request in their source and a few such quotes in their detail.
func checkBoundedErrors(t testing.TB, body []byte, maxBody int) {
	t.Helper()
	if len(body) > maxBody {
		t.Errorf("the error document is %d bytes, want at most %d: %.200s…", len(body), maxBody, body)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the error document is not JSON: %v: %.200s", err, body)
	}
	errs, _ := doc["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("no errors in %.200s", body)
	}
	for _, e := range errs {
		for _, field := range [][]any{{"source", "pointer"}, {"source", "parameter"}} {
			if s, _ := dig(e, field...).(string); len(s) > maxEcho {
				t.Errorf("%v is %d bytes, want at most %d", field, len(s), maxEcho)
			}
		}
		if d, _ := dig(e, "detail").(string); len(d) > maxDetail {
			t.Errorf("detail is %d bytes, want at most %d: %.200s…", len(d), maxDetail, d)
		}
	}
}

// TestErrorsClipWhatTheyQuote sends huge ids, keys, values and headers:
// every error quotes only the start of each, so that its size does not
// grow with the request's.
func TestErrorsClipWhatTheyQuote(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	id := strings.Repeat("i", 100_000)
	value := strings.Repeat("v", 100_000)
	key := strings.Repeat("k", 3<<20)
	job := func(attrs map[string]any) map[string]any { return subscribeBody("", attrs) }
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		header map[string]string
		status int
	}{
		{"list id in the path", "GET", "/api/lists/" + id, nil, nil, 404},
		{"list id of members", "GET", "/api/lists/" + id + "/profiles", nil, nil, 404},
		{"profile id in the path", "GET", "/api/profiles/" + id, nil, nil, 404},
		{"profile id of lists", "GET", "/api/profiles/" + id + "/lists", nil, nil, 404},
		{"filter field", "GET", "/api/profiles?filter=" + urlQueryEscape("equals("+strings.Repeat("f", 9000)+",\"x\")"), nil, nil, 400},
		{"filter datetime", "GET", "/api/profiles?filter=" + urlQueryEscape("greater-than(created,"+strings.Repeat("9", 9000)+")"), nil, nil, 400},
		{"filter bare value", "GET", "/api/profiles?filter=" + urlQueryEscape("equals(email,"+strings.Repeat("a", 9000)+")"), nil, nil, 400},
		{"additional field", "GET", "/api/lists/Y6nRLr?additional-fields[list]=" + value, nil, nil, 400},
		{"revision header", "GET", "/api/lists", nil, map[string]string{"revision": value}, 400},
		{"content type", "POST", subscribePath, "{}", map[string]string{"Content-Type": "text/" + value}, 415},
		{"method", strings.Repeat("M", 100_000), "/api/lists", nil, nil, 405},
		{"key name in a job", "POST", subscribePath, `{"data":{"` + key + `":1}}`, nil, 400},
		{"key name in a profile", "POST", subscribePath, job(map[string]any{key: 1, "email": "a@example.com",
			"subscriptions": subs("SUBSCRIBED", "email")}), nil, 400},
		{"job type", "POST", subscribePath, map[string]any{"data": map[string]any{"type": value}}, nil, 400},
		{"consent value", "POST", subscribePath, job(map[string]any{"email": "a@example.com",
			"subscriptions": subs(value, "email")}), nil, 400},
		{"list id of a job", "POST", subscribePath, subscribeBody(id, map[string]any{"email": "a@example.com",
			"subscriptions": subs("SUBSCRIBED", "email")}), nil, 404},
	}
	for name, c := range clients(t, s) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				r := c.request(tt.method, tt.path, tt.body, tt.header)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
				}
				checkBoundedErrors(t, r.body, maxErrorBody)
				if !strings.Contains(string(r.body), "…") {
					t.Errorf("nothing was marked as cut: %.300s", r.body)
				}
			})
		}
	}
}

func TestClipEcho(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"short", "abc", "abc"},
		{"exactly the bound", strings.Repeat("a", maxEcho), strings.Repeat("a", maxEcho)},
		{"one over", strings.Repeat("a", maxEcho+1), strings.Repeat("a", maxEcho-len("…")) + "…"},
		{"cut inside a character", strings.Repeat("a", maxEcho-4) + strings.Repeat("é", 10), strings.Repeat("a", maxEcho-4) + "…"},
	} {
		got := clipEcho(tc.in)
		if got != tc.want || len(got) > maxEcho || !utf8.ValidString(got) {
			t.Errorf("%s: clipEcho = %q (%d bytes), want %q", tc.name, got, len(got), tc.want)
		}
	}
}
