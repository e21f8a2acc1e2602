package sandbox

import (
	"math/rand/v2"
	"net/http"
	"sync"
)

// faultInjector answers a seeded random fraction of requests with a 429 or
// a 5xx, before anything is applied, so that clients can be tested against
// Klaviyo's bad days.
type faultInjector struct {
	failRate, throttleRate float64

	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultInjector(seed int64, failRate, throttleRate float64) *faultInjector {
	return &faultInjector{
		failRate:     failRate,
		throttleRate: throttleRate,
		rng:          rand.New(rand.NewPCG(uint64(seed), 0x5eed_cafe)),
	}
}

// inject draws once and returns the error to answer with, or nil: a
// throttle (429, `Retry-After: 1`) with probability throttleRate, else a
// 503 with probability failRate, so each rate is the fraction of all
// requests it affects (as long as they sum to at most 1).
func (f *faultInjector) inject(w http.ResponseWriter) error {
	if f.failRate <= 0 && f.throttleRate <= 0 {
		return nil
	}
	f.mu.Lock()
	u := f.rng.Float64()
	f.mu.Unlock()
	switch {
	case u < f.throttleRate:
		w.Header().Set("Retry-After", "1")
		return throttled(1)
	case u < f.throttleRate+f.failRate:
		return unavailable()
	}
	return nil
}
