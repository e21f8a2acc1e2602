package client

// KeyMaskForBench is keyMask.body for key, for the benchmarks of package
// client_test, which read pages from the sandbox (that package cannot be
// imported here).
func KeyMaskForBench(key string) func(body []byte) []byte { return newKeyMask(key).body }
