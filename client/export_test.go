package client

// MaskKeyInBodyForBench is keyMask.body for the benchmarks of package
// client_test, which read pages from the sandbox (that package cannot be
// imported here).
func MaskKeyInBodyForBench(key string, body []byte) []byte { return newKeyMask(key).body(body) }
