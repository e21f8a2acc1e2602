package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzSubscribeBody posts arbitrary bodies to both bulk job endpoints: the
// handler must never panic or answer 5xx, only 202 or a 4xx whose errors
// quote the body only in clipped pieces.
func FuzzSubscribeBody(f *testing.F) {
	for _, seed := range []string{
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":"x","profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","phone_number":"+38631234567","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}},"sms":{"marketing":{"consent":"SUBSCRIBED"}}}}}]}},"relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}`,
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"historical_import":true,"profiles":{"data":[{"type":"profile","id":"01GDDKASAP8TKDDA2GRZDSVP4H","attributes":{"phone_number":"+14155550199","subscriptions":{"sms":{"transactional":{"consent":"SUBSCRIBED","consented_at":"2024-01-05T10:00:00Z"}}}}}]}}}}`,
		`{"data":{"type":"profile-subscription-bulk-delete-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"UNSUBSCRIBED"}}}}}]}}}}`,
		`{"data":null}`, `{"data":{"attributes":{"profiles":{"data":[null,1,"x",[]]}}}}`, `[]`, `null`, `"`, `{"data":{"type":1}}`,
		`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consented_at":"x"}}}}}]}}}}`,
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
		}
	})
}
