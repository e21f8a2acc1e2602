package sandbox

import (
	"time"

	"github.com/consentdesk/consent/model"
)

// demoCast are the demo account's named people for the guardrails, added
// after the generated profiles (so that those stay as they were) and on
// no list: one who replied STOP, one whose carrier deactivated the number,
// and Ana Kovač, whose email and phone number are on two profiles
// (BEHAVIOUR.md, rule 11). README.md and the specs use them.
func demoCast(epoch time.Time) []synthProfile {
	at := func(days int) int64 { return micros(epoch.AddDate(0, 0, -days)) }
	person := func(n uint64, first, last, email, phone string, created int) synthProfile {
		return synthProfile{
			id: ulid(uint64(epoch.AddDate(0, 0, -created).UnixMilli()), uint16(n), 0x5eed0000+n), first: first, last: last, email: email, phone: phone,
			locale: "en-US", country: model.CountryName("US"), place: synthPlace{city: "Hoboken", region: "NJ", zip: "07030", timezone: "America/New_York"},
			created: at(created), updated: at(created / 2), lastEvent: at(created / 2),
		}
	}
	tomas := person(1, "Tomás", "Reyes", "tomas.reyes@example.com", "+12015550191", 400)
	tomas.emailConsent = synthConsent{model.Subscribed, at(380), "FORM", ""}
	tomas.smsMarketing = synthConsent{model.Unsubscribed, at(40), stopMethod, stopDetail}

	priya := person(2, "Priya", "Nair", "priya.nair@example.org", "+12015550192", 500)
	priya.emailConsent = synthConsent{model.Subscribed, at(480), "PREFERENCE_PAGE", ""}
	priya.smsMarketing = synthConsent{model.Unsubscribed, at(25), carrierMethod, carrierDetail}
	priya.smsTransaction = synthConsent{model.Unsubscribed, at(25), carrierMethod, carrierDetail}

	anaEmail := person(3, "Ana", "Kovač", "ana.kovac@example.com", "", 300)
	anaEmail.emailConsent = synthConsent{model.Subscribed, at(290), "FORM", ""}

	anaPhone := person(4, "Ana", "K.", "", "+12015550193", 120)
	anaPhone.smsMarketing = synthConsent{model.Subscribed, at(110), "TEXT", "JOIN"}
	return []synthProfile{tomas, priya, anaEmail, anaPhone}
}
