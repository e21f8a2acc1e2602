// Sends a sign-up sheet with Klaviyo's official Node SDK as an integrator
// would: the rows read naively (comma-separated, header skipped), sent in
// bulk subscribe jobs of 1,000 through the list, nothing checked before
// or after. A baseline for scripts/import-compare.
// Usage: KLAVIYO_API_URL=http://127.0.0.1:PORT node import.mjs FILE LIST_ID
import { readFileSync } from "node:fs";
import { ApiKeySession, ProfilesApi } from "klaviyo-api";

const [file, listId] = process.argv.slice(2);
const profiles = new ProfilesApi(new ApiKeySession("pk_sdk_import"));
profiles.basePath = process.env.KLAVIYO_API_URL;

const rows = readFileSync(file, "utf8").split(/\r?\n/).slice(1).filter((l) => l.trim() !== "");
const start = process.hrtime.bigint();
let jobs = 0;
for (let i = 0; i < rows.length; i += 1000) {
  const data = rows.slice(i, i + 1000).map((line) => {
    const [email, phone] = line.split(",");
    const subscriptions = { email: { marketing: { consent: "SUBSCRIBED" } } };
    const attributes = { email, subscriptions };
    if (phone) {
      attributes.phoneNumber = phone.replace(/[^+\d]/g, "");
      subscriptions.sms = { marketing: { consent: "SUBSCRIBED" } };
    }
    return { type: "profile", attributes };
  });
  await profiles.bulkSubscribeProfiles({
    data: {
      type: "profile-subscription-bulk-create-job",
      attributes: { profiles: { data } },
      relationships: { list: { data: { type: "list", id: listId } } },
    },
  });
  jobs++;
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`node klaviyo-api: ${rows.length} rows, ${jobs} jobs, ${secs.toFixed(2)} s`);
