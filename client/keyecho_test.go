package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/consentdesk/consent/model"
)

// echoForms are the key as a hostile answer may write it in JSON so that
// it is not the key's bytes, yet decodes, or is shown by a terminal, as
// the key.
var echoForms = []struct{ name, json string }{
	{"JSON-escaped", `\u0070k_` + testKey[3:]},
	{"every letter escaped", escapedLetters(testKey)},
	{"split by an escaped zero-width space", testKey[:12] + `\u200b` + testKey[12:]},
	{"split by a raw zero-width space", testKey[:12] + "\u200b" + testKey[12:]},
	{"split by an escape sequence", testKey[:12] + `\u001b[0m` + testKey[12:]},
	{"split by a C1 control sequence", testKey[:12] + "\u009b0m" + testKey[12:]},
	{"split by a soft hyphen", testKey[:12] + `\u00ad` + testKey[12:]},
}

// escapedLetters writes every character of s as a JSON \u escape.
func escapedLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// decoded is what a JSON string form reads as.
func decoded(t *testing.T, form string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal([]byte(`"`+form+`"`), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// shownLeak reports whether text carries the key as a person could read
// it: as it is, or sanitised with every rune outside printable ASCII
// dropped.
func shownLeak(text string) bool {
	var b strings.Builder
	for _, r := range model.SanitizeText(text) {
		if r >= ' ' && r <= '~' {
			b.WriteRune(r)
		}
	}
	tail := testKey[3:]
	return strings.Contains(text, tail) || strings.Contains(b.String(), tail)
}

// TestKeyEchoedInHiddenFormsIsMasked: an answer that repeats the key
// JSON-escaped, or split by what a terminal does not show, has it masked
// wherever it goes: a profile's decoded fields and raw JSON (--json), a
// list's name, a JSON:API error, an HTML page's excerpt, a resource that
// does not decode, X-Klaviyo-Partial-Failure, and a malformed header
// line quoted in a network error. (The client used to mask only the key's
// exact bytes in the body.)
func TestKeyEchoedInHiddenFormsIsMasked(t *testing.T) {
	type call func(c *Client) (string, error)
	lookup := func(c *Client) (string, error) {
		ps, err := c.LookupEmail(context.Background(), "x@example.com")
		var b strings.Builder
		for _, p := range ps {
			fmt.Fprintf(&b, "%s %+v", p.Raw, p)
		}
		return b.String(), err
	}
	lists := func(c *Client) (string, error) {
		ls, err := c.Lists(context.Background())
		var b strings.Builder
		for _, l := range ls {
			fmt.Fprintf(&b, "%s %+v", l.Raw, l)
		}
		return b.String(), err
	}
	subscribe := func(c *Client) (string, error) {
		req, _ := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{})
		sub, err := c.Subscribe(context.Background(), req)
		return fmt.Sprintf("%+v", sub), err
	}
	for _, f := range echoForms {
		text := decoded(t, f.json)
		tests := []struct {
			name  string
			reply reply
			call  call
		}{
			{"profile", reply{body: `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","first_name":"` + f.json +
				`","properties":{"seen":"` + f.json + `","` + f.json + `":true}}}],"links":{"next":null}}`}, lookup},
			{"list name", reply{body: `{"data":[{"type":"list","id":"L1","attributes":{"name":"` + f.json + `","opt_in_process":"single_opt_in"}}],"links":{"next":null}}`}, lists},
			{"JSON:API error", reply{status: 400, body: `{"errors":[{"status":400,"code":"invalid","title":"Bad key ` + f.json + `","detail":"you sent ` + f.json + `","source":{"pointer":"/` + f.json + `"}}]}`}, lookup},
			{"HTML page", reply{status: 403, body: "<html><body>you sent " + text + "</body></html>"}, lookup},
			{"resource that does not decode", reply{body: `{"data":[{"type":"profile","note":"` + f.json + `"}]}`}, lookup},
			{"X-Klaviyo-Partial-Failure", reply{status: 202, header: map[string]string{"X-Klaviyo-Partial-Failure": "phone_number " + text}}, subscribe},
		}
		for _, tt := range tests {
			t.Run(f.name+"/"+tt.name, func(t *testing.T) {
				c, _, _ := testClient(t, tt.reply)
				got, err := tt.call(c)
				if err != nil {
					got += err.Error() + fmt.Sprintf(" %+v", err)
				}
				if got == "" {
					t.Fatal("nothing came back to check")
				}
				if shownLeak(got) {
					t.Errorf("the key came through:\n%q", got)
				}
			})
		}
	}
	// Across two strings, each harmless alone: a resource that does not
	// decode is quoted raw, where a C1 string (OSC … ST) joins them.
	t.Run("across two strings of a resource quoted raw", func(t *testing.T) {
		c, _, _ := testClient(t, reply{body: `{"data":[{"type":"profile","a":"` + testKey[:12] + "\u009d" + `","b":"` + "\u009c" + testKey[12:] + `"}]}`})
		_, err := c.LookupEmail(context.Background(), "x@example.com")
		if err == nil || shownLeak(err.Error()) {
			t.Errorf("error = %q", err)
		}
	})
	// Go's transport refuses a header line with a control character in
	// it and quotes the line in its error, escapes written as text.
	t.Run("malformed header line", func(t *testing.T) {
		c, _, _ := testClient(t, reply{status: 200, header: map[string]string{"X-Echo": testKey[:12] + "\x1b[0m" + testKey[12:]}, body: `{"data":[]}`})
		c.opts.Attempts = 1
		_, err := c.LookupEmail(context.Background(), "x@example.com")
		if err == nil {
			t.Fatal("the malformed answer was read")
		}
		msg := strings.NewReplacer(`\x1b`, "\x1b", `\u200b`, "\u200b").Replace(err.Error())
		if shownLeak(msg) || !strings.Contains(msg, "malformed MIME header line") {
			t.Errorf("error = %q", err)
		}
	})
}
