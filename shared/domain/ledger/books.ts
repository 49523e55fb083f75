import { createHash } from "node:crypto";
import { ValidationError } from "#domain/kernel/errors.ts";
import { minutesText } from "#domain/kernel/words.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { AccountFrozenError, LimitExceededError } from "./errors.ts";

/**
 * The reciprocal ledger's pure core: accounts, books, journal lines, transfers, and the planning
 * of a posting (sequence numbers, running balances, limit checks, hash chain). No I/O here; the
 * posting loop (ledger-posting.ts) reads books, plans with these functions and commits the plan
 * in one DynamoDB transaction.
 *
 * Vocabulary. An **account** belongs to a member (or is the city's community pot). Its balance is
 * held in one or more **books**: people have one; organisations have several (shards) so that a
 * busy organisation's awards do not all queue on one item. A **transfer** moves minutes along one
 * or more **legs** (from one book to another); each leg writes two **journal lines**, a debit and
 * a credit, numbered per book without gaps. Balances are integers (minutes). The sum of every
 * balance in the city is always zero: credit is only ever moved, never made.
 */

/** The city's community pot: receives donations, pays welcome credits. */
export const POT_ACCOUNT_ID = "city-pot";
/** Books (balance shards) per organisation account; see `README` notes on the trade-off. */
export const ORGANISATION_BOOKS = 16;
/** The largest amount one leg may move (a day of time). */
export const MAX_TRANSFER_MINUTES = 24 * 60;
/** The largest credit limit or maximum balance an account may have (the city file's own bound). */
export const MAX_LIMIT_MINUTES = 1_000_000;
/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Most legs in one transfer: 25 legs write at most 79 items, under DynamoDB's 100 per transaction. */
export const MAX_LEGS = 25;
/** The hash a book's chain starts from. */
export const GENESIS_HASH = "0".repeat(64);

export const accountKinds = ["person", "organisation", "pot"] as const;
export type AccountKind = (typeof accountKinds)[number];

export const transferKinds = [
  "exchange",
  "award",
  "redemption",
  "donation",
  "grant",
  "reversal",
  "payment",
  /** A closing account's balance settled with the community pot (given to it, or written off). */
  "closing",
] as const;
export type TransferKind = (typeof transferKinds)[number];

/** A positive whole number of minutes, at most a day: what one leg of a transfer may move. */
export const minutesSchema = z.int().check(z.gte(1), z.lte(MAX_TRANSFER_MINUTES));
/** A credit limit or maximum balance. */
export const limitMinutesSchema = z.int().check(z.gte(0), z.lte(MAX_LIMIT_MINUTES));

export const accountSchema = z.object({
  accountId: z.string(),
  kind: z.enum(accountKinds),
  /** How many books (balance shards) hold the balance. */
  books: z.int().check(z.gte(1), z.lte(64)),
  /** How far below zero the whole account may go (for organisations: the issuance quota). */
  creditLimitMinutes: z.int(),
  /** How far above zero the whole account may go. */
  maxBalanceMinutes: z.int(),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.optional(z.string()),
  /** Bumped by every limit change: two coordinators changing limits at once cannot both win. */
  version: z.int(),
});
export type Account = z.infer<typeof accountSchema>;

export const bookSchema = z.object({
  accountId: z.string(),
  shard: z.int(),
  balance: z.int(),
  /** The sequence number the next journal line of this book gets; lines are 1..nextSeq-1. */
  nextSeq: z.int().check(z.gte(1)),
  /** This book's share of the account's credit limit and maximum balance. */
  creditLimit: z.int(),
  maxBalance: z.int(),
  /** Hash of the newest line (GENESIS_HASH before the first): the head of the book's hash chain. */
  lastHash: z.string(),
  /** Minutes credited to and debited from this book, ever (totalIn - totalOut = balance). */
  totalIn: z.int(),
  totalOut: z.int(),
  /**
   * Time, in the words of time banks: minutes of time the owner gave (credited for an exchange as
   * provider, volunteering, an activity hosted) and received (debited for the same), net of
   * reversals. Welcome credits, donations and payments move the balance but are no time. Books
   * written before these totals existed count from zero.
   */
  givenMinutes: z._default(z.int(), 0),
  receivedMinutes: z._default(z.int(), 0),
  updatedAt: z.iso.datetime(),
  /**
   * Set while the account's member is suspended, and for good once they closed it: every posting
   * is conditioned on its books not being frozen, so nothing can move the account.
   */
  frozen: z.optional(z.enum(["suspended", "closed"])),
});
export type Book = z.infer<typeof bookSchema>;
export type FreezeReason = NonNullable<Book["frozen"]>;

