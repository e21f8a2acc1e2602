// Drives Klaviyo's official Node SDK (klaviyo-api) against a Consent Desk
// sandbox, unchanged but for its basePath: the standard of faithfulness.
// Usage: KLAVIYO_API_URL=http://127.0.0.1:PORT node check.mjs
import { ApiKeySession, ListsApi, ProfilesApi } from "klaviyo-api";

const base = process.env.KLAVIYO_API_URL;
if (!base) {
  console.error("set KLAVIYO_API_URL to a `consent sandbox serve` URL");
  process.exit(2);
}
const session = new ApiKeySession("pk_sdk_check");
const lists = new ListsApi(session);
const profiles = new ProfilesApi(session);
lists.basePath = base;
profiles.basePath = base;

const fail = (msg) => { console.error("FAIL " + msg); process.exitCode = 1; };
const ok = (msg) => console.log("ok   " + msg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  // Lists, following the SDK's own paging (10 a page).
  let all = [];
  let cursor;
  do {
    const { body } = await lists.getLists(cursor ? { pageCursor: cursor } : {});
    all = all.concat(body.data);
    cursor = body.links?.next ? new URL(body.links.next).searchParams.get("page[cursor]") : undefined;
  } while (cursor);
  all.length > 10 ? ok(`getLists paged through ${all.length} lists`) : fail(`getLists: ${all.length} lists`);
  const newsletter = all.find((l) => l.attributes.optInProcess === "single_opt_in");

  const { body: members } = await lists.getProfilesForList(newsletter.id, { additionalFieldsProfile: ["subscriptions"], pageSize: 100 });
  const m = members.data[0];
  m && m.attributes.joinedGroupAt && m.attributes.subscriptions?.email?.marketing?.consent
    ? ok(`getProfilesForList: ${members.data.length} members with joinedGroupAt and subscriptions`)
    : fail("getProfilesForList: " + JSON.stringify(m));

  const email = `sdk.${Date.now()}@example.com`;
  await profiles.bulkSubscribeProfiles({
    data: {
      type: "profile-subscription-bulk-create-job",
      attributes: {
        customSource: "SDK check",
        profiles: { data: [{ type: "profile", attributes: { email, phoneNumber: "+12015550199",
          subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } }, sms: { marketing: { consent: "SUBSCRIBED" } } } } }] },
      },
      relationships: { list: { data: { type: "list", id: newsletter.id } } },
    },
  });
  ok("bulkSubscribeProfiles accepted (202)");

  let found;
  for (let i = 0; i < 20 && !found; i++) {
    await sleep(250);
    const { body } = await profiles.getProfiles({ filter: `equals(email,"${email}")`, additionalFieldsProfile: ["subscriptions"] });
    const p = body.data[0];
    if (p?.attributes.subscriptions?.email?.marketing?.consent === "SUBSCRIBED") found = p;
  }
  found ? ok(`getProfiles found ${email} SUBSCRIBED`) : fail("subscription never appeared");
  const sms = found?.attributes.subscriptions.sms.marketing;
  sms?.consent === "SUBSCRIBED" && sms?.consentTimestamp ? ok(`SMS consent recorded at ${sms.consentTimestamp.toISOString?.() ?? sms.consentTimestamp}`) : fail("sms: " + JSON.stringify(sms));

  const { body: byPhone } = await profiles.getProfiles({ filter: 'equals(phone_number,"+12015550199")' });
  byPhone.data.some((p) => p.id === found.id) ? ok("getProfiles by phone number (+ encoded by the SDK)") : fail("phone lookup");

  const { body: one } = await profiles.getProfile(found.id, { additionalFieldsProfile: ["subscriptions"] });
  one.data.id === found.id ? ok("getProfile") : fail("getProfile");
  const { body: onLists } = await profiles.getListsForProfile(found.id);
  onLists.data.some((l) => l.id === newsletter.id) ? ok("getListsForProfile") : fail("getListsForProfile");

  try {
    await profiles.bulkSubscribeProfiles({ data: { type: "profile-subscription-bulk-create-job", attributes: { profiles: { data: [
      { type: "profile", attributes: { phoneNumber: "+38631234567", subscriptions: { sms: { marketing: { consent: "SUBSCRIBED" } } } } }] } } } });
    fail("a phone-only Slovenian SMS subscription was accepted");
  } catch (e) {
    const status = e.response?.status;
    const detail = e.response?.data?.errors?.[0]?.detail;
    status === 400 && detail ? ok(`Slovenian SMS refused: 400 "${detail}"`) : fail(`Slovenian SMS: ${status} ${detail}`);
  }

  await profiles.bulkUnsubscribeProfiles({ data: { type: "profile-subscription-bulk-delete-job", attributes: { profiles: { data: [
    { type: "profile", attributes: { email, subscriptions: { email: { marketing: { consent: "UNSUBSCRIBED" } } } } }] } } } });
  ok("bulkUnsubscribeProfiles accepted (202)");
} catch (e) {
  fail(`${e.message} ${e.response ? e.response.status + " " + JSON.stringify(e.response.data) : ""}`);
}
