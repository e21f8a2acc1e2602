package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSubscribeBody posts arbitrary bodies to both bulk job endpoints: the
// handler must never panic or answer 5xx, only 202 or a 4xx whose errors
// quote the body only in clipped pieces, and never accept a body whose
// text is not valid UTF-8 (bad bytes, or escapes decoded as U+FFFD).
func FuzzSubscribeBody(f *testing.F) {
	for _, seed := range []string{
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":"x","profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","phone_number":"+38631234567","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}},"sms":{"marketing":{"consent":"SUBSCRIBED"}}}}}]}},"relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}`,
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"historical_import":true,"profiles":{"data":[{"type":"profile","id":"01GDDKASAP8TKDDA2GRZDSVP4H","attributes":{"phone_number":"+14155550199","subscriptions":{"sms":{"transactional":{"consent":"SUBSCRIBED","consented_at":"2024-01-05T10:00:00Z"}}}}}]}}}}`,
		`{"data":{"type":"profile-subscription-bulk-delete-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"UNSUBSCRIBED"}}}}}]}}}}`,
		`{"data":null}`, `{"data":{"attributes":{"profiles":{"data":[null,1,"x",[]]}}}}`, `[]`, `null`, `"`, `{"data":{"type":1}}`,
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consented_at":"x"}}}}}]}}}}`,
		jobWith("\"Desk \xff\"", emailProfile(`"ann@example.com"`)),
		jobWith(`"Desk \ud83d\ude00"`, emailProfile(`"ann\udbff@example.com"`)),
		jobWith(`"Desk \\ud800"`, emailProfile("\"\xc3@example.com\"")),
		`{"data":{"` + strings.Repeat("k", 300) + "\xe2\x82" + `":1}}`,
	} {
		f.Add([]byte(seed))
	}
	s := openTest(f, Options{JobDelay: -1})
	if err := s.SeedDemo(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{subscribePath, unsubscribePath} {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Klaviyo-API-Key pk_fuzz")
			req.Header.Set("revision", testRevision)
			req.Header.Set("Content-Type", contentType)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 202 && (rec.Code < 400 || rec.Code >= 500) {
				t.Fatalf("%s %q: status %d: %s", path, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				checkBoundedErrors(t, rec.Body.Bytes(), maxBodyErrors*maxErrorBody)
			}
			if rec.Code == 202 && (!utf8.Valid(body) || decodesToReplacement(body)) {
				t.Fatalf("%s %q: accepted text that is not valid UTF-8", path, body)
			}
		}
	})
}

// decodesToReplacement reports whether decoding doc as JSON yields a U+FFFD
// that doc does not spell, literally or as an escape: one the decoder put
// in place of text that was not valid.
func decodesToReplacement(doc []byte) bool {
	if bytes.Contains(doc, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(doc), []byte(`\ufffd`)) {
		return false
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, utf8.RuneError)
		case []any:
			return slices.ContainsFunc(v, walk)
		case map[string]any:
			for k, e := range v {
				if strings.ContainsRune(k, utf8.RuneError) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// FuzzQuery sends arbitrary query strings to the collections that take a
// filter and paging: never a 5xx, and a parameter whose name or value is
// not UTF-8 once decoded is always a 400 naming a parameter.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"", "page[size]=5", "filter=equals(email,%22a%40example.com%22)", "additional-fields[profile]=subscriptions",
		"page%5Bcursor%5D=YzE6cHJvZmlsZXM6YToxMA", "fields[profile]=email%FF", "x%FF=1", "filter=%ED%A0%80", "a=%zz&b=%C3",
		"sort=email", "page[size]=101&page[size]=1",
	} {
		f.Add(seed)
	}
	s := openTest(f, Options{})
	if err := s.SeedDemo(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		q, _ := url.ParseQuery(rawQuery)
		invalid := false
		for k, vs := range q {
			if !utf8.ValidString(k) || slices.ContainsFunc(vs, func(v string) bool { return !utf8.ValidString(v) }) {
				invalid = true
			}
		}
		for _, path := range []string{"/api/profiles", "/api/lists/Y6nRLr/profiles", "/api/lists"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.URL.RawQuery = rawQuery
			req.Header.Set("Authorization", "Klaviyo-API-Key pk_fuzz")
			req.Header.Set("revision", testRevision)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			switch {
			case rec.Code >= 500 || rec.Code != 200 && rec.Code != 400:
				t.Fatalf("GET %s?%q: status %d: %s", path, rawQuery, rec.Code, rec.Body)
			case invalid && rec.Code != 400:
				t.Fatalf("GET %s?%q: status %d for text that is not UTF-8", path, rawQuery, rec.Code)
			case rec.Code == 400:
				checkBoundedErrors(t, rec.Body.Bytes(), maxErrorBody)
				if invalid && !strings.Contains(rec.Body.String(), `"parameter":`) {
					t.Fatalf("GET %s?%q: the 400 names no parameter: %s", path, rawQuery, rec.Body)
				}
			}
		}
	})
}