/** Transfers that stand for time given by one side to the other. */
const TIME_KINDS: readonly TransferKind[] = ["exchange", "award", "redemption"];

/**
 * The time a journal line stands for: a credit on an exchange, award or redemption is time given,
 * a debit time received; a reversal of one takes it back (negative); any other kind is no time.
 */
export function timeOfLine(
  kind: TransferKind,
  reversedKind: TransferKind | undefined,
  amount: number,
): { given: number; received: number } {
  const reversal = kind === "reversal";
  const timeKind = reversal ? reversedKind : kind;
  if (!timeKind || !TIME_KINDS.includes(timeKind)) return { given: 0, received: 0 };
  // A reversal's credit returns what the original debited (time received), and vice versa.
  if (reversal) return amount > 0 ? { given: 0, received: -amount } : { given: amount, received: 0 };
  return amount > 0 ? { given: amount, received: 0 } : { given: 0, received: -amount };
}

export const journalLineSchema = z.object({
  accountId: z.string(),
  shard: z.int(),
  seq: z.int(),
  transferId: z.string(),
  kind: z.enum(transferKinds),
  /** Positive: credited to this account; negative: debited. Never zero. */
  amount: z.int(),
  /** The book's balance right after this line. */
  balanceAfter: z.int(),
  /** The book's limits when the line was posted; the balance after it lies within them. */
  creditLimit: z.int(),
  maxBalance: z.int(),
  counterpartyId: z.string(),
  postedAt: z.iso.datetime(),
  memo: z.optional(z.string()),
  prevHash: z.string(),
  hash: z.string(),
});
export type JournalLine = z.infer<typeof journalLineSchema>;

export const transferLegSchema = z.object({
  fromAccountId: z.string(),
  fromShard: z.int(),
  fromSeq: z.int(),
  toAccountId: z.string(),
  toShard: z.int(),
  toSeq: z.int(),
  minutes: z.int(),
});
export type TransferLeg = z.infer<typeof transferLegSchema>;

export const transferSchema = z.object({
  transferId: z.string(),
  kind: z.enum(transferKinds),
  legs: z.array(transferLegSchema),
  totalMinutes: z.int(),
  postedAt: z.iso.datetime(),
  /** The signed-in member who caused it ("system" for schedules). */
  createdBy: z.string(),
  /** The member it was done for, when a coordinator or an admin acted for them. */
  onBehalfOf: z.optional(z.string()),
  exchangeId: z.optional(z.string()),
  /** Reversals: the transfer reversed and its kind. */
  reverses: z.optional(z.string()),
  reversedKind: z.optional(z.enum(transferKinds)),
  activityId: z.optional(z.string()),
  /** For reports: the skill category (exchanges) and the area the transfer belongs to. */
  category: z.optional(z.string()),
  area: z.optional(z.string()),
  memo: z.optional(z.string()),
});
export type Transfer = z.infer<typeof transferSchema>;

/** Which book of which account. */
export interface BookRef {
  accountId: string;
  shard: number;
}

export function bookKey(ref: BookRef): string {
  return `${ref.accountId}#${ref.shard}`;
}

/** A transfer before sequence numbers are known: which books, how many minutes. */
export interface TransferDraft extends Omit<Transfer, "legs" | "totalMinutes"> {
  legs: { from: BookRef; to: BookRef; minutes: number }[];
}

/** One book's state before and after a posting, and the checks its update must carry. */
export interface BookChange {
  before: Book;
  after: Book;
  /** Net minutes added by this posting (negative for a net debit). */
  delta: number;
}

/** Everything one settlement writes, computed from the books as read. */
export interface PostingPlan {
  transfer: Transfer;
  lines: JournalLine[];
  books: BookChange[];
}

/** The hash of a journal line, chained to the previous line of the same book. */
export function lineHash(prevHash: string, line: Omit<JournalLine, "hash" | "prevHash">): string {
  const fields = [
    line.accountId,
    line.shard,
    line.seq,
    line.transferId,
    line.kind,
    line.amount,
    line.balanceAfter,
    line.creditLimit,
    line.maxBalance,
    line.counterpartyId,
    line.postedAt,
    line.memo ?? "",
  ];
  return createHash("sha256")
    .update(`${prevHash}|${fields.join("|")}`)
    .digest("hex");
}

/**
 * Plans a posting on the books as read: gives each line its sequence number, running balance and
 * hash, and checks every line against its book's limits.
 * @throws ValidationError for a bad amount or a leg whose payer is its payee; AccountFrozenError
 * for a frozen book; LimitExceededError naming the account (and book) whose limit a line would cross.
 */
