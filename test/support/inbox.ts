import type { Deps } from "#domain/deps.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { ReadNotification } from "#domain/notices/inbox.ts";
import { readInbox } from "#domain/notices/read-inbox.ts";
import type { City } from "#shared/config/city.ts";

/** A member's inbox as a reader of `language` gets it (words rendered from each notice's params). */
export function inboxIn(
  deps: Pick<Deps, "inbox" | "city">,
  memberId: string,
  page: PageRequest,
  language: City["languages"]["default"] = "en",
): Promise<Page<ReadNotification>> {
  return readInbox(deps, { memberId, preferredLanguage: language }, page);
}
