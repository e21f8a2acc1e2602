package model

import "testing"

// BenchmarkPhoneAnalysis types a 12-digit number one key at a time ("+",
// then each digit) and analyses it after each key, as the form's phone field
// does. One op is the whole number; ns/key is the per-keystroke cost.
func BenchmarkPhoneAnalysis(b *testing.B) {
	const number = "+447400123456" // 12 digits, 13 keys
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	rules.Analyze(number) // load libphonenumber's metadata outside the timing
	b.ReportAllocs()
	for b.Loop() {
		for i := 1; i <= len(number); i++ {
			rules.Analyze(number[:i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(number)), "ns/key")
}