export function planPosting(draft: TransferDraft, books: ReadonlyMap<string, Book>): PostingPlan {
  if (draft.legs.length === 0 || draft.legs.length > MAX_LEGS) {
    throw new ValidationError("A transfer has 1 to 25 legs", [{ path: "legs", message: "1 to 25 legs" }]);
  }
  const working = new Map<string, Book>();
  const firstSeen: string[] = [];
  const bookOf = (ref: BookRef): Book => {
    const key = bookKey(ref);
    const current = working.get(key) ?? books.get(key);
    if (!current) throw new Error(`book ${key} was not read before planning`);
    if (!working.has(key)) {
      working.set(key, current);
      firstSeen.push(key);
    }
    return current;
  };
  const lines: JournalLine[] = [];
  const legs: TransferLeg[] = [];
  const post = (ref: BookRef, amount: number, counterpartyId: string): number => {
    const book = bookOf(ref);
    if (book.frozen) throw new AccountFrozenError(ref.accountId);
    const balanceAfter = book.balance + amount;
    if (amount < 0 && balanceAfter < -book.creditLimit) {
      throw new LimitExceededError(
        `Account ${ref.accountId} does not have ${minutesText(-amount)} available (its credit limit would be crossed)`,
        { accountId: ref.accountId, limit: "credit-limit", shard: ref.shard },
      );
    }
    if (amount > 0 && balanceAfter > book.maxBalance) {
      throw new LimitExceededError(
        `Account ${ref.accountId} cannot receive ${minutesText(amount)} more (its maximum balance would be crossed)`,
        { accountId: ref.accountId, limit: "max-balance", shard: ref.shard },
      );
    }
    const fields = {
      accountId: ref.accountId,
      shard: ref.shard,
      seq: book.nextSeq,
      transferId: draft.transferId,
      kind: draft.kind,
      amount,
      balanceAfter,
      creditLimit: book.creditLimit,
      maxBalance: book.maxBalance,
      counterpartyId,
      postedAt: draft.postedAt,
      ...(draft.memo ? { memo: draft.memo } : {}),
    };
    const hash = lineHash(book.lastHash, fields);
    const time = timeOfLine(draft.kind, draft.reversedKind, amount);
    lines.push({ ...fields, prevHash: book.lastHash, hash });
    working.set(bookKey(ref), {
      ...book,
      balance: balanceAfter,
      nextSeq: book.nextSeq + 1,
      lastHash: hash,
      totalIn: book.totalIn + Math.max(amount, 0),
      totalOut: book.totalOut + Math.max(-amount, 0),
      givenMinutes: book.givenMinutes + time.given,
      receivedMinutes: book.receivedMinutes + time.received,
      updatedAt: draft.postedAt,
    });
    return fields.seq;
  };
  draft.legs.forEach((leg, index) => {
    // A closing moves a whole book's balance at once; every other leg is at most a day of time.
    const issue = legIssue(leg.minutes, draft.kind === "closing" ? MAX_LIMIT_MINUTES : MAX_TRANSFER_MINUTES);
    if (issue)
      throw new ValidationError("Invalid amount", [{ path: `legs.${index}.minutes`, message: issue }]);
    if (leg.from.accountId === leg.to.accountId) {
      throw new ValidationError("An account cannot pay itself", [
        { path: `legs.${index}`, message: "The payer and the payee are the same account" },
      ]);
    }
    const fromSeq = post(leg.from, -leg.minutes, leg.to.accountId);
    const toSeq = post(leg.to, leg.minutes, leg.from.accountId);
    legs.push({
      fromAccountId: leg.from.accountId,
      fromShard: leg.from.shard,
      fromSeq,
      toAccountId: leg.to.accountId,
      toShard: leg.to.shard,
      toSeq,
      minutes: leg.minutes,
    });
  });
  const { legs: _drafted, ...rest } = draft;
  return {
    transfer: { ...rest, legs, totalMinutes: legs.reduce((sum, l) => sum + l.minutes, 0) },
    lines,
    books: firstSeen.map((key) => {
      const before = books.get(key);
      const after = working.get(key);
      if (!before || !after) throw new Error(`book ${key} vanished while planning`);
      return { before, after, delta: after.balance - before.balance };
    }),
  };
}

function legIssue(minutes: number, max: number): string | undefined {
  if (!Number.isSafeInteger(minutes)) return "Must be a whole number of minutes";
  if (minutes < 1) return "Must be at least 1 minute";
  if (minutes > max) return `Must be at most ${max} minutes`;
  return undefined;
}

