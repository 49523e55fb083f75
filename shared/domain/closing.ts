import type { Acting } from "./acting.ts";
import type { Member } from "./member.ts";
import { closeAccount } from "./membership.ts";
import type { Deps } from "./ports.ts";
import { changePostStatus } from "./post-lifecycle.ts";

/**
 * Closes an account: first withdraws the member's open and paused posts (so nobody answers a
 * post whose owner has left), then erases personal details and marks the member closed.
 * @throws RuleViolationError when the account is already closed; ConflictError on a racing edit.
 */
export async function closeAccountAndPosts(
  deps: Pick<Deps, "members" | "clock" | "city" | "ids" | "posts" | "inbox">,
  acting: Acting,
): Promise<{ member: Member; withdrawnPosts: number }> {
  let withdrawnPosts = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.posts.listByOwner(acting.subject.memberId, { limit: 50, cursor });
    for (const card of page.items) {
      if (card.status !== "open" && card.status !== "paused") continue;
      await changePostStatus(deps, acting, card.postId, "withdrawn");
      withdrawnPosts++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { member: await closeAccount(deps, acting), withdrawnPosts };
}
