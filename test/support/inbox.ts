import type { City } from "../../shared/config/city.ts";
import type { ReadNotification } from "../../shared/domain/inbox.ts";
import { readInbox } from "../../shared/domain/notices/read-inbox.ts";
import type { Page, PageRequest } from "../../shared/domain/paging.ts";
import type { Deps } from "../../shared/domain/ports.ts";

/** A member's inbox as a reader of `language` gets it (words rendered from each notice's params). */
export function inboxIn(
  deps: Pick<Deps, "inbox" | "city">,
  memberId: string,
  page: PageRequest,
  language: City["languages"]["default"] = "en",
): Promise<Page<ReadNotification>> {
  return readInbox(deps, { memberId, preferredLanguage: language }, page);
}
