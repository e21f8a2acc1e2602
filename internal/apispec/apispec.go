// Package apispec validates HTTP traffic against Klaviyo's published OpenAPI
// document, so that contract tests can prove that our Klaviyo client sends,
// and our embedded Klaviyo sandbox returns, what Klaviyo specifies.
//
// It loads testdata/openapi/klaviyo-2026-07-15-subset.json from the module
// root: the operations Consent Desk uses, cut out of Klaviyo's stable.json
// (revision 2026-07-15) by scripts/extract-spec. To refresh it, run
//
//	go run ./scripts/extract-spec -in /path/to/klaviyo/openapi/stable.json
//
// from the module root. The package is meant for tests only; it imports just
// the standard library and kin-openapi, never other packages of this module.
//
// # Usage
//
// Wrap the transport of the client under test:
//
//	func TestSubscribe(t *testing.T) {
//		spec, err := apispec.New()
//		if err != nil {
//			t.Fatal(err)
//		}
//		// next is the real transport: nil (http.DefaultTransport) for an
//		// httptest server, or the sandbox's in-process RoundTripper.
//		hc := &http.Client{Transport: spec.Transport(t, next)}
//		... // hand hc to the client; every request and response is
//		    // validated and each violation is reported with t.Errorf
//	}
//
// or validate a single exchange directly:
//
//	err := spec.ValidateRequest(req, body)
//	err = spec.ValidateResponse(req, body, resp.StatusCode, resp.Header, respBody)
//
// Requests may go to any scheme and host (httptest servers, http://sandbox.invalid):
// routing uses only method and path, and a single trailing slash is ignored as
// Klaviyo does (/api/lists/ is /api/lists). A path or method outside the subset
// is an error.
//
// # What is checked
//
// Requests: the operation exists, path and query parameters, the required
// `revision` header (and that it names the spec's revision, see below), the
// Authorization header (`Klaviyo-API-Key <key>`, the spec's only security
// scheme), the Content-Type and the JSON body against the operation's schema;
// a body on an operation that declares none is rejected.
// Responses: the status is declared by the operation (exact code or 4XX/5XX),
// the Content-Type is declared, and the body matches the schema; a non-empty
// body on a status that declares no content (the 202 of the bulk subscription
// jobs) is rejected.
//
// # Deliberate deviations from a plain kin-openapi setup
//
//   - nullable next to $ref. Klaviyo writes properties such as
//     {"$ref": "#/components/schemas/EmailChannel", "nullable": true}. In OpenAPI
//     3.0 siblings of $ref are ignored, so kin-openapi would reject the null
//     Klaviyo means to allow. When loading (in memory only; the committed subset
//     stays verbatim), such a property is rewritten to
//     {"allOf": [{"$ref": ...}], "nullable": true, ...}, which keeps the
//     referenced schema and honours nullable. Other $ref siblings
//     (description) are left in place and ignored, as OpenAPI 3.0 says.
//   - CollectionLinks.next and .prev are made nullable. The spec types them as
//     non-nullable strings (format uri), but Klaviyo sends "prev": null on the
//     first page and "next": null on the last (shown in our API notes for GET
//     /api/lists and GET /api/profiles; the client follows links.next until it
//     is absent or null). Loading fails if that schema changes shape, so a
//     spec refresh makes us revisit this.
//   - Formats. "date-time" is checked with time.Parse(time.RFC3339Nano), so
//     Klaviyo's "2024-06-20T14:21:58.123456+00:00" passes and
//     "2024-06-20 14:21:58" fails; "date" with time.DateOnly. These are
//     passed per validation (openapi3.WithStringFormatValidator), not by
//     changing kin-openapi's global format table. "uri" (links) is not
//     checked: kin-openapi has no validator for it and Klaviyo's links are
//     opaque to us.
//   - The loaded document must pass kin-openapi's doc.Validate with default
//     options; the subset needs no exemption there.
//   - Content type. application/vnd.api+json is registered with kin-openapi's
//     JSON body decoder (v0.153.0 already does so; registering it here keeps
//     that true across upgrades). application/json is NOT accepted in requests
//     although Klaviyo tolerates it: the spec lists only the JSON:API type.
//   - revision. The spec declares the header as a required string with default
//     "2026-07-15". Defaults are never filled in (SkipSettingDefaults), so a
//     missing header fails; and the value must be the spec's info.version,
//     optionally followed by ".suffix" (format YYYY-MM-DD[.suffix] in the
//     spec's description), because this subset only describes that revision.
//   - Request bodies are never rewritten: SkipSettingDefaults also stops
//     kin-openapi from adding defaults such as "historical_import": false to
//     the body it validates.
//   - Undocumented response statuses are errors (IncludeResponseStatus);
//     kin-openapi accepts them by default.
//   - readOnly/writeOnly need no handling: the subset has none (Klaviyo uses
//     separate request and response schemas). Unknown properties pass because
//     Klaviyo's schemas do not set additionalProperties: false.
package apispec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// SubsetPath is the location of the spec subset relative to the module root.
const SubsetPath = "testdata/openapi/klaviyo-2026-07-15-subset.json"

