package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/consentdesk/consent/model"
)

// synthCountry describes how demo and synthetic profiles of one country
// look: mobile number prefixes whose completion with any `free` digits is
// a valid mobile number (checked by TestSynthPhonesValid), places and
// names.
type synthCountry struct {
	region   string
	weight   int // relative frequency
	prefixes []string
	free     int
	locale   string
	places   []synthPlace
	names    nameSet
}

type synthPlace struct {
	city, region, zip, timezone string
}

type nameSet struct {
	first, last []string
}

// synthCountries returns the countries of synthetic data: SMS countries of
// the default policy and ones outside it (SI, PR, HU, BR, IN), whose SMS
// consent Klaviyo would not record.
func synthCountries() []synthCountry {
	english := nameSet{
		first: []string{"Sarah", "James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace", "Henry", "Chloe", "Jack", "Ruby", "Oscar"},
		last:  []string{"Mason", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Wright", "Hughes", "Evans", "Roberts", "Turner", "Hill", "Cooper", "Ward"},
	}
	return []synthCountry{
		{"US", 30, []string{"+12124", "+14155", "+13125", "+16175", "+12065", "+13035", "+15125", "+13056"}, 6, "en-US", []synthPlace{
			{"New York", "NY", "10017", "America/New_York"}, {"San Francisco", "CA", "94105", "America/Los_Angeles"},
			{"Chicago", "IL", "60601", "America/Chicago"}, {"Boston", "MA", "02108", "America/New_York"},
			{"Seattle", "WA", "98101", "America/Los_Angeles"}, {"Denver", "CO", "80202", "America/Denver"},
			{"Austin", "TX", "78701", "America/Chicago"}, {"Miami", "FL", "33101", "America/New_York"}}, english},
		{"CA", 7, []string{"+14165", "+16045", "+15145"}, 6, "en-CA", []synthPlace{
			{"Toronto", "ON", "M5H 2N2", "America/Toronto"}, {"Vancouver", "BC", "V6B 1A1", "America/Vancouver"},
			{"Montreal", "QC", "H2Y 1C6", "America/Toronto"}}, english},
		{"GB", 10, []string{"+447400", "+447507", "+447824"}, 6, "en-GB", []synthPlace{
			{"London", "England", "EC1A 1BB", "Europe/London"}, {"Manchester", "England", "M1 1AE", "Europe/London"},
			{"Edinburgh", "Scotland", "EH1 1YZ", "Europe/London"}}, english},
		{"DE", 6, []string{"+49151", "+49160", "+49170"}, 8, "de-DE", []synthPlace{
			{"Berlin", "Berlin", "10115", "Europe/Berlin"}, {"München", "Bayern", "80331", "Europe/Berlin"}},
			nameSet{first: []string{"Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie"},
				last: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"}}},
		{"FR", 5, []string{"+3361", "+3367"}, 7, "fr-FR", []synthPlace{
			{"Paris", "Île-de-France", "75001", "Europe/Paris"}, {"Lyon", "Auvergne-Rhône-Alpes", "69001", "Europe/Paris"}},
			nameSet{first: []string{"Camille", "Louis", "Léa", "Hugo", "Manon", "Jules", "Chloé", "Arthur"},
				last: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"}}},
		{"AU", 6, []string{"+6140", "+6141"}, 7, "en-AU", []synthPlace{
			{"Sydney", "NSW", "2000", "Australia/Sydney"}, {"Melbourne", "VIC", "3000", "Australia/Melbourne"}}, english},
		{"NZ", 3, []string{"+6421"}, 7, "en-NZ", []synthPlace{
			{"Auckland", "Auckland", "1010", "Pacific/Auckland"}, {"Wellington", "Wellington", "6011", "Pacific/Auckland"}}, english},
		{"IE", 2, []string{"+35385", "+35387"}, 7, "en-IE", []synthPlace{{"Dublin", "Leinster", "D02", "Europe/Dublin"}}, english},
		{"NL", 2, []string{"+3161"}, 7, "nl-NL", []synthPlace{{"Amsterdam", "Noord-Holland", "1012", "Europe/Amsterdam"}},
			nameSet{first: []string{"Daan", "Emma", "Sem", "Julia", "Lucas", "Tess"}, last: []string{"de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Smit"}}},
		{"ES", 2, []string{"+346"}, 8, "es-ES", []synthPlace{{"Madrid", "Madrid", "28013", "Europe/Madrid"}},
			nameSet{first: []string{"Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo"}, last: []string{"García", "Fernández", "López", "Martínez", "Sánchez", "Pérez"}}},
		{"IT", 2, []string{"+39347"}, 7, "it-IT", []synthPlace{{"Milano", "Lombardia", "20121", "Europe/Rome"}},
			nameSet{first: []string{"Giulia", "Leonardo", "Sofia", "Francesco", "Aurora", "Lorenzo"}, last: []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"}}},
		{"SE", 2, []string{"+4670"}, 7, "sv-SE", []synthPlace{{"Stockholm", "Stockholm", "111 20", "Europe/Stockholm"}},
			nameSet{first: []string{"Alice", "William", "Elsa", "Hugo", "Maja", "Oliver"}, last: []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"}}},
		{"SI", 5, []string{"+38631", "+38641", "+38640"}, 6, "sl-SI", []synthPlace{
			{"Ljubljana", "Ljubljana", "1000", "Europe/Ljubljana"}, {"Maribor", "Maribor", "2000", "Europe/Ljubljana"}},
			nameSet{first: []string{"Luka", "Nika", "Jan", "Zala", "Žiga", "Eva", "Nejc", "Maja"},
				last: []string{"Novak", "Horvat", "Krajnc", "Kovačič", "Zupančič", "Potočnik", "Kos", "Vidmar"}}},
		{"PR", 4, []string{"+17875", "+19395"}, 6, "es-PR", []synthPlace{
			{"San Juan", "PR", "00901", "America/Puerto_Rico"}, {"Ponce", "PR", "00716", "America/Puerto_Rico"}},
			nameSet{first: []string{"José", "María", "Luis", "Carmen", "Carlos", "Ana"}, last: []string{"Rivera", "Rodríguez", "Díaz", "Colón", "Torres", "Santiago"}}},
		{"HU", 4, []string{"+3620", "+3630", "+3670"}, 7, "hu-HU", []synthPlace{{"Budapest", "Budapest", "1051", "Europe/Budapest"}},
			nameSet{first: []string{"Bence", "Hanna", "Máté", "Anna", "Levente", "Zsófia"}, last: []string{"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga"}}},
		{"BR", 5, []string{"+55119", "+55219"}, 8, "pt-BR", []synthPlace{
			{"São Paulo", "SP", "01000-000", "America/Sao_Paulo"}, {"Rio de Janeiro", "RJ", "20000-000", "America/Sao_Paulo"}},
			nameSet{first: []string{"Miguel", "Alice", "Arthur", "Helena", "Gael", "Laura"}, last: []string{"Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira"}}},
		{"IN", 5, []string{"+9198", "+9199"}, 8, "en-IN", []synthPlace{
			{"Mumbai", "Maharashtra", "400001", "Asia/Kolkata"}, {"Bengaluru", "Karnataka", "560001", "Asia/Kolkata"}},
			nameSet{first: []string{"Aarav", "Diya", "Vihaan", "Ananya", "Arjun", "Isha"}, last: []string{"Sharma", "Patel", "Reddy", "Iyer", "Gupta", "Singh"}}},
	}
}

// pickCountry maps a number in [0, total weight) to a country.
func pickCountry(countries []synthCountry, n int) *synthCountry {
	for i := range countries {
		if n < countries[i].weight {
			return &countries[i]
		}
		n -= countries[i].weight
	}
	return &countries[len(countries)-1]
}

func totalWeight(countries []synthCountry) int {
	total := 0
	for _, c := range countries {
		total += c.weight
	}
	return total
}

// phone returns the country's n-th synthetic mobile number: numbers are
// distinct for distinct n below len(prefixes)·10^free.
func (c *synthCountry) phone(n uint64) string {
	prefix := c.prefixes[n%uint64(len(c.prefixes))]
	space := uint64(1)
	for range c.free {
		space *= 10
	}
	// 7919 is prime to 10, so this permutes [0, space): numbers look
	// scattered but never repeat.
	v := (n/uint64(len(c.prefixes))*7919 + 104729) % space
	s := strconv.FormatUint(v, 10)
	return prefix + strings.Repeat("0", c.free-len(s)) + s
}

// synthProfile is one generated profile, ready to insert.
type synthProfile struct {
	seq                          int64 // 0 = let SQLite assign it
	id                           string
	email, phone                 string
	first, last, locale          string
	place                        synthPlace
	country                      string
	created, updated, lastEvent  int64
	properties                   string
	emailConsent                 synthConsent
	emCustom                     *string
	emSuppr, emListSuppr         []storedSuppression
	smsMarketing, smsTransaction synthConsent
}

// synthConsent is one channel's generated consent; a zero value is
// NEVER_SUBSCRIBED.
type synthConsent struct {
	state        model.ConsentState
	at           int64
	method       string
	methodDetail string
}

func (c synthConsent) args() []any {
	if c.state == "" || c.state == model.NeverSubscribed {
		return []any{string(model.NeverSubscribed), nil, nil, nil, nil}
	}
	return []any{string(c.state), c.at, c.at, c.method, c.methodDetail}
}

// insertProfileSQL inserts a synthProfile; see synthProfile.args.
const insertProfileSQL = `INSERT INTO profiles (seq, id, email, phone_number, first_name, last_name, locale,
	created, updated, last_event_date, city, country, region, zip, timezone, properties,
	em_consent, em_consent_ts, em_updated, em_method, em_method_detail, em_custom_detail, em_double_optin,
	em_suppression, em_list_suppr,
	sm_consent, sm_consent_ts, sm_updated, sm_method, sm_method_detail,
	st_consent, st_consent_ts, st_updated, st_method, st_method_detail)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func (p *synthProfile) args() ([]any, error) {
	suppr, err := json.Marshal(nonNil(p.emSuppr))
	if err != nil {
		return nil, err
	}
	listSuppr, err := json.Marshal(nonNil(p.emListSuppr))
	if err != nil {
		return nil, err
	}
	var seq any
	if p.seq != 0 {
		seq = p.seq
	}
	var doubleOptin any
	if p.emailConsent.state == model.Subscribed {
		doubleOptin = false
	}
	props := p.properties
	if props == "" {
		props = "{}"
	}
	out := []any{seq, p.id, nullable(p.email), nullable(p.phone), nullable(p.first), nullable(p.last), nullable(p.locale),
		p.created, p.updated, p.lastEvent, nullable(p.place.city), nullable(p.country), nullable(p.place.region),
		nullable(p.place.zip), nullable(p.place.timezone), props}
	out = append(out, p.emailConsent.args()...)
	out = append(out, p.emCustom, doubleOptin, string(suppr), string(listSuppr))
	out = append(out, p.smsMarketing.args()...)
	out = append(out, p.smsTransaction.args()...)
	return out, nil
}

// emailLocal makes an email local part from a name: lower case ASCII
// letters, accents dropped.
func emailLocal(first, last string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(first + "." + last) {
		switch {
		case r >= 'a' && r <= 'z', r == '.':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			if a, ok := asciiFold(r); ok {
				b.WriteByte(a)
			}
		}
	}
	return b.String()
}

// asciiFold maps the accented letters of the synthetic names to ASCII.
func asciiFold(r rune) (byte, bool) {
	const from, to = "áàâäãéèêëíìîïóòôöõúùûüçñčšžćđ", "aaaaaeeeeiiiiooooouuuucncszcd"
	for i, f := range []rune(from) {
		if f == r {
			return to[i], true
		}
	}
	return 0, false
}
