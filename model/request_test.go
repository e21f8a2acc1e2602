package model

import (
	"strings"
	"testing"
)

func TestConsentRequestCheck(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	tests := []struct {
		name     string
		req      ConsentRequest
		problems []string // "field: part of reason", in order
		email    string
		phone    string
	}{
		{name: "email and US SMS", req: ConsentRequest{ListID: "Y6nRLr", Email: " X@Example.COM ", Phone: "+1 201 555 0123", Channels: []Channel{EmailMarketing, SMSMarketing}},
			email: "X@example.com", phone: "+12015550123"},
		{name: "Slovenian SMS refused", req: ConsentRequest{Email: "x@example.com", Phone: "+386 31 234 567", Channels: []Channel{EmailMarketing, SMSMarketing}},
			problems: []string{"phone: Slovenia (+386) is not an SMS country"}},
		{name: "Slovenian number stored with email only", req: ConsentRequest{Email: "x@example.com", Phone: "+386 31 234 567", Channels: []Channel{EmailMarketing}},
			email: "x@example.com", phone: "+38631234567"},
		{name: "GB landline refused for SMS", req: ConsentRequest{Phone: "+44 20 7946 0958", Channels: []Channel{SMSTransactional}},
			problems: []string{"phone: A landline"}},
		{name: "incomplete number says incomplete, not its region's SMS reason", req: ConsentRequest{Phone: "+386 31 234", Channels: []Channel{SMSMarketing}},
			problems: []string{"phone: incomplete: +386 31 234 so far, finish the number"}},
		{name: "incomplete US number", req: ConsentRequest{Phone: "+1 201 555", Channels: []Channel{SMSMarketing}},
			problems: []string{"phone: incomplete: +1 201 555 so far"}},
		{name: "SMS without phone", req: ConsentRequest{Email: "x@example.com", Channels: []Channel{SMSMarketing}},
			problems: []string{"phone: SMS consent needs a phone number"}},
		{name: "email marketing without email", req: ConsentRequest{Phone: "+1 201 555 0123", Channels: []Channel{EmailMarketing}},
			problems: []string{"email: email marketing needs an email address"}},
		{name: "nothing at all", req: ConsentRequest{},
			problems: []string{"email: give an email address or a phone number", "channels: choose at least one channel"}},
		{name: "invalid email and phone", req: ConsentRequest{Email: "x@", Phone: "+1 call", Channels: []Channel{EmailMarketing}},
			problems: []string{"email: no domain yet", "phone: letters are not part"}},
		{name: "duplicate and unknown channels", req: ConsentRequest{Email: "x@example.com", Channels: []Channel{EmailMarketing, EmailMarketing, "push"}},
			problems: []string{"channels: Email marketing is asked for twice", `channels: unknown channel "push"`}},
		{name: "bad list id", req: ConsentRequest{ListID: "Y6n/../x", Email: "x@example.com", Channels: []Channel{EmailMarketing}},
			problems: []string{"list: "}},
		{name: "over-long source", req: ConsentRequest{Email: "x@example.com", Channels: []Channel{EmailMarketing}, Source: strings.Repeat("s", 300)},
			problems: []string{"source: at most 255"}},
		{name: "source not UTF-8", req: ConsentRequest{Email: "x@example.com", Channels: []Channel{EmailMarketing}, Source: "Booth \xff"},
			problems: []string{"source: is not valid UTF-8 text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.req.Email
			got, problems := tt.req.Check(rules)
			if tt.req.Email != before {
				t.Error("Check changed its input")
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %v, want %v", problems, tt.problems)
			}
			for i, p := range problems {
				if !strings.HasPrefix(p.String(), tt.problems[i][:strings.Index(tt.problems[i], ":")+1]) || !strings.Contains(p.String(), tt.problems[i]) {
					t.Errorf("problem %d = %q, want %q", i, p, tt.problems[i])
				}
			}
			if len(problems) == 0 && (got.Email != tt.email || got.Phone != tt.phone) {
				t.Errorf("checked email %q phone %q, want %q %q", got.Email, got.Phone, tt.email, tt.phone)
			}
		})
	}
}

func TestJoinProblems(t *testing.T) {
	tests := []struct {
		problems []Problem
		want     string
	}{
		{nil, ""},
		{[]Problem{{Field: "phone", Reason: "too short"}}, "phone: too short"},
		{[]Problem{{Field: "phone", Reason: "too short"}, {Field: "list", Reason: "pick a list"}}, "phone: too short; list: pick a list"},
	}
	for _, tt := range tests {
		if got := JoinProblems(tt.problems); got != tt.want {
			t.Errorf("JoinProblems(%v) = %q, want %q", tt.problems, got, tt.want)
		}
	}
}

// TestRefusalSaysEmailIsUnaffectedOnlyWhenEmailIsSent: the SMS refusal's
// closing sentence is about the email consent going with it.
func TestRefusalSaysEmailIsUnaffectedOnlyWhenEmailIsSent(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	tests := []struct {
		name string
		req  ConsentRequest
		want bool
	}{
		{"phone only", ConsentRequest{Phone: "+38631234567", Channels: []Channel{SMSMarketing}}, false},
		{"email given, no email consent", ConsentRequest{Email: "a@example.com", Phone: "+38631234567", Channels: []Channel{SMSMarketing}}, false},
		{"email consent sent with it", ConsentRequest{Email: "a@example.com", Phone: "+38631234567", Channels: []Channel{EmailMarketing, SMSMarketing}}, true},
		{"landline, email consent sent", ConsentRequest{Email: "a@example.com", Phone: "+442079460958", Channels: []Channel{EmailMarketing, SMSTransactional}}, true},
		{"landline, phone only", ConsentRequest{Phone: "+442079460958", Channels: []Channel{SMSTransactional}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := tt.req.Check(rules)
			if len(problems) != 1 || problems[0].Field != "phone" {
				t.Fatalf("problems = %v", problems)
			}
			if got := strings.Contains(problems[0].Reason, "Email consent is unaffected."); got != tt.want {
				t.Errorf("%q: says email is unaffected = %v, want %v", problems[0].Reason, got, tt.want)
			}
			if !strings.Contains(problems[0].Reason, "SMS consent would not be recorded.") {
				t.Errorf("reason lost its point: %q", problems[0].Reason)
			}
		})
	}
}
