import type { Deps } from "#domain/deps.ts";
import { ConflictError } from "#domain/kernel/errors.ts";
import { MAX_TRANSACTION_ITEMS, openingOf } from "#domain/ledger/books.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import type { Member } from "./member.ts";

/**
 * A member's standing and their account: while a member is suspended, and for good once they
 * closed their account, nothing can move their credit. The status change and the freeze of every
 * book of the account are one transaction, and every posting is conditioned on its books not
 * being frozen, so a posting planned before a suspension cannot commit after it. Reinstating
 * thaws the books in the same way. A member who never had an account gets a frozen one, so a
 * first posting cannot open it past the change.
 */
type StandingDeps = Pick<Deps, "ledger" | "members" | "city" | "clock" | "inbox">;

const MAX_ATTEMPTS = 8;

/**
 * Writes `next` (the member with their new status) with the freeze or thaw its status calls for,
 * and the notices, retrying when a book moved meanwhile. `beforeRetry` runs before each retry (the
 * closing settles a balance that moved); with `requireZeroBalance` the books must hold nothing.
 * @throws ConflictError when the member changed meanwhile or the books kept moving.
 */
export async function commitStanding(
  deps: StandingDeps,
  next: Member,
  expectedUpdatedAt: string,
  options: {
    requireZeroBalance?: boolean;
    notices?: () => readonly InboxDelivery[];
    beforeRetry?: () => Promise<void>;
  } = {},
): Promise<void> {
  const frozen = next.status === "suspended" || next.status === "closed" ? next.status : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await options.beforeRetry?.();
    const state = await deps.ledger.readAccount(next.memberId);
    const notices = options.notices?.() ?? [];
    if (!state && !frozen) {
      // Nothing to thaw: a plain status change.
      await deps.members.update(next, expectedUpdatedAt);
      for (const { notification, dedupeKey } of notices) await deps.inbox.deliver(notification, dedupeKey);
      return;
    }
    const opening = state
      ? undefined
      : openingOf(deps.city, next.memberId, next.kind, deps.clock.now().toISOString());
    const account = opening ? { opening } : { books: state?.books ?? [] };
    // The member, then each book (an opening also writes its header and registration).
    const books = opening ? opening.books.length + 2 : (state?.books.length ?? 0);
    // What does not fit DynamoDB's 100 items per transaction is delivered right after, under the
    // same dedupe keys.
    const room = Math.max(0, Math.floor((MAX_TRANSACTION_ITEMS - 1 - books) / 2));
    const result = await deps.ledger.changeStanding({
      member: next,
      expectedUpdatedAt,
      account,
      frozen,
      requireZeroBalance: options.requireZeroBalance ?? false,
      notices: notices.slice(0, room),
    });
    if (result === "changed") {
      for (const { notification, dedupeKey } of notices.slice(room)) {
        await deps.inbox.deliver(notification, dedupeKey);
      }
      return;
    }
  }
  throw new ConflictError("The account kept changing while its standing changed; try again");
}
