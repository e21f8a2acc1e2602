// Package sandbox is an embedded backend that behaves like Klaviyo for the
// subset of its REST API Consent Desk uses: lists, list members, profile
// lookup, a profile's lists, and the bulk subscribe and unsubscribe jobs.
//
// One [Sandbox] serves that API as an [net/http.Handler] over a SQLite
// database (modernc.org/sqlite, pure Go). It is used in-process through
// [Sandbox.Transport] when no API key is configured, on a loopback port by
// `consent sandbox serve`, and by tests. Responses follow Klaviyo's OpenAPI
// spec (JSON:API documents, `application/vnd.api+json`), including the rule
// this product exists for: SMS consent is recorded only for numbers whose
// region the account's SMS policy allows.
//
// Bulk jobs are asynchronous as on Klaviyo: a POST is validated, stored in a
// jobs table and answered 202; the job is applied once its time has come,
// lazily at the start of the next request or by [Sandbox.ApplyDueJobs]. No
// background goroutine is involved, and stored jobs survive the process.
//
// Collections page by opaque cursors in the order asked (sort), with
// links.next and links.prev null where there is no page, and honour sparse
// fieldsets (fields[TYPE]). A query parameter value Klaviyo would refuse is
// refused; one Klaviyo serves and the sandbox does not (include, two
// sorts) is refused too, never silently ignored. BEHAVIOUR.md lists these
// rules with their sources.
//
// Errors are JSON:API error documents naming the offending place
// (source.pointer in the body, source.parameter in the query or headers);
// a detail quotes at most 256 bytes of each piece of the request it names
// (an id, a key, a value), cut with "…", however large the piece. Text
// that is not valid UTF-8 (a byte that is not, or a \u escape of half a
// surrogate pair) in a body or a query is refused with a 400 naming where
// it is, never stored as U+FFFD.
package sandbox
