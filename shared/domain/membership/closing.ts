import type { Deps } from "#domain/deps.ts";
import { terminalStatuses } from "#domain/exchanges/exchange.ts";
import { RuleViolationError } from "#domain/kernel/errors.ts";
import { POT_ACCOUNT_ID } from "#domain/ledger/books.ts";
import { postTransfer, type TransferRequest } from "#domain/ledger/posting.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { changePostStatus } from "#domain/posts/lifecycle.ts";
import type { Acting } from "./acting.ts";
import { coordinatesArea, type Member } from "./member.ts";
import { closedMember } from "./members.ts";
import { commitStanding } from "./standing.ts";

/**
 * Closing an account settles what it must first, then nothing can move it again:
 * 1. it is refused (422, naming them) while the member has exchanges proposed, accepted,
 *    completed or disputed: they decline, cancel, confirm or wait for a coordinator first, so
 *    nobody is left with time given and never paid, nor surprised by a cancellation;
 * 2. a positive balance goes to the community pot, a negative one is written off by the pot (a
 *    `closing` transfer, one leg per book, so the books balance as ever) and the coordinators in
 *    scope are told of the write-off; when the pot cannot cover the debt, closing is refused with
 *    `LIMIT_EXCEEDED` and changes nothing (an admin can raise the pot's credit limit);
 * 3. the member's open and paused posts are withdrawn;
 * 4. the member is marked closed, personal details erased, and every book of their account frozen,
 *    in one transaction conditioned on each book holding nothing (a move that slipped in since
 *    step 2 is settled the same way, and the close tried again). The member is told in their inbox.
 */
type ClosingDeps = Pick<
  Deps,
  "members" | "clock" | "city" | "ids" | "posts" | "inbox" | "ledger" | "exchanges"
>;

/** What a closing moved: minutes given to the pot, and minutes the pot wrote off. */
interface Settled {
  given: number;
  writtenOff: number;
}

/**
 * Closes the account of the member acted for (see above).
 * @throws RuleViolationError when it is already closed or exchanges are open; LimitExceededError
 * when the pot cannot write the debt off; ConflictError on a racing edit.
 */
export async function closeAccountAndPosts(
  deps: ClosingDeps,
  acting: Acting,
): Promise<{ member: Member; withdrawnPosts: number }> {
  const next = closedMember(acting, deps.clock.now());
  await refuseOpenExchanges(deps, acting.subject.memberId);
  const settled: Settled = { given: 0, writtenOff: 0 };
  const settle = async () => {
    const moved = await settleWithPot(deps, acting);
    settled.given += moved.given;
    settled.writtenOff += moved.writtenOff;
  };
  await settle();

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

  const coordinators = async () =>
    (await deps.members.listCoordinators()).filter(
      (c) => c.memberId !== next.memberId && coordinatesArea(c, next.area),
    );
  let told = settled.writtenOff > 0 ? await coordinators() : [];
  await commitStanding(deps, next, acting.subject.updatedAt, {
    requireZeroBalance: true,
    notices: () => closingNotices(deps, next, settled, told),
    beforeRetry: async () => {
      await settle();
      if (settled.writtenOff > 0 && told.length === 0) told = await coordinators();
    },
  });
  return { member: next, withdrawnPosts };
}

/** @throws RuleViolationError naming every exchange of the member that is not over yet. */
async function refuseOpenExchanges(deps: Pick<Deps, "exchanges">, memberId: string): Promise<void> {
  const open: { path: string; message: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.exchanges.listForParty(memberId, { limit: 50, cursor });
    for (const exchange of page.items) {
      if (terminalStatuses.includes(exchange.status)) continue;
      open.push({ path: `exchanges.${exchange.exchangeId}`, message: `This exchange is ${exchange.status}` });
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (open.length > 0) {
    throw new RuleViolationError(
      "Settle your exchanges first: decline, cancel or confirm them (a coordinator helps with disputes)",
      open,
    );
  }
}

/**
 * Settles the member's balance with the pot in one `closing` transfer: each book that holds
 * credit pays it to the pot, each book in debt has it written off by the pot.
 * @throws LimitExceededError when the pot cannot write the debt off.
 */
async function settleWithPot(deps: ClosingDeps, acting: Acting): Promise<Settled> {
  const member = acting.subject;
  const state = await deps.ledger.readAccount(member.memberId);
  const books = (state?.books ?? []).filter((b) => b.balance !== 0);
  if (!state || books.length === 0) return { given: 0, writtenOff: 0 };
  const own = { accountId: member.memberId, kind: state.account.kind };
  const pot = { accountId: POT_ACCOUNT_ID, kind: "pot" as const };
  // Credit into the pot first, so the pot's own limit is judged after what it receives.
  const legs: TransferRequest["legs"] = [...books]
    .sort((a, b) => b.balance - a.balance)
    .map((b) =>
      b.balance > 0
        ? { from: own, to: pot, minutes: b.balance, fromShard: b.shard }
        : { from: pot, to: own, minutes: -b.balance, toShard: b.shard },
    );
  await postTransfer(deps, {
    // The books as read name the transfer: a retry on the same balances cannot post twice.
    transferId: `C-${member.memberId}-${state.books.reduce((sum, b) => sum + b.nextSeq, 0)}`,
    kind: "closing",
    legs,
    createdBy: acting.actor.memberId,
    ...(acting.actor.memberId !== member.memberId ? { onBehalfOf: member.memberId } : {}),
    area: member.area,
    memo: "Account closed: balance settled with the community pot",
  });
  return {
    given: books.filter((b) => b.balance > 0).reduce((sum, b) => sum + b.balance, 0),
    writtenOff: books.filter((b) => b.balance < 0).reduce((sum, b) => sum - b.balance, 0),
  };
}

/** The member's notice of their closing, then one per coordinator told of a write-off. */
function closingNotices(
  deps: Pick<Deps, "ids" | "clock">,
  member: Member,
  settled: Settled,
  coordinators: readonly Member[],
): InboxDelivery[] {
  const createdAt = deps.clock.now().toISOString();
  const parts = [
    settled.given > 0 ? `Your balance of ${settled.given} minutes went to the community pot.` : "",
    settled.writtenOff > 0 ? `The community pot wrote off the ${settled.writtenOff} minutes you owed.` : "",
  ].filter(Boolean);
  const notices: InboxDelivery[] = [
    {
      notification: {
        notificationId: deps.ids.next(),
        memberId: member.memberId,
        kind: "account-closed",
        title: "Your account is closed",
        body: [...parts, "Thank you for the time you gave."].join(" "),
        createdAt,
      },
      dedupeKey: `account-closed#${member.memberId}`,
    },
  ];
  if (settled.writtenOff === 0) return notices;
  for (const coordinator of coordinators) {
    notices.push({
      notification: {
        notificationId: deps.ids.next(),
        memberId: coordinator.memberId,
        kind: "account-written-off",
        title: `${member.displayName} closed their account owing time`,
        body: `The community pot wrote off the ${settled.writtenOff} minutes ${member.displayName} owed when the account closed.`,
        link: `/members/${member.memberId}`,
        createdAt,
      },
      dedupeKey: `account-written-off#${member.memberId}`,
    });
  }
  return notices;
}
