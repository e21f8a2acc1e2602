package model

import (
	"strings"
	"testing"
)

func TestDefaultSMSPolicy(t *testing.T) {
	p := DefaultSMSPolicy()
	want := "AT,AU,BE,CA,CH,DE,DK,ES,FI,FR,GB,IE,IT,NL,NO,NZ,PT,SE,US"
	if got := p.String(); got != want {
		t.Errorf("default policy = %s, want %s", got, want)
	}
	for _, c := range p.Countries() {
		if c.Country == "" || c.Since == "" || c.Source == "" {
			t.Errorf("entry %+v lacks a country name, date or source", c)
		}
	}
	for _, notUS := range []string{"PR", "VI", "GU", "AS", "MP", "JM", "DO", "GG", "JE", "IM", "SI", "HU", ""} {
		if p.Allows(notUS) {
			t.Errorf("default policy allows %q", notUS)
		}
	}
}

func TestNewSMSPolicy(t *testing.T) {
	tests := []struct {
		name    string
		regions []string
		want    string
		err     string
	}{
		{name: "codes normalised", regions: []string{" us", "si "}, want: "SI,US"},
		{name: "empty list allows nothing", regions: nil, want: ""},
		{name: "unknown code", regions: []string{"US", "XX"}, err: `unknown region "XX"`},
		{name: "blank code", regions: []string{""}, err: "empty region code"},
		{name: "duplicate", regions: []string{"US", "us"}, err: "US is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewSMSPolicy(tt.regions, "config")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("policy = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewSMSPolicyKeepsDefaultProvenance(t *testing.T) {
	p, err := NewSMSPolicy([]string{"US", "PL"}, "account config")
	if err != nil {
		t.Fatal(err)
	}
	cs := p.Countries()
	if cs[0].Region != "PL" || cs[0].Source != "account config" || cs[0].Country != "Poland" {
		t.Errorf("PL entry = %+v", cs[0])
	}
	if cs[1].Region != "US" || !strings.Contains(cs[1].Source, "help centre") {
		t.Errorf("US entry = %+v, want the default entry's source", cs[1])
	}
}

func TestNilPolicyAllowsNothing(t *testing.T) {
	var p *SMSPolicy
	if p.Allows("US") || len(p.Countries()) != 0 {
		t.Error("nil policy allows something")
	}
}

func TestParseRegion(t *testing.T) {
	for in, want := range map[string]string{"us": "US", " GB ": "GB", "si": "SI"} {
		got, err := ParseRegion(in)
		if err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "USA", "ZZ", "\x1b[2J"} {
		if _, err := ParseRegion(bad); err == nil {
			t.Errorf("ParseRegion(%q) accepted", bad)
		} else if strings.ContainsRune(err.Error(), '\x1b') {
			t.Errorf("error quotes an escape character: %q", err)
		}
	}
}
