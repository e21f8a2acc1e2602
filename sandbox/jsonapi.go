package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// contentType is JSON:API's media type, which Klaviyo answers with.
const contentType = "application/vnd.api+json"

// Klaviyo writes entity datetimes to the second and consent datetimes to
// the microsecond, both with an explicit +00:00 offset.
const (
	entityTimeLayout  = "2006-01-02T15:04:05-07:00"
	consentTimeLayout = "2006-01-02T15:04:05.000000-07:00"
)

// micros is how times are stored: microseconds since the Unix epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

func entityTime(us int64) string {
	return time.UnixMicro(us).UTC().Format(entityTimeLayout)
}

func consentTime(us int64) string {
	return time.UnixMicro(us).UTC().Format(consentTimeLayout)
}

// selfLink is a resource's `links`.
type selfLink struct {
	Self string `json:"self"`
}

// relationshipLinks is the `links` of a relationship object.
type relationshipLinks struct {
	Self    string `json:"self"`
	Related string `json:"related"`
}

// relationship is a relationship object carrying links only (its data is
// given only when `include`d, which the sandbox does not support).
type relationship struct {
	Links relationshipLinks `json:"links"`
}

// collectionLinks are a collection document's `links`. Klaviyo writes
// prev and next as null where there is no such page (the spec types them
// as URIs; internal/apispec makes them nullable, as Klaviyo sends them).
type collectionLinks struct {
	Self string  `json:"self"`
	Prev *string `json:"prev"`
	Next *string `json:"next"`
}

// collectionDoc is a collection response.
type collectionDoc[T any] struct {
	Data  []T             `json:"data"`
	Links collectionLinks `json:"links"`
}

// singleDoc is a single-resource response.
type singleDoc[T any] struct {
	Data  T        `json:"data"`
	Links selfLink `json:"links"`
}

// urls builds the absolute links of one request's response from its scheme
// and Host, so that a client following them stays on this sandbox.
type urls struct {
	base string // "http://127.0.0.1:8080"
}

func urlsFor(r *http.Request) urls {
	scheme := "http"
	if r.URL.Scheme != "" {
		scheme = r.URL.Scheme
	} else if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if host == "" {
		host = "localhost"
	}
	return urls{base: scheme + "://" + host}
}

// api returns the absolute URL of an API path given as segments, written
// with Klaviyo's trailing slash: api("lists", id) → …/api/lists/ID/.
func (u urls) api(segments ...string) string {
	var b strings.Builder
	b.WriteString(u.base)
	b.WriteString("/api/")
	for _, s := range segments {
		b.WriteString(url.PathEscape(s))
		b.WriteByte('/')
	}
	return b.String()
}

// withQuery appends q to an absolute URL; Encode sorts the keys and
// percent-encodes brackets, as in `page%5Bcursor%5D=`.
func withQuery(u string, q url.Values) string {
	if len(q) == 0 {
		return u
	}
	return u + "?" + q.Encode()
}

// pageLinks builds a collection's links: self repeats the request's query;
// next and prev replace its cursor, and are null where there is no page.
func pageLinks(self string, query url.Values, next, prev string) collectionLinks {
	links := collectionLinks{Self: withQuery(self, query)}
	withCursor := func(c string) *string {
		q := url.Values{}
		for k, v := range query {
			if k != "page[cursor]" {
				q[k] = v
			}
		}
		q.Set("page[cursor]", c)
		u := withQuery(self, q)
		return &u
	}
	if next != "" {
		links.Next = withCursor(next)
	}
	if prev != "" {
		links.Prev = withCursor(prev)
	}
	return links
}

// cursor is a position in a keyset-paged collection: the rows after (or,
// going back, before) the row whose sort key is Key and whose sequence
// number is Seq. Key is empty when the collection is in sequence order.
// Scope ties a cursor to the collection and the sort it came from.
type cursor struct {
	Scope  string `json:"s"`
	Before bool   `json:"b,omitempty"`
	Seq    int64  `json:"q"`
	Key    string `json:"k,omitempty"`
}

// cursorVersion marks the cursor's encoding, a JSON object in base64.
const cursorVersion = "c2:"

func (c cursor) encode() string {
	raw, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings and numbers
	}
	return base64.RawURLEncoding.EncodeToString(append([]byte(cursorVersion), raw...))
}

// decodeCursor parses an opaque cursor of scope; anything else is a 400.
func decodeCursor(s, scope string) (cursor, error) {
	bad := invalidParam("page[cursor]", "Invalid page cursor.")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return cursor{}, bad
	}
	body, ok := bytes.CutPrefix(raw, []byte(cursorVersion))
	if !ok {
		return cursor{}, bad
	}
	var c cursor
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() || c.Scope != scope || c.Seq < 0 {
		return cursor{}, bad
	}
	return c, nil
}

// page is a parsed page request.
type page struct {
	Size   int
	Cursor *cursor
}

// parsePage reads page[size] (default def, 1..max) and page[cursor].
func parsePage(q url.Values, def, max int, scope string) (page, error) {
	p := page{Size: def}
	if vs, ok := q["page[size]"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(vs[len(vs)-1]))
		if err != nil || n < 1 || n > max {
			return p, invalidParam("page[size]", "Page size must be an integer between 1 and %d.", max)
		}
		p.Size = n
	}
	if vs, ok := q["page[cursor]"]; ok {
		c, err := decodeCursor(vs[len(vs)-1], scope)
		if err != nil {
			return p, err
		}
		p.Cursor = &c
	}
	return p, nil
}

// writeJSON writes v as a JSON:API document with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Our documents are plain structs; this is a programming error.
		panic(err)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes err as a JSON:API error document: an *apiError or
// apiErrors with their status, anything else as a 500.
func writeError(w http.ResponseWriter, err error) {
	var list apiErrors
	var one *apiError
	switch {
	case errors.As(err, &one):
		list = apiErrors{one}
	case errors.As(err, &list):
	}
	if len(list) == 0 {
		list = apiErrors{serverError()}
	}
	doc := struct {
		Errors []errorObject `json:"errors"`
	}{Errors: make([]errorObject, len(list))}
	for i, e := range list {
		doc.Errors[i] = e.object()
	}
	writeJSON(w, list[0].Status, doc)
}