// jsonAPI is the media type of every Klaviyo request and response body.
const jsonAPI = "application/vnd.api+json"

// apiKeyPrefix is the Authorization scheme of the spec's "Klaviyo-API-Key"
// security scheme ("Klaviyo-API-Key your-private-api-key").
const apiKeyPrefix = "Klaviyo-API-Key "

// Validator checks requests and responses against the spec subset. It is safe
// for concurrent use.
type Validator struct {
	doc      *openapi3.T
	router   routers.Router
	revision string // info.version, e.g. "2026-07-15"
	scheme   string // scheme and host of the spec's first server, used for routing
	host     string
}

var (
	once      sync.Once
	validator *Validator
	loadErr   error
)

// New loads the committed subset once (sync.Once) and returns a validator.
func New() (*Validator, error) {
	once.Do(func() {
		validator, loadErr = load()
	})
	return validator, loadErr
}

func load() (*Validator, error) {
	path, err := subsetFile()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("apispec: %w", err)
	}
	raw, err = relax(raw)
	if err != nil {
		return nil, fmt.Errorf("apispec: %s: %w", path, err)
	}

	openapi3filter.RegisterBodyDecoder(jsonAPI, openapi3filter.JSONBodyDecoder)

	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("apispec: load %s: %w", path, err)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("apispec: invalid spec %s: %w", path, err)
	}
	if doc.Info == nil || doc.Info.Version == "" {
		return nil, fmt.Errorf("apispec: %s has no info.version", path)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("apispec: %s has no servers", path)
	}
	// Requests are routed as if sent to the spec's first server, whatever
	// host they really went to; see route.
	u, err := url.Parse(doc.Servers[0].URL)
	if err != nil {
		return nil, fmt.Errorf("apispec: server URL: %w", err)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("apispec: server URL %s has a base path; routing assumes none", u)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("apispec: router: %w", err)
	}
	return &Validator{doc: doc, router: router, revision: doc.Info.Version, scheme: u.Scheme, host: u.Host}, nil
}

// subsetFile finds SubsetPath by walking up from this source file to go.mod.
// Under -trimpath the source path is not a file path; the working directory
// (the package directory under go test) is used instead.
func subsetFile() (string, error) {
	var start string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		start = filepath.Dir(file)
	} else if wd, err := os.Getwd(); err == nil {
		start = wd
	} else {
		return "", errors.New("apispec: cannot locate the module root")
	}
	for dir := start; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(SubsetPath)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("apispec: no go.mod above %s", start)
		}
		dir = parent
	}
}

// relax applies the schema relaxations described in the package comment:
// {"$ref": X, "nullable": true, ...} becomes
// {"allOf": [{"$ref": X}], "nullable": true, ...} everywhere, and
// CollectionLinks.next/prev become nullable.
func relax(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"]; ok {
				if nullable, _ := v["nullable"].(bool); nullable {
					delete(v, "$ref")
					v["allOf"] = []any{map[string]any{"$ref": ref}}
				}
				return
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)

	// CollectionLinks.next/prev: see the package comment.
	links, _ := dig(doc, "components", "schemas", "CollectionLinks", "properties").(map[string]any)
	for _, name := range []string{"next", "prev"} {
		prop, ok := links[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("CollectionLinks.%s not found; revisit the relaxation", name)
		}
		prop["nullable"] = true
	}
	return json.Marshal(doc)
}

// dig returns v[k0][k1]... or nil.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// options returns the openapi3filter options used for every validation.
func (v *Validator) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:                        true,
		SkipSettingDefaults:               true,
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		AuthenticationFunc:                authenticate,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
				if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
					return fmt.Errorf("not an RFC 3339 date-time: %w", err)
				}
				return nil
			})),
			openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(s string) error {
				if _, err := time.Parse(time.DateOnly, s); err != nil {
					return fmt.Errorf("not an RFC 3339 full-date: %w", err)
				}
				return nil
			})),
		},
	}
}

