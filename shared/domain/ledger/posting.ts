import { setTimeout as sleep } from "node:timers/promises";
import type { Deps } from "#domain/deps.ts";
import { ConflictError } from "#domain/kernel/errors.ts";
import { minutesText } from "#domain/kernel/words.ts";
import {
  type Account,
  type AccountKind,
  type Book,
  type BookRef,
  bookCountFor,
  bookKey,
  openingOf,
  type PostingPlan,
  pickShard,
  planPosting,
  splitLimits,
  summarise,
  type TransferDraft,
} from "./books.ts";
import {
  IdempotencyRecordExistsError,
  LimitExceededError,
  PreconditionFailedError,
  TransferExistsError,
} from "./errors.ts";
import { clientRequestToken } from "./idempotency.ts";
import type { PostingEffects } from "./ports.ts";

/**
 * The posting loop: read books, plan, commit in one transaction, and on a lost race read again.
 *
 * Concurrency. Every book update is conditioned on the book's `nextSeq` (and limits) as read, so
 * two postings on one book serialise: the second sees the condition fail and re-plans on the new
 * balance. That makes sequence numbers gapless and running balances exact, and a limit check can
 * never pass on a stale balance: 200 concurrent debits against 600 minutes of headroom commit
 * exactly as many as fit. The cost is contention on a hot book, which is why organisation
 * accounts spread their balance over several books (see `resolveShardedLimit`).
 */
export type PostingDeps = Pick<Deps, "ledger" | "clock" | "city">;

/** Whose account a leg touches; the kind decides how many books it opens with. */
export interface AccountRef {
  accountId: string;
  kind: AccountKind;
}

export interface TransferRequest extends Omit<TransferDraft, "legs" | "postedAt"> {
  legs: {
    from: AccountRef;
    to: AccountRef;
    minutes: number;
    /** Post on these exact books (reversals use the books of the original). */
    fromShard?: number;
    toShard?: number;
  }[];
}

const MAX_ATTEMPTS = 200;

/**
 * How many books each account has, remembered per process (a warm Lambda container): the count
 * is fixed when an account opens, so the first read already asks for a book that exists.
 */
const bookCounts = new Map<string, number>();
const BOOK_COUNT_CACHE = 10_000;
function rememberBookCount(accountId: string, books: number): void {
  if (bookCounts.size >= BOOK_COUNT_CACHE) bookCounts.clear();
  bookCounts.set(accountId, books);
}
/** Lost races on sharded books retried at once on other books, before backing off. */
const MAX_MOVES = 3;

/**
 * Posts a transfer exactly once.
 * @throws LimitExceededError when an account's limit would be crossed; ValidationError for bad
 * legs; TransferExistsError when a transfer with this id exists; IdempotencyRecordExistsError when
 * a request with the same key committed first; PreconditionFailedError when the exchange changed;
 * ConflictError when the books stayed too busy to post after many attempts.
 */
