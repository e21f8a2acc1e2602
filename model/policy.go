package model

import (
	"fmt"
	"sort"
	"strings"
)

// SMSCountry is one entry of an SMS policy: a region where SMS consent can be
// collected, with the date it was first seen listed and where that was read.
type SMSCountry struct {
	Region  string `json:"region"`
	Country string `json:"country"`
	Since   string `json:"since"`
	Source  string `json:"source"`
}

// SMSPolicy says in which regions an account can collect SMS consent. Klaviyo
// silently drops (or, on newer revisions, rejects) SMS consent for a number
// whose region is not in it. The zero value allows nothing; use
// DefaultSMSPolicy or NewSMSPolicy.
type SMSPolicy struct {
	entries map[string]SMSCountry
}

// DefaultSMSPolicy returns the 19 countries of Klaviyo's current help-centre
// page (US meaning the 50 states and DC).
func DefaultSMSPolicy() *SMSPolicy {
	p := &SMSPolicy{entries: make(map[string]SMSCountry, len(defaultSMSCountries))}
	for _, c := range defaultSMSCountries {
		c.Country = CountryName(c.Region)
		p.entries[c.Region] = c
	}
	return p
}

// NewSMSPolicy builds an account's own policy from region codes (case and
// surrounding spaces ignored), recording source as where the list came from.
// Entries already in the default policy keep their date and source. An
// unknown or duplicated code is an error naming it.
func NewSMSPolicy(regions []string, source string) (*SMSPolicy, error) {
	def := DefaultSMSPolicy()
	p := &SMSPolicy{entries: make(map[string]SMSCountry, len(regions))}
	for _, raw := range regions {
		code, err := ParseRegion(raw)
		if err != nil {
			return nil, fmt.Errorf("SMS countries: %w", err)
		}
		if _, dup := p.entries[code]; dup {
			return nil, fmt.Errorf("SMS countries: %s is listed twice", code)
		}
		entry, ok := def.entries[code]
		if !ok {
			entry = SMSCountry{Region: code, Country: CountryName(code), Source: source}
		}
		p.entries[code] = entry
	}
	return p, nil
}

// Allows reports whether SMS consent can be recorded for numbers of region.
func (p *SMSPolicy) Allows(region string) bool {
	if p == nil || region == "" {
		return false
	}
	_, ok := p.entries[region]
	return ok
}

// Countries returns the policy's entries sorted by region code.
func (p *SMSPolicy) Countries() []SMSCountry {
	if p == nil {
		return nil
	}
	out := make([]SMSCountry, 0, len(p.entries))
	for _, c := range p.entries {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out
}

// Regions returns the policy's region codes, sorted.
func (p *SMSPolicy) Regions() []string {
	cs := p.Countries()
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Region
	}
	return out
}

// String lists the policy's region codes, comma-separated.
func (p *SMSPolicy) String() string { return strings.Join(p.Regions(), ",") }
