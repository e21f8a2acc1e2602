package model

// Sources of the dated SMS country entries: Klaviyo help-centre pages, named
// by article number under https://help.klaviyo.com/hc/en-us/articles/.
const (
	sourceHelp2021 = "Klaviyo help centre 4402914866843 (2021–22 version): US, CA, UK, AU"
	sourceHelp2024 = "Klaviyo help centre 6637671573403 \"Understanding SMS sending numbers\" (2024-12-12)"
	sourceHelpNow  = "Klaviyo help centre 4402914866843 (current version, newer than 2024-12-12)"
)

// defaultSMSCountries is the 19-country list of Klaviyo's current help-centre
// page. Each entry records when it was first seen listed and where. "US" is
// the 50 states and DC only: Puerto Rico and the other +1 territories have
// region codes of their own and are deliberately absent.
var defaultSMSCountries = []SMSCountry{
	{Region: "US", Since: "2021-01-01", Source: sourceHelp2021},
	{Region: "CA", Since: "2021-01-01", Source: sourceHelp2021},
	{Region: "GB", Since: "2021-01-01", Source: sourceHelp2021},
	{Region: "AU", Since: "2021-01-01", Source: sourceHelp2021},
	{Region: "IE", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "DE", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "FR", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "BE", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "AT", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "ES", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "CH", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "DK", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "SE", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "NO", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "FI", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "IT", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "PT", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "NZ", Since: "2024-12-12", Source: sourceHelp2024},
	{Region: "NL", Since: "2026-07-15", Source: sourceHelpNow + "; marked (LA), limited availability"},
}
