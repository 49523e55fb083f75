import type { Deps } from "#domain/deps.ts";
import type { Conversation } from "./conversation.ts";

/**
 * A conversation whose retention ran out (its header expired by TTL after the last activity)
 * takes everything with it: messages, entries, reports. Idempotent.
 */
export async function eraseExpiredConversation(
  deps: Pick<Deps, "conversations">,
  conversation: Conversation,
): Promise<number> {
  return deps.conversations.erase(conversation);
}

/**
 * A closed account's messages leave every conversation it was in, with its entries; the other
 * side keeps the conversation and sees "a former member". Idempotent (a replay finds nothing).
 */
export async function eraseClosedMemberMessages(
  deps: Pick<Deps, "conversations">,
  memberId: string,
): Promise<number> {
  let erased = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.conversations.listFor(memberId, { limit: 50, cursor });
    for (const entry of page.items)
      erased += await deps.conversations.eraseMember(memberId, entry.conversationId);
    cursor = page.nextCursor;
  } while (cursor);
  return erased;
}