// authenticate implements the spec's "Klaviyo-API-Key" apiKey scheme:
// header Authorization = "Klaviyo-API-Key <key>" with a non-empty key.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s.Type != "apiKey" || s.In != "header" {
		return in.NewError(fmt.Errorf("security scheme %q (%s in %s) is not supported", in.SecuritySchemeName, s.Type, s.In))
	}
	values := in.RequestValidationInput.Request.Header.Values(s.Name)
	switch {
	case len(values) == 0:
		return in.NewError(fmt.Errorf("missing %s header", s.Name))
	case len(values) > 1:
		return in.NewError(fmt.Errorf("%d %s headers", len(values), s.Name))
	}
	key, ok := strings.CutPrefix(values[0], apiKeyPrefix)
	if !ok || key == "" || strings.ContainsAny(key, " \t") {
		return in.NewError(fmt.Errorf("%s header is not %q", s.Name, apiKeyPrefix+"<key>"))
	}
	return nil
}

// route returns a copy of req carrying body, addressed to the spec's server
// with one trailing slash removed, and the operation it matches.
func (v *Validator) route(req *http.Request, body []byte) (*http.Request, *routers.Route, map[string]string, error) {
	if req == nil || req.URL == nil {
		return nil, nil, nil, errors.New("no request")
	}
	r := req.Clone(context.Background())
	r.URL.Scheme, r.URL.Host, r.Host = v.scheme, v.host, v.host
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		r.URL.Path = strings.TrimSuffix(p, "/")
		if rp := r.URL.RawPath; rp != "" {
			r.URL.RawPath = strings.TrimSuffix(rp, "/")
		}
	}
	r.Body = http.NoBody
	r.GetBody = nil
	r.ContentLength = int64(len(body))
	if len(body) > 0 {
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.Body, _ = r.GetBody()
	}

	rt, params, err := v.router.FindRoute(r)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) {
			return nil, nil, nil, fmt.Errorf("%s %s: %s in Klaviyo spec subset (rerun scripts/extract-spec if the client needs a new operation)", req.Method, req.URL.Path, re.Reason)
		}
		return nil, nil, nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	return r, rt, params, nil
}

// ValidateRequest checks method, path, query parameters, headers the spec
// requires, security (Authorization: "Klaviyo-API-Key <key>") and the JSON
// body against the operation. body is the request body (req.Body is not read).
func (v *Validator) ValidateRequest(req *http.Request, body []byte) error {
	r, rt, params, err := v.route(req, body)
	if err != nil {
		return err
	}
	var errs []error
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: rt, Options: v.options()}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		errs = append(errs, err)
	}
	if err := v.checkRevision(rt, r.Header); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkRevision requires the revision header, when the operation declares
// it, to name the revision the spec describes.
func (v *Validator) checkRevision(rt *routers.Route, h http.Header) error {
	if rt.Operation.Parameters.GetByInAndName(openapi3.ParameterInHeader, "revision") == nil {
		return nil
	}
	got := h.Get("revision")
	if got == "" {
		return nil // reported by kin-openapi as a missing required parameter
	}
	if got != v.revision && !strings.HasPrefix(got, v.revision+".") {
		return fmt.Errorf("header revision: %q, but the spec describes revision %s", got, v.revision)
	}
	return nil
}

// ValidateResponse checks status, content type and body against the
// operation's responses. req and reqBody identify the operation.
func (v *Validator) ValidateResponse(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	r, rt, params, err := v.route(req, reqBody)
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{}
	}
	opts := v.options()
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: rt, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return err
	}
	// kin-openapi skips the body when the spec declares no content; Klaviyo
	// then sends none (e.g. 202 from the bulk subscription jobs).
	if ref := rt.Operation.Responses.Status(status); ref != nil && ref.Value != nil && len(ref.Value.Content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return fmt.Errorf("status %d: spec declares no body, got %d bytes", status, len(body))
		}
	}
	return nil
}

// Transport wraps next so that every request and response passing through is
// validated; each violation is reported with t.Errorf (naming method, URL and
// the error). Bodies still reach the caller intact. next nil means
// http.DefaultTransport. t must outlive the requests: t.Errorf after the test
// has finished panics.
func (v *Validator) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{v: v, t: t, next: next}
}

type transport struct {
	v    *Validator
	t    testing.TB
	next http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	// Forward a copy so the caller's request is not modified (RoundTripper contract).
	out := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}

	if err := tr.v.ValidateRequest(req, body); err != nil {
		tr.t.Errorf("apispec: request %s %s violates Klaviyo spec: %v", req.Method, req.URL, err)
	}

	resp, err := tr.next.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("apispec: reading response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err := tr.v.ValidateResponse(req, body, resp.StatusCode, resp.Header, respBody); err != nil {
		tr.t.Errorf("apispec: response %d to %s %s violates Klaviyo spec: %v", resp.StatusCode, req.Method, req.URL, err)
	}
	return resp, nil
}
