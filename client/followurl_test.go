package client

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestNextLinkRefusalsSayWhatIsWrong: a next link the client will not
// follow is refused before any request, with an error naming what is wrong
// with it (it used to read "points to , not 127.0.0.1:…" for a file://
// link and "points to X, not X" for a scheme swap).
func TestNextLinkRefusalsSayWhatIsWrong(t *testing.T) {
	c, fake, _ := testClient(t)
	host := c.base.Host
	tests := []struct {
		name, next, want string
	}{
		{"file URL", "file:///etc/passwd", "Klaviyo's next link is a file:// URL, not an http(s) one on " + host + ": not followed, so the API key stays with Klaviyo"},
		{"opaque URL", "javascript:alert(1)", "Klaviyo's next link is a javascript: URL, not an http(s) one on " + host},
		{"ftp on the same host", "ftp://" + host + "/api/lists", "Klaviyo's next link is a ftp:// URL, not an http(s) one on " + host},
		{"http to https", "https://" + host + "/api/lists?page%5Bcursor%5D=2", "Klaviyo's next link switches from http to https on " + host + ": not followed"},
		{"another host", "http://evil.example/api/lists?page%5Bcursor%5D=2", "Klaviyo's next link points to http://evil.example, not http://" + host + ": not followed"},
		{"another host and scheme", "https://evil.example/api/lists", "Klaviyo's next link points to https://evil.example, not http://" + host},
		{"another port", "http://127.0.0.1:1/api/lists", "Klaviyo's next link points to http://127.0.0.1:1, not http://" + host},
		{"no host", "http:///api/lists", "Klaviyo's next link names no host, not http://" + host},
		{"relative", "/api/lists?page%5Bcursor%5D=2", `Klaviyo's next link "/api/lists?page%5Bcursor%5D=2" is not an absolute URL: not followed`},
		{"escapes in it", "http://ev\x1b[2Jil.example/", `Klaviyo's next link "http://evil.example/" is not an absolute URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fake.count()
			fake.replies = []reply{{body: `{"data":[{"type":"list","id":"A1","attributes":{"name":"One"}}],"links":{"next":"` + jsonEscape(tt.next) + `"}}`}}
			_, err := c.Lists(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to say %q", err, tt.want)
			}
			if n := fake.count() - before; n != 1 {
				t.Errorf("%d requests, want 1: the link must not be followed", n)
			}
		})
	}
}

// jsonEscape writes s as the inside of a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
