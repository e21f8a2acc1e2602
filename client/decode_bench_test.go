package client_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// staticTransport answers every request with the same JSON:API body.
type staticTransport struct{ body []byte }

func (s staticTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/vnd.api+json"}}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(s.body)),
		ContentLength: int64(len(s.body)), Request: r}, nil
}

// membersPageBody is a page of 100 synthetic members with their
// subscriptions, as the sandbox serves it (about 190 KB, names and cities
// with accents written as UTF-8).
func membersPageBody(b *testing.B) []byte {
	sb := sandboxtest.Open(b, sandbox.Options{})
	id, err := sb.LoadMembers(context.Background(), "Decode", 100)
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://sandbox.invalid/api/lists/"+id+"/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100", nil)
	req.Header.Set("Authorization", "Klaviyo-API-Key pk_bench_decode")
	req.Header.Set("revision", client.Revision)
	resp, err := (&http.Client{Transport: sb.Transport()}).Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%d %v", resp.StatusCode, err)
	}
	return body
}

// asciiOnly replaces every non-ASCII rune with "e": the page as an
// account of plain ASCII names would send it.
func asciiOnly(body []byte) []byte {
	var out bytes.Buffer
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r >= utf8.RuneSelf {
			out.WriteByte('e')
		} else {
			out.WriteByte(body[i])
		}
		i += size
	}
	return out.Bytes()
}

// escapedNonASCII writes every non-ASCII rune as a \u escape, as an
// encoder that keeps its output ASCII (Python's json) does.
func escapedNonASCII(body []byte) []byte {
	var out bytes.Buffer
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r >= utf8.RuneSelf {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteByte(body[i])
		}
		i += size
	}
	return out.Bytes()
}

// BenchmarkMembersPageDecode is what the client spends on one page of 100
// members once the bytes are in: reading the answer, decoding the JSON:API
// document and each profile with its subscriptions. The transport serves
// the page from memory, so no sandbox or network time is in it.
func BenchmarkMembersPageDecode(b *testing.B) {
	page := membersPageBody(b)
	for _, bb := range []struct {
		name string
		body []byte
	}{
		{"ascii", asciiOnly(page)},
		{"utf8", page},
		{"escaped", escapedNonASCII(page)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			c, err := client.New(client.Options{BaseURL: "http://klaviyo.test", APIKey: "pk_bench_decode_0123456789abcdef",
				Transport: staticTransport{bb.body}, NoLimiter: true})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(bb.body)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := c.Members(context.Background(), "L1", client.MembersQuery{})
				if err != nil || len(p.Profiles) != 100 {
					b.Fatalf("%d profiles, %v", len(p.Profiles), err)
				}
			}
		})
	}
}

// BenchmarkKeyMaskPage is the part of BenchmarkMembersPageDecode that
// looks for an echoed API key in the same pages (none holds it): what the
// masking costs every answer.
func BenchmarkKeyMaskPage(b *testing.B) {
	page := membersPageBody(b)
	for _, bb := range []struct {
		name string
		body []byte
	}{
		{"ascii", asciiOnly(page)},
		{"utf8", page},
		{"escaped", escapedNonASCII(page)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			mask := client.KeyMaskForBench("pk_bench_decode_0123456789abcdef")
			b.SetBytes(int64(len(bb.body)))
			b.ReportAllocs()
			for b.Loop() {
				if out := mask(bb.body); len(out) != len(bb.body) {
					b.Fatal("the page changed")
				}
			}
		})
	}
}
