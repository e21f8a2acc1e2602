package model

import "testing"

func TestRegionOfCountry(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"SI", "SI", true}, {" si ", "SI", true}, {"Slovenia", "SI", true}, {"united kingdom", "GB", true},
		{"UK", "GB", true}, {"Puerto Rico", "PR", true}, {"Germany", "DE", true},
		{"Atlantis", "", false}, {"", "", false}, {"XX", "", false},
	} {
		got, ok := RegionOfCountry(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RegionOfCountry(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
