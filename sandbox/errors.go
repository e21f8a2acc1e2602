package sandbox

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// apiError is one JSON:API error as Klaviyo reports it. Handlers return it
// as an error; ServeHTTP writes it with its status.
type apiError struct {
	Status    int
	Code      string
	Title     string
	Detail    string
	Pointer   string // source.pointer: where in the request body
	Parameter string // source.parameter: which query parameter or header
	// HasParameter says that Parameter names one, even "": a query
	// parameter may have an empty name.
	HasParameter bool
	Links        map[string]string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Detail)
}

// apiErrors is a response carrying several errors of the same status, such
// as every invalid profile of a bulk job.
type apiErrors []*apiError

func (es apiErrors) Error() string {
	if len(es) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
}

// maxEcho bounds each piece of the request an error quotes back (an id, a
// key, a value, a header) and its source.pointer or source.parameter: a
// 100 KB id or a 3 MB key name is quoted by its first bytes and "…".
const maxEcho = 256

// clipEcho shortens s to at most maxEcho bytes, cut at a character
// boundary and marked with "…".
func clipEcho(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	const ellipsis = "…"
	cut := maxEcho - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// where is the place in the request an error is about: a JSON pointer
// into the body, or a query parameter or header.
type where struct {
	pointer      string
	parameter    string
	hasParameter bool
}

// newError is the one way an error that quotes the request is made: every
// string argument of its detail, and its source, is clipped by clipEcho.
// Constructors below call it; nothing else formats a detail.
func newError(status int, code, title string, at where, format string, args ...any) *apiError {
	clipped := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case string:
			clipped[i] = clipEcho(a)
		case []byte:
			clipped[i] = clipEcho(string(a))
		default:
			clipped[i] = a
		}
	}
	return &apiError{Status: status, Code: code, Title: title, Detail: fmt.Sprintf(format, clipped...),
		Pointer: clipEcho(at.pointer), Parameter: clipEcho(at.parameter), HasParameter: at.hasParameter}
}

// invalidBody is a 400 about the request body at pointer.
func invalidBody(pointer, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "invalid", "Invalid input.", where{pointer: pointer}, format, args...)
}

// invalidParam is a 400 about a query parameter or header.
func invalidParam(param, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "invalid", "Invalid input.", where{parameter: param, hasParameter: true}, format, args...)
}

// notFound is a 404 for a resource that does not exist.
func notFound(pointer, format string, args ...any) *apiError {
	return newError(http.StatusNotFound, "not_found", "Not found.", where{pointer: pointer}, format, args...)
}

// unsupportedMediaType is the 415 for a body sent with the Content-Type
// header ct.
func unsupportedMediaType(ct string) *apiError {
	return newError(http.StatusUnsupportedMediaType, "unsupported_media_type", "Unsupported media type.", where{},
		"Unsupported media type %q: send %s.", ct, contentType)
}

func notAuthenticated() *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "not_authenticated",
		Title:   "Authentication credentials were not provided.",
		Detail:  "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.",
		Pointer: "/data/"}
}

func methodNotAllowed(method string) *apiError {
	return newError(http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed.", where{},
		"Method %q not allowed.", method)
}

func routeNotFound() *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Title: "Not found.",
		Detail: "The requested resource does not exist."}
}

// throttled is Klaviyo's 429 body for a wait of retryAfter seconds.
func throttled(retryAfter int) *apiError {
	unit := "seconds"
	if retryAfter == 1 {
		unit = "second"
	}
	return &apiError{Status: http.StatusTooManyRequests, Code: "throttled", Title: "Request was throttled.",
		Detail:  "Request was throttled. Expected available in " + strconv.Itoa(retryAfter) + " " + unit + ".",
		Pointer: "/data",
		Links:   map[string]string{"type": "https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling#rate-limits"}}
}

// serverError is the 500 every unexpected failure becomes. Its detail never
// carries the cause: that could hold personal data or SQL.
func serverError() *apiError {
	return &apiError{Status: http.StatusInternalServerError, Code: "error",
		Title: "A server error occurred.", Detail: "A server error occurred."}
}

// unavailable is the 503 the fault injector answers with.
func unavailable() *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "service_unavailable",
		Title: "Service unavailable.", Detail: "The service is temporarily unavailable (injected fault). Try again later."}
}

// errorObject is the wire form of one error.
type errorObject struct {
	ID     string            `json:"id"`
	Status int               `json:"status"`
	Code   string            `json:"code"`
	Title  string            `json:"title"`
	Detail string            `json:"detail"`
	Source *errorSource      `json:"source,omitempty"`
	Links  map[string]string `json:"links"`
	Meta   map[string]any    `json:"meta"`
}

type errorSource struct {
	Pointer   string  `json:"pointer,omitempty"`
	Parameter *string `json:"parameter,omitempty"`
}

func (e *apiError) object() errorObject {
	o := errorObject{ID: newUUID(), Status: e.Status, Code: e.Code, Title: e.Title, Detail: e.Detail,
		Links: e.Links, Meta: map[string]any{}}
	if o.Links == nil {
		o.Links = map[string]string{}
	}
	if e.Pointer != "" || e.Parameter != "" || e.HasParameter {
		o.Source = &errorSource{Pointer: e.Pointer}
		if e.Parameter != "" || e.HasParameter {
			o.Source.Parameter = &e.Parameter
		}
	}
	return o
}

// newUUID returns a random (version 4) UUID for an error's id.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