export async function postTransfer(
  deps: PostingDeps,
  request: TransferRequest,
  effectsFor: (plan: PostingPlan) => PostingEffects = () => ({}),
  tokenSeed: string = request.transferId,
): Promise<PostingPlan> {
  const accounts = new Map<string, AccountRef>();
  for (const leg of request.legs) {
    accounts.set(leg.from.accountId, leg.from);
    accounts.set(leg.to.accountId, leg.to);
  }
  const known = new Map<string, Account>();
  // Sharded accounts: the book to use next, after a refusal or a lost race moved us elsewhere.
  const preferred = new Map<string, number>();
  let opened = false;
  // Books known to be current after a lost race (returned with the failed condition): the next
  // attempt plans on them without reading, which halves the work of a retry on a hot book.
  let fresh: Map<string, Book> | undefined;
  // Races lost only on sharded books: the next attempt moves to other books, so need not wait.
  let moved = 0;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0 && !(moved > 0 && moved <= MAX_MOVES)) await backoff(attempt - moved);
    const shardOf = (accountId: string, fixed: number | undefined): number => {
      if (fixed !== undefined) return fixed;
      const count =
        known.get(accountId)?.books ??
        bookCounts.get(accountId) ??
        bookCountFor(accounts.get(accountId)?.kind ?? "person");
      return preferred.get(accountId) ?? pickShard(`${request.transferId}|${accountId}|${attempt}`, count);
    };
    const legs = request.legs.map((leg) => ({
      from: { accountId: leg.from.accountId, shard: shardOf(leg.from.accountId, leg.fromShard) },
      to: { accountId: leg.to.accountId, shard: shardOf(leg.to.accountId, leg.toShard) },
      minutes: leg.minutes,
    }));
    const refs = uniqueRefs(legs.flatMap((leg) => [leg.from, leg.to]));
    const cached = fresh;
    const reuse = cached && refs.every((ref) => cached.has(bookKey(ref))) && known.size === accounts.size;
    const read = reuse
      ? { accounts: known, books: cached }
      : await deps.ledger.read([...accounts.keys()], refs);
    fresh = undefined;
    for (const [id, account] of read.accounts) {
      known.set(id, account);
      rememberBookCount(id, account.books);
    }

    const missing = [...accounts.values()].filter((a) => !read.accounts.has(a.accountId));
    if (missing.length > 0) {
      // Accounts open on first use, with the city's defaults. A refusal writes nothing, not even
      // an opening: the posting is planned first on the books they would open with.
      if (opened) throw new Error(`accounts ${missing.map((m) => m.accountId).join(", ")} did not open`);
      await refuseBeforeOpening(deps, request, legs, read.books, missing);
      await openAccounts(deps, missing);
      opened = true;
      continue;
    }
    if (refs.some((ref) => !read.books.has(bookKey(ref)))) {
      // A book beyond the account's real count (the guess came from its kind): choose again.
      for (const ref of refs) if (!read.books.has(bookKey(ref))) preferred.delete(ref.accountId);
      continue;
    }

    let plan: PostingPlan;
    try {
      plan = planPosting({ ...request, legs, postedAt: deps.clock.now().toISOString() }, read.books);
    } catch (error) {
      if (!(error instanceof LimitExceededError)) throw error;
      const account = known.get(error.accountId);
      const fixed = request.legs.some(
        (l) =>
          (l.from.accountId === error.accountId && l.fromShard !== undefined) ||
          (l.to.accountId === error.accountId && l.toShard !== undefined),
      );
      if (!account || account.books === 1 || fixed) throw await refusal(deps, request.transferId, error);
      const delta = netDelta(legs, account.accountId);
      try {
        preferred.set(account.accountId, await resolveShardedLimit(deps, account.accountId, delta, error));
      } catch (resolution) {
        throw resolution instanceof LimitExceededError
          ? await refusal(deps, request.transferId, resolution)
          : resolution;
      }
      continue;
    }

    const effects = effectsFor(plan);
    const planState = plan.books.map((b) => `${bookKey(b.before)}@${b.before.nextSeq}`).join(",");
    const result = await deps.ledger.commit(plan, effects, clientRequestToken(tokenSeed, planState));
    switch (result.outcome) {
      case "committed":
        return plan;
      case "stale": {
        // Lost a race on a book: a sharded account tries another of its books next time.
        for (const ref of result.staleBooks) preferred.delete(ref.accountId);
        const sharded = (ref: BookRef) => (known.get(ref.accountId)?.books ?? 1) > 1;
        const onlySharded = result.staleBooks.length > 0 && result.staleBooks.every(sharded);
        moved = onlySharded ? moved + 1 : 0;
        const current = new Map(read.books);
        for (const book of result.current) current.set(bookKey(book), book);
        if (result.current.length > 0 && result.current.length === result.staleBooks.length) fresh = current;
        continue;
      }
      case "transfer-exists":
        throw new TransferExistsError(request.transferId);
      case "idempotency-exists":
        throw new IdempotencyRecordExistsError("A request with this Idempotency-Key was completed first");
      case "precondition":
        throw new PreconditionFailedError("The exchange changed while it was being settled; try again");
    }
  }
  throw new ConflictError("The accounts are too busy right now; retry with the same Idempotency-Key");
}

/**
 * Plans the posting as if the missing accounts were open with their defaults, so that a posting
 * their limits (or a bad leg) refuse is refused before anything is written.
 * @throws LimitExceededError naming a missing account; ValidationError for a bad leg.
 */
async function refuseBeforeOpening(
  deps: PostingDeps,
  request: TransferRequest,
  legs: TransferDraft["legs"],
  books: ReadonlyMap<string, Book>,
  missing: readonly AccountRef[],
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const virtual = new Map(books);
  for (const ref of missing) {
    for (const book of openingOf(deps.city, ref.accountId, ref.kind, at).books) {
      virtual.set(bookKey(book), book);
    }
  }
  // Books of open accounts not read yet (a guess beyond their count) are judged once read.
  if (legs.some((leg) => !virtual.has(bookKey(leg.from)) || !virtual.has(bookKey(leg.to)))) return;
  try {
    planPosting({ ...request, legs, postedAt: at }, virtual);
  } catch (error) {
    if (!(error instanceof LimitExceededError)) throw error;
    if (missing.some((m) => m.accountId === error.accountId)) {
      throw await refusal(deps, request.transferId, error);
    }
    // An open sharded account may still find room on another book: it refuses only if the
    // account as a whole has none.
    const state = await deps.ledger.readAccount(error.accountId);
    const delta = netDelta(legs, error.accountId);
    const whole = state ? wholeAccountRefusal(state, delta) : error;
    if (whole) throw await refusal(deps, request.transferId, whole);
  }
}

