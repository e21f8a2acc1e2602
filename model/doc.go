// Package model is Consent Desk's domain: phone and email analysis, the SMS
// country policy, and the consent types that mirror Klaviyo's subscriptions
// object. It performs no I/O and imports no other package of the project, so
// every rule here can be tested and fuzzed in isolation and called on every
// keystroke.
package model
