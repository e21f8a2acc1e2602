package sandbox

import "strings"

// The sparse fieldsets each operation accepts: the enums of its fields[TYPE]
// parameters in Klaviyo's OpenAPI spec, revision 2026-07-15
// (https://github.com/klaviyo/openapi, the subset in testdata/openapi).
// A nested name such as subscriptions.email.marketing.consent selects one
// attribute inside another.
var (
	listFields          = words(`created id name opt_in_process updated`)
	listFieldsWithCount = words(`created id name opt_in_process profile_count updated`)
	profileFields       = words(`created email external_id first_name id image last_event_date last_name locale location
	location.address1 location.address2 location.city location.country location.ip
	location.latitude location.longitude location.region location.timezone location.zip
	organization phone_number predictive_analytics
	predictive_analytics.average_days_between_orders predictive_analytics.average_order_value
	predictive_analytics.churn_probability predictive_analytics.expected_date_of_next_order
	predictive_analytics.historic_clv predictive_analytics.historic_number_of_orders
	predictive_analytics.predicted_clv predictive_analytics.predicted_number_of_orders
	predictive_analytics.ranked_channel_affinity predictive_analytics.total_clv properties
	subscriptions subscriptions.email subscriptions.email.marketing
	subscriptions.email.marketing.can_receive_email_marketing
	subscriptions.email.marketing.consent subscriptions.email.marketing.consent_timestamp
	subscriptions.email.marketing.custom_method_detail
	subscriptions.email.marketing.double_optin subscriptions.email.marketing.last_updated
	subscriptions.email.marketing.list_suppressions subscriptions.email.marketing.method
	subscriptions.email.marketing.method_detail subscriptions.email.marketing.suppression
	subscriptions.email.open_tracking subscriptions.email.open_tracking.can_receive
	subscriptions.email.open_tracking.consent
	subscriptions.email.open_tracking.consent_timestamp
	subscriptions.email.open_tracking.created_timestamp
	subscriptions.email.open_tracking.last_updated subscriptions.email.open_tracking.metadata
	subscriptions.email.open_tracking.valid_until subscriptions.mobile_push
	subscriptions.mobile_push.marketing
	subscriptions.mobile_push.marketing.can_receive_push_marketing
	subscriptions.mobile_push.marketing.consent
	subscriptions.mobile_push.marketing.consent_timestamp subscriptions.sms
	subscriptions.sms.marketing subscriptions.sms.marketing.can_receive_sms_marketing
	subscriptions.sms.marketing.consent subscriptions.sms.marketing.consent_timestamp
	subscriptions.sms.marketing.last_updated subscriptions.sms.marketing.method
	subscriptions.sms.marketing.method_detail subscriptions.sms.transactional
	subscriptions.sms.transactional.can_receive_sms_transactional
	subscriptions.sms.transactional.consent subscriptions.sms.transactional.consent_timestamp
	subscriptions.sms.transactional.last_updated subscriptions.sms.transactional.method
	subscriptions.sms.transactional.method_detail subscriptions.whatsapp
	subscriptions.whatsapp.conversational subscriptions.whatsapp.conversational.can_receive
	subscriptions.whatsapp.conversational.consent
	subscriptions.whatsapp.conversational.consent_timestamp
	subscriptions.whatsapp.conversational.created_timestamp
	subscriptions.whatsapp.conversational.last_updated
	subscriptions.whatsapp.conversational.metadata
	subscriptions.whatsapp.conversational.phone_number
	subscriptions.whatsapp.conversational.valid_until subscriptions.whatsapp.marketing
	subscriptions.whatsapp.marketing.can_receive subscriptions.whatsapp.marketing.consent
	subscriptions.whatsapp.marketing.consent_timestamp
	subscriptions.whatsapp.marketing.created_timestamp
	subscriptions.whatsapp.marketing.last_updated subscriptions.whatsapp.marketing.metadata
	subscriptions.whatsapp.marketing.phone_number subscriptions.whatsapp.marketing.valid_until
	subscriptions.whatsapp.transactional subscriptions.whatsapp.transactional.can_receive
	subscriptions.whatsapp.transactional.consent
	subscriptions.whatsapp.transactional.consent_timestamp
	subscriptions.whatsapp.transactional.created_timestamp
	subscriptions.whatsapp.transactional.last_updated
	subscriptions.whatsapp.transactional.metadata
	subscriptions.whatsapp.transactional.phone_number
	subscriptions.whatsapp.transactional.valid_until title updated`)
	memberFields       = append(words("joined_group_at"), profileFields...)
	flowFields         = words(`archived created id name status trigger_type updated`)
	tagFields          = words(`id name`)
	conversationFields = words(`channel id`)
	pushTokenFields    = words(`background created enablement_status id metadata metadata.app_build metadata.app_id
	metadata.app_name metadata.app_version metadata.device_id metadata.device_model
	metadata.environment metadata.klaviyo_sdk metadata.manufacturer metadata.os_name
	metadata.os_version metadata.sdk_version platform recorded_date token vendor`)
	segmentFields = words(`created definition definition.condition_groups id is_active is_processing is_starred name
	updated`)
)

// words splits a block of space-separated names.
func words(s string) []string { return strings.Fields(s) }
