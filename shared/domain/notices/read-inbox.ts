import type { Deps } from "#domain/deps.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Member } from "#domain/membership/member.ts";
import type { ReadNotification } from "./inbox.ts";
import { readableNotice, readerLanguage } from "./render.ts";

/**
 * A page of a member's inbox, newest first, each notice in the member's language (theirs, else
 * the city's default), also when a coordinator reads it for them: the notice is the member's.
 */
export async function readInbox(
  deps: Pick<Deps, "inbox" | "city">,
  member: Pick<Member, "memberId" | "preferredLanguage">,
  page: PageRequest,
): Promise<Page<ReadNotification>> {
  const stored = await deps.inbox.list(member.memberId, page);
  const language = readerLanguage(member, deps.city);
  return { ...stored, items: stored.items.map((n) => readableNotice(n, language, deps.city)) };
}
