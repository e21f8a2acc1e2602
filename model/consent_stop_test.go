package model

import "testing"

func TestStopOptOut(t *testing.T) {
	for _, tc := range []struct {
		c   ChannelConsent
		how string
	}{
		{ChannelConsent{Channel: SMSMarketing, Consent: Unsubscribed, Method: "SMS", MethodDetail: "STOP"}, "replied STOP"},
		{ChannelConsent{Channel: SMSMarketing, Consent: Unsubscribed, Method: "CARRIER_DEACTIVATION"}, "carrier deactivation"},
		{ChannelConsent{Channel: SMSMarketing, Consent: Unsubscribed, Method: "API"}, ""},
		{ChannelConsent{Channel: SMSMarketing, Consent: Subscribed, MethodDetail: "STOP"}, ""},
		{ChannelConsent{Channel: EmailMarketing, Consent: Unsubscribed, MethodDetail: "STOP"}, ""},
	} {
		how, ok := tc.c.StopOptOut()
		if how != tc.how || ok != (tc.how != "") {
			t.Errorf("%+v: StopOptOut = %q, %v; want %q", tc.c, how, ok, tc.how)
		}
	}
}
