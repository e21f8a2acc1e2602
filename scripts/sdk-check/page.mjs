// Pages a list's members with Klaviyo's official Node SDK (100 a page, with
// subscriptions), as `consent members` does, and prints the count, the
// pages read (the SDK's own retries are not seen) and the time taken.
// Usage: KLAVIYO_API_URL=http://127.0.0.1:PORT node page.mjs LIST_ID [--lines]
// With --lines every member is printed as a JSON line (as `consent members
// --json` does) and the summary goes to stderr.
import { ApiKeySession, ListsApi } from "klaviyo-api";

const [listId, mode] = process.argv.slice(2);
const lines = mode === "--lines";
const lists = new ListsApi(new ApiKeySession("pk_sdk_page"));
lists.basePath = process.env.KLAVIYO_API_URL;

const start = process.hrtime.bigint();
let members = 0, pages = 0, cursor;
do {
  const { body } = await lists.getProfilesForList(listId, { additionalFieldsProfile: ["subscriptions"], pageSize: 100, ...(cursor ? { pageCursor: cursor } : {}) });
  pages++;
  members += body.data.length;
  if (lines) process.stdout.write(body.data.map((m) => JSON.stringify(m)).join("\n") + "\n");
  cursor = body.links?.next ? new URL(body.links.next).searchParams.get("page[cursor]") : undefined;
} while (cursor);
const secs = Number(process.hrtime.bigint() - start) / 1e9;
(lines ? console.error : console.log)(`node klaviyo-api: ${members} members, ${pages} pages, ${secs.toFixed(2)} s`);
