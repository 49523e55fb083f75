import type { Deps } from "#domain/deps.ts";
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, type PageRequest } from "#domain/kernel/paging.ts";
import { minutesText } from "#domain/kernel/words.ts";
import type { Member } from "#domain/membership/member.ts";
import { memberInScope, requireAdmin, requireCoordinator } from "#domain/membership/members.ts";
import { refuseSelfDealing } from "#domain/membership/power.ts";
import * as z from "#shared/zod.ts";
import {
  type AccountKind,
  defaultLimits,
  type JournalLine,
  limitMinutesSchema,
  POT_ACCOUNT_ID,
  splitLimits,
  summarise,
  timeOfLine,
  transferKinds,
} from "./books.ts";
import { LimitExceededError } from "./errors.ts";
import { openAccounts } from "./posting.ts";

/** Accounts as members see them: balance, limits, totals, and the statement with running balance. */
export const accountViewSchema = z.object({
  accountId: z.string(),
  kind: z.enum(["person", "organisation", "pot"]),
  balanceMinutes: z.int(),
  /** How far below zero the account may go (an organisation's issuance quota). */
  creditLimitMinutes: z.int(),
  maxBalanceMinutes: z.int(),
  /** What can still be spent: balance plus credit limit. */
  availableMinutes: z.int(),
  /** What can still be received before the maximum balance. */
  roomMinutes: z.int(),
  /**
   * In the words of time banks: the minutes of time this member gave (as the provider of an
   * exchange, as a volunteer, or as a venue hosting an activity) and received, net of reversals.
   * Welcome credits, donations and payments move the balance but are not time given or received.
   */
  givenMinutes: z.int(),
  receivedMinutes: z.int(),
  /** False until the first transfer or limit change opens it; the figures are then the defaults. */
  opened: z.boolean(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const limitsRequestSchema = z.strictObject({
  creditLimitMinutes: limitMinutesSchema,
  maxBalanceMinutes: limitMinutesSchema,
});
export type LimitsRequest = z.infer<typeof limitsRequestSchema>;

export const statementLineSchema = z.object({
  postedAt: z.iso.datetime(),
  transferId: z.string(),
  kind: z.enum(transferKinds),
  /** Credit: positive when credited to this account, negative when debited. */
  amountMinutes: z.int(),
  /** The time this line stands for, if any: given (credited for time given) or received. */
  givenMinutes: z.optional(z.int()),
  receivedMinutes: z.optional(z.int()),
  /** The account's balance right after this line. */
  balanceAfterMinutes: z.int(),
  counterpartyId: z.string(),
  counterpartyName: z.string(),
  memo: z.optional(z.string()),
});
export type StatementLine = z.infer<typeof statementLineSchema>;

export const statementSchema = z.object({
  accountId: z.string(),
  /** Oldest first, like a bank statement. */
  items: z.array(statementLineSchema),
  nextCursor: z.optional(z.string()),
});
export type Statement = z.infer<typeof statementSchema>;

/**
 * The account of a member (or the pot) as its owner and helpers see it. Never writes: an account
 * not opened yet shows its default limits and zero.
 */
export async function viewAccount(
  deps: Pick<Deps, "ledger" | "city">,
  accountId: string,
  kind: AccountKind,
): Promise<AccountView> {
  const state = await deps.ledger.readAccount(accountId);
  if (!state) {
    const limits = defaultLimits(deps.city, kind);
    return {
      accountId,
      kind,
      balanceMinutes: 0,
      creditLimitMinutes: limits.creditLimit,
      maxBalanceMinutes: limits.maxBalance,
      availableMinutes: limits.creditLimit,
      roomMinutes: limits.maxBalance,
      givenMinutes: 0,
      receivedMinutes: 0,
      opened: false,
    };
  }
  const { balance, given, received } = summarise(state.books);
  const { account } = state;
  return {
    accountId,
    kind: account.kind,
    balanceMinutes: balance,
    creditLimitMinutes: account.creditLimitMinutes,
    maxBalanceMinutes: account.maxBalanceMinutes,
    availableMinutes: balance + account.creditLimitMinutes,
    roomMinutes: account.maxBalanceMinutes - balance,
    givenMinutes: given,
    receivedMinutes: received,
    opened: true,
  };
}

/**
 * Changes an account's credit limit and maximum balance: a person's by a coordinator in scope, an
 * organisation's (its issuance quota) or the pot's by an admin. Guarded against racing postings:
 * every book's new share is written only if its balance still lies within it.
 * @throws ForbiddenError for the wrong role; SelfDealingError for their own account or an
 * organisation they run; NotFoundError out of scope; LimitExceededError when the balance already
 * lies beyond the new limits.
 */
export async function changeAccountLimits(
  deps: Pick<Deps, "ledger" | "members" | "clock" | "city">,
  actor: Member,
  accountId: string,
  request: LimitsRequest,
): Promise<AccountView> {
  let kind: AccountKind = "pot";
  if (accountId === POT_ACCOUNT_ID) {
    requireAdmin(actor);
  } else {
    requireCoordinator(actor);
    const member = await deps.members.get(accountId);
    if (member) refuseSelfDealing(actor, member, "sets the limits of an account");
    if (member?.kind === "organisation") {
      requireAdmin(actor);
    } else {
      await memberInScope(deps, actor, accountId);
    }
    kind = member?.kind ?? "person";
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    let state = await deps.ledger.readAccount(accountId);
    if (!state) {
      await openAccounts(deps, [{ accountId, kind }]);
      state = await deps.ledger.readAccount(accountId);
      if (!state) throw new Error(`account ${accountId} did not open`);
    }
    const shares = splitLimits(
      request.creditLimitMinutes,
      request.maxBalanceMinutes,
      state.books.map((b) => b.balance),
    );
    if (!shares) {
      const { balance } = summarise(state.books);
      throw new LimitExceededError(
        `The account's balance (${minutesText(balance)}) lies beyond the new limits`,
        {
          accountId,
          limit: balance < 0 ? "credit-limit" : "max-balance",
        },
        [
          {
            path: balance < 0 ? "creditLimitMinutes" : "maxBalanceMinutes",
            message: `Must allow the current balance of ${minutesText(balance)}`,
          },
        ],
      );
    }
    const now = deps.clock.now().toISOString();
    const result = await deps.ledger.changeLimits({
      account: {
        ...state.account,
        creditLimitMinutes: request.creditLimitMinutes,
        maxBalanceMinutes: request.maxBalanceMinutes,
        version: state.account.version + 1,
        updatedAt: now,
        updatedBy: actor.memberId,
      },
      expectedVersion: state.account.version,
      books: state.books.map((before, i) => ({
        before,
        creditLimit: shares[i]?.creditLimit ?? 0,
        maxBalance: shares[i]?.maxBalance ?? 0,
      })),
    });
    if (result === "changed") return viewAccount(deps, accountId, kind);
  }
  throw new LimitExceededError("The account is too busy to change its limits now; try again", {
    accountId,
    limit: "credit-limit",
  });
}

/** The display name of a statement's counterparty. */
async function namesOf(deps: Pick<Deps, "members">, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>([[POT_ACCOUNT_ID, "Community pot"]]);
  const wanted = [...new Set(ids)].filter((id) => !names.has(id));
  const members = await Promise.all(wanted.map((id) => deps.members.get(id)));
  members.forEach((m, i) => {
    names.set(wanted[i] ?? "", m?.displayName ?? "Former member");
  });
  return names;
}

const statementPosition = z.strictObject({
  /** Per book: the shard, the last sequence number shown and the book's balance after it. */
  b: z
    .array(z.tuple([z.int().check(z.gte(0), z.lt(100)), z.int().check(z.gte(0)), z.int()]))
    .check(z.maxLength(100)),
});
const statementOf = (accountId: string) => `statement:${accountId}`;

function decodeStatementCursor(
  accountId: string,
  cursor: string | undefined,
): Map<number, { seq: number; balance: number }> {
  const position = new Map<number, { seq: number; balance: number }>();
  for (const [shard, seq, balance] of decodeCursor(cursor, statementOf(accountId), statementPosition)?.b ??
    []) {
    position.set(shard, { seq, balance });
  }
  return position;
}

function encodeStatementCursor(
  accountId: string,
  position: Map<number, { seq: number; balance: number }>,
): string {
  const b = [...position].map(([shard, p]) => [shard, p.seq, p.balance]);
  return encodeCursor(statementOf(accountId), { b });
}

/**
 * A page of the account's statement, oldest first, with the running balance after each line. An
 * organisation's books are merged by time; the running balance is the sum of each book's balance
 * after its latest line shown, carried from page to page in the cursor.
 * @throws ValidationError for a forged cursor.
 */
export async function readStatement(
  deps: Pick<Deps, "ledger" | "members">,
  accountId: string,
  page: PageRequest,
): Promise<Statement> {
  const position = decodeStatementCursor(accountId, page.cursor);
  const state = await deps.ledger.readAccount(accountId);
  if (!state) return { accountId, items: [] };
  const limit = Math.min(page.limit, MAX_PAGE_SIZE * 4);
  const fetched = await Promise.all(
    state.books.map(async (book) => {
      const after = position.get(book.shard)?.seq ?? 0;
      const result = await deps.ledger.listLines(book, after, limit);
      return { shard: book.shard, ...result };
    }),
  );
  const heads = fetched.map((f) => ({ ...f, index: 0 }));
  const taken: JournalLine[] = [];
  while (taken.length < limit) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) {
      const line = head.lines[head.index];
      const current = best?.lines[best.index];
      if (line && (!current || line.postedAt < current.postedAt)) best = head;
    }
    const line = best?.lines[best.index];
    if (!best || !line) break;
    best.index += 1;
    taken.push(line);
  }
  const names = await namesOf(
    deps,
    taken.map((l) => l.counterpartyId),
  );
  // What a reversal line takes back depends on what it reversed: a few reads, for reversals only.
  const reversals = await deps.ledger.getTransfers([
    ...new Set(taken.filter((l) => l.kind === "reversal").map((l) => l.transferId)),
  ]);
  const balances = new Map<number, { seq: number; balance: number }>(position);
  const items = taken.map((line) => {
    balances.set(line.shard, { seq: line.seq, balance: line.balanceAfter });
    const running = [...balances.values()].reduce((sum, p) => sum + p.balance, 0);
    const time = timeOfLine(line.kind, reversals.get(line.transferId)?.reversedKind, line.amount);
    return {
      postedAt: line.postedAt,
      transferId: line.transferId,
      kind: line.kind,
      amountMinutes: line.amount,
      ...(time.given !== 0 ? { givenMinutes: time.given } : {}),
      ...(time.received !== 0 ? { receivedMinutes: time.received } : {}),
      balanceAfterMinutes: running,
      counterpartyId: line.counterpartyId,
      counterpartyName: names.get(line.counterpartyId) ?? line.counterpartyId,
      ...(line.memo ? { memo: line.memo } : {}),
    };
  });
  const more = heads.some((h) => h.index < h.lines.length || h.more);
  return { accountId, items, ...(more ? { nextCursor: encodeStatementCursor(accountId, balances) } : {}) };
}

/** The whole statement (up to `maxLines`), for CSV export. */
export async function fullStatement(
  deps: Pick<Deps, "ledger" | "members">,
  accountId: string,
  maxLines = 10_000,
): Promise<StatementLine[]> {
  const lines: StatementLine[] = [];
  let cursor: string | undefined;
  do {
    const page = await readStatement(deps, accountId, { limit: 200, cursor });
    lines.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && lines.length < maxLines);
  return lines.slice(0, maxLines);
}
