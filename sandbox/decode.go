package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// maxBodyBytes bounds a request body: a full 1000-profile job is well
// under 1 MB.
const maxBodyBytes = 4 << 20

// maxBodyErrors bounds how many errors one response lists.
const maxBodyErrors = 50

// readJSONBody checks the content type and decodes the body into generic
// JSON values (numbers kept as json.Number), refusing a string that is not
// valid UTF-8 text. Every failure is a 4xx.
func readJSONBody(w http.ResponseWriter, r *http.Request) (any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != contentType && mt != "application/json") {
			return nil, unsupportedMediaType(ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
				Title: "Request entity too large.", Detail: fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
		}
		return nil, invalidBody("", "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, invalidBody("", "The request body is empty: send a JSON:API document.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalidBody("", "The request body is not valid JSON: %s.", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalidBody("", "The request body has data after the JSON document.")
	}
	if err := checkBodyText(body); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return "syntax error at byte " + strconv.FormatInt(syntax.Offset, 10)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return "malformed document"
}

// walker reads a decoded JSON document, collecting one 400 per problem,
// each with the JSON pointer of where it is.
type walker struct {
	errs apiErrors
}

func (w *walker) fail(pointer, format string, args ...any) {
	if len(w.errs) < maxBodyErrors {
		w.errs = append(w.errs, invalidBody(pointer, format, args...))
	}
}

func (w *walker) failed() bool { return len(w.errs) > 0 }

func (w *walker) err() error {
	if len(w.errs) == 0 {
		return nil
	}
	return w.errs
}

// object returns the object at pointer; a missing or null value is
// reported when required. Keys not in allowed are errors.
func (w *walker) object(v any, pointer string, required bool, allowed ...string) (map[string]any, bool) {
	if v == nil {
		if required {
			w.fail(pointer, "'%s' is required.", lastSegment(pointer))
		}
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		w.fail(pointer, "'%s' must be an object.", lastSegment(pointer))
		return nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			w.fail(pointer+"/"+escapePointer(k), "'%s' is not a valid field for '%s'.", k, lastSegment(pointer))
		}
	}
	return m, true
}

// str returns the string at pointer; null or missing is "" with ok false.
func (w *walker) str(v any, pointer string, required bool) (string, bool) {
	if v == nil {
		if required {
			w.fail(pointer, "'%s' is required.", lastSegment(pointer))
		}
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		w.fail(pointer, "'%s' must be a string.", lastSegment(pointer))
		return "", false
	}
	return s, true
}

// boolean returns the boolean at pointer; null or missing is false.
func (w *walker) boolean(v any, pointer string) bool {
	if v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		w.fail(pointer, "'%s' must be true or false.", lastSegment(pointer))
	}
	return b
}

// array returns the array at pointer.
func (w *walker) array(v any, pointer string) ([]any, bool) {
	if v == nil {
		w.fail(pointer, "'%s' is required.", lastSegment(pointer))
		return nil, false
	}
	a, ok := v.([]any)
	if !ok {
		w.fail(pointer, "'%s' must be an array.", lastSegment(pointer))
		return nil, false
	}
	return a, true
}

// constant requires the string at pointer to be want.
func (w *walker) constant(v any, pointer, want string) {
	s, ok := w.str(v, pointer, true)
	if ok && s != want {
		w.fail(pointer, "'%s' must be %q, not %q.", lastSegment(pointer), want, s)
	}
}

func lastSegment(pointer string) string {
	seg := pointer[strings.LastIndexByte(pointer, '/')+1:]
	if seg == "" {
		return "data"
	}
	return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
}

// escapePointer escapes a key for use in a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