/** The limits an account opens with: city defaults for people, no quota for organisations yet. */
export function defaultLimits(city: City, kind: AccountKind): { creditLimit: number; maxBalance: number } {
  if (kind === "pot") return { creditLimit: 0, maxBalance: MAX_LIMIT_MINUTES };
  if (kind === "organisation") {
    // An organisation's credit limit is its issuance quota: zero until an admin grants one, so no
    // organisation can mint credit by default.
    return { creditLimit: 0, maxBalance: city.ledger.defaultMaxBalanceMinutes };
  }
  return {
    creditLimit: city.ledger.defaultCreditLimitMinutes,
    maxBalance: city.ledger.defaultMaxBalanceMinutes,
  };
}

export function bookCountFor(kind: AccountKind): number {
  return kind === "organisation" ? ORGANISATION_BOOKS : 1;
}

/** A new account and its empty books with the limits split across them. */
export function openingOf(
  city: City,
  accountId: string,
  kind: AccountKind,
  at: string,
): { account: Account; books: Book[] } {
  const limits = defaultLimits(city, kind);
  const count = bookCountFor(kind);
  const credit = spread(limits.creditLimit, new Array<number>(count).fill(0));
  const max = spread(limits.maxBalance, new Array<number>(count).fill(0));
  if (!credit || !max) throw new Error("default limits cannot be negative");
  return {
    account: {
      accountId,
      kind,
      books: count,
      creditLimitMinutes: limits.creditLimit,
      maxBalanceMinutes: limits.maxBalance,
      openedAt: at,
      updatedAt: at,
      version: 1,
    },
    books: credit.map((share, shard) => ({
      accountId,
      shard,
      balance: 0,
      nextSeq: 1,
      creditLimit: share,
      maxBalance: max[shard] ?? 0,
      lastHash: GENESIS_HASH,
      totalIn: 0,
      totalOut: 0,
      givenMinutes: 0,
      receivedMinutes: 0,
      updatedAt: at,
    })),
  };
}

/** Gives each slot its need, then spreads what is left evenly; undefined when the needs exceed the total. */
function spread(total: number, needs: readonly number[]): number[] | undefined {
  const left = total - needs.reduce((a, b) => a + b, 0);
  if (left < 0 || needs.length === 0) return undefined;
  const base = Math.floor(left / needs.length);
  const extra = left % needs.length;
  return needs.map((need, i) => need + base + (i < extra ? 1 : 0));
}

/**
 * Splits an account's credit limit and maximum balance across its books so that every book's
 * current balance stays within its share. With `favour`, the chosen book also gets room for
 * `delta` more minutes (a rebalance ahead of a posting).
 * @returns the shares per book, or undefined when the balances do not fit the totals.
 */
export function splitLimits(
  creditLimit: number,
  maxBalance: number,
  balances: readonly number[],
  favour?: { index: number; delta: number },
): { creditLimit: number; maxBalance: number }[] | undefined {
  const creditNeeds = balances.map((b) => Math.max(0, -b));
  const maxNeeds = balances.map((b) => Math.max(0, b));
  if (favour) {
    const after = (balances[favour.index] ?? 0) + favour.delta;
    creditNeeds[favour.index] = Math.max(creditNeeds[favour.index] ?? 0, -after);
    maxNeeds[favour.index] = Math.max(maxNeeds[favour.index] ?? 0, after);
  }
  const credit = spread(creditLimit, creditNeeds);
  const max = spread(maxBalance, maxNeeds);
  if (!credit || !max) return undefined;
  return credit.map((share, i) => ({ creditLimit: share, maxBalance: max[i] ?? 0 }));
}

/** The account's balance and totals: the sum over its books. */
export function summarise(books: readonly Book[]): {
  balance: number;
  totalIn: number;
  totalOut: number;
  given: number;
  received: number;
} {
  return books.reduce(
    (sum, b) => ({
      balance: sum.balance + b.balance,
      totalIn: sum.totalIn + b.totalIn,
      totalOut: sum.totalOut + b.totalOut,
      given: sum.given + b.givenMinutes,
      received: sum.received + b.receivedMinutes,
    }),
    { balance: 0, totalIn: 0, totalOut: 0, given: 0, received: 0 },
  );
}

/** A well-spread, deterministic book choice for a transfer (no randomness: replays choose alike). */
export function pickShard(seed: string, books: number): number {
  if (books <= 1) return 0;
  return createHash("sha256").update(seed).digest().readUInt32BE(0) % books;
}

/** The calendar month (YYYY-MM) of an instant in the city's time zone: the unit of reports. */
export function monthOf(instant: string | Date, timeZone: string): string {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" })
    .format(date)
    .slice(0, 7);
}