/** The net minutes a posting adds to an account (negative for a net debit). */
function netDelta(legs: TransferDraft["legs"], accountId: string): number {
  return legs.reduce(
    (sum, leg) =>
      sum +
      (leg.to.accountId === accountId ? leg.minutes : 0) -
      (leg.from.accountId === accountId ? leg.minutes : 0),
    0,
  );
}

/** The refusal of `delta` by the account as a whole (all its books together), if its limits refuse it. */
function wholeAccountRefusal(
  state: { account: Account; books: Book[] },
  delta: number,
): LimitExceededError | undefined {
  const { account } = state;
  const total = summarise(state.books).balance + delta;
  if (delta < 0 && total < -account.creditLimitMinutes) {
    return new LimitExceededError(
      `Account ${account.accountId} does not have ${minutesText(-delta)} available (its credit limit would be crossed)`,
      { accountId: account.accountId, limit: "credit-limit" },
    );
  }
  if (delta > 0 && total > account.maxBalanceMinutes) {
    return new LimitExceededError(
      `Account ${account.accountId} cannot receive ${minutesText(delta)} more (its maximum balance would be crossed)`,
      { accountId: account.accountId, limit: "max-balance" },
    );
  }
  return undefined;
}

/**
 * The error for a posting its limits refuse: but a transfer that was already made is reported as
 * such first (a second reversal is a conflict, whatever the balances are now).
 */
async function refusal(deps: PostingDeps, transferId: string, error: LimitExceededError): Promise<Error> {
  return (await deps.ledger.getTransfer(transferId)) ? new TransferExistsError(transferId) : error;
}

function uniqueRefs(refs: readonly BookRef[]): BookRef[] {
  const seen = new Map<string, BookRef>();
  for (const ref of refs) seen.set(bookKey(ref), ref);
  return [...seen.values()];
}

/**
 * Full-jitter exponential backoff between attempts that lost a race: with many writers on one
 * book, spreading the retries out wastes far fewer transactions than retrying at once.
 */
async function backoff(attempt: number): Promise<void> {
  const cap = Math.min(1000, 4 * 2 ** Math.min(attempt, 10));
  await sleep(Math.random() * cap);
}

/** Opens the accounts that do not exist yet, with the city's default limits. */
export async function openAccounts(
  deps: Pick<Deps, "ledger" | "clock" | "city">,
  refs: readonly AccountRef[],
): Promise<void> {
  const at = deps.clock.now().toISOString();
  await Promise.all(
    refs.map((ref) => {
      const { account, books } = openingOf(deps.city, ref.accountId, ref.kind, at);
      return deps.ledger.openAccount(account, books);
    }),
  );
}

/**
 * A sharded account refused on one book. Finds a book with room for `delta`; if the account as a
 * whole has room but no single book does (its headroom is fragmented), moves limit shares towards
 * one book in a guarded transaction, so the account's limit is exact, not approximate per shard.
 * @returns the book to post on next.
 * @throws LimitExceededError when the account as a whole has no room.
 */
async function resolveShardedLimit(
  deps: PostingDeps,
  accountId: string,
  delta: number,
  refusal: LimitExceededError,
): Promise<number> {
  const state = await deps.ledger.readAccount(accountId);
  if (!state) throw refusal;
  const fits = (book: Book) =>
    delta < 0 ? book.balance + delta >= -book.creditLimit : book.balance + delta <= book.maxBalance;
  const roomy = state.books.filter(fits);
  if (roomy.length > 0) {
    const chosen = roomy[pickShard(`${accountId}|${delta}|${Date.now()}`, roomy.length)];
    if (chosen) return chosen.shard;
  }
  const { account } = state;
  const whole = wholeAccountRefusal(state, delta);
  if (whole) throw whole;
  const headroom = (b: Book) => (delta < 0 ? b.balance + b.creditLimit : b.maxBalance - b.balance);
  const target = state.books.reduce((best, b) => (headroom(b) > headroom(best) ? b : best));
  const index = state.books.indexOf(target);
  const shares = splitLimits(
    account.creditLimitMinutes,
    account.maxBalanceMinutes,
    state.books.map((b) => b.balance),
    { index, delta },
  );
  if (!shares) throw refusal;
  // A lost race here is harmless: the posting loop reads again and retries.
  await deps.ledger.changeLimits({
    account: { ...account, version: account.version + 1, updatedAt: deps.clock.now().toISOString() },
    expectedVersion: account.version,
    books: state.books.map((before, i) => ({
      before,
      creditLimit: shares[i]?.creditLimit ?? before.creditLimit,
      maxBalance: shares[i]?.maxBalance ?? before.maxBalance,
    })),
  });
  return target.shard;
}
