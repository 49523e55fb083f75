import type { Deps } from "#domain/deps.ts";
import { inChunks, type PassOutcome, runPass } from "#domain/kernel/passes.ts";
import * as z from "#shared/zod.ts";
import { GENESIS_HASH, type JournalLine, lineHash, type Transfer } from "./books.ts";

/**
 * The ledger's invariants, checked from the stored data alone (TigerBeetle-style: state is only
 * trusted if it can be re-derived):
 * 1. the sum of every balance in the city is zero (credit is moved, never made or lost);
 * 2. each book's balance equals the sum of its journal lines, and received - given = balance;
 * 3. each book's line numbers run 1..n without gaps, and each running balance is the previous
 *    plus the line's amount;
 * 4. no running balance ever crossed the limits in force when its line was posted;
 * 5. journal lines never change: each book's hash chain recomputes to its stored head;
 * 6. each transfer's lines are exactly its legs (one debit and one credit each, summing to zero);
 * 7. each settled exchange has exactly one transfer, and every exchange transfer's exchange is settled;
 * 8. an account's limits equal the sum of its books' shares.
 *
 * The audit works through the account registry in chunks, the accounts of a chunk in parallel,
 * and keeps nothing between chunks but counts: a transfer is checked from each of its lines (the
 * line against its leg, the leg's other line fetched and compared), so memory does not grow with
 * the ledger. It audits the ledger as of a cutoff: lines posted after it wait for the next pass,
 * and a book that moved after it is checked from its lines only; so postings that land while the
 * audit runs (for minutes, or across runs) never look like violations. The scheduled audit raises
 * an alarm on any violation; the test suite runs it after every ledger test.
 */
export interface LedgerAuditReport {
  violations: string[];
  accounts: number;
  books: number;
  lines: number;
  transfers: number;
  settledExchanges: number;
  sumOfBalances: number;
}

/** Account ids per chunk (one checkpoint each in the scheduled audit), and accounts read at once. */
export const AUDIT_CHUNK = 200;
export const AUDIT_CONCURRENCY = 16;
const LINE_PAGE = 500;
/** Violation texts a checkpoint keeps (all are logged as they are found). */
const KEPT_VIOLATIONS = 100;

const count = z.int().check(z.gte(0));
const auditStateSchema = z.object({
  cutoff: z.iso.datetime(),
  phase: z.enum(["accounts", "exchanges"]),
  cursor: z.optional(z.string()),
  accounts: count,
  books: count,
  lines: count,
  transfers: count,
  settledExchanges: count,
  sumOfBalances: z.int(),
  violationCount: count,
  violations: z.array(z.string()),
});
export type LedgerAuditState = z.infer<typeof auditStateSchema>;

type AuditDeps = Pick<Deps, "ledger" | "exchanges">;

export function newAuditState(cutoff: string): LedgerAuditState {
  return {
    cutoff,
    phase: "accounts",
    accounts: 0,
    books: 0,
    lines: 0,
    transfers: 0,
    settledExchanges: 0,
    sumOfBalances: 0,
    violationCount: 0,
    violations: [],
  };
}

const refOf = (accountId: string, shard: number, seq: number) => `${accountId}#${shard}#${seq}`;

/**
 * One account's books, each walked line by line. The book is read first, so every line up to its
 * `nextSeq - 1` was committed before the walk: the book's balance, chain head and totals are
 * compared with the lines up to there, whatever lands meanwhile. The balance as of the cutoff is
 * the sum of the lines posted by then (a transfer's lines share their time, so these sums across
 * all books total zero however the reads interleave with new postings).
 */
async function auditAccount(
  deps: AuditDeps,
  accountId: string,
  cutoff: string,
  found: (violation: string) => void,
): Promise<{ books: number; lines: JournalLine[]; balance: number; found: boolean }> {
  const state = await deps.ledger.readAccount(accountId);
  if (!state) {
    found(`account ${accountId} is registered but has no account item`);
    return { books: 0, lines: [], balance: 0, found: false };
  }
  const { account, books } = state;
  if (books.length !== account.books) {
    found(`account ${accountId} has ${books.length} books, expected ${account.books}`);
  }
  const shareSum = books.reduce((s, b) => s + b.creditLimit, 0);
  const maxSum = books.reduce((s, b) => s + b.maxBalance, 0);
  if (shareSum !== account.creditLimitMinutes || maxSum !== account.maxBalanceMinutes) {
    found(
      `account ${accountId}: book shares (${shareSum}/${maxSum}) differ from its limits (${account.creditLimitMinutes}/${account.maxBalanceMinutes})`,
    );
  }
  const lines: JournalLine[] = [];
  let balance = 0;
  for (const book of books) {
    const name = `book ${accountId}#${book.shard}`;
    const last = book.nextSeq - 1;
    let expectedSeq = 1;
    let running = 0;
    let hash = GENESIS_HASH;
    let received = 0;
    let given = 0;
    let after = 0;
    // The walk as of the book's own last line (the book as read): balance, head, totals.
    let atBook = { seq: 0, running: 0, hash: GENESIS_HASH, received: 0, given: 0 };
    for (;;) {
      const page = await deps.ledger.listLines(book, after, LINE_PAGE);
      for (const line of page.lines) {
        if (line.seq !== expectedSeq) found(`${name}: line ${line.seq} found where ${expectedSeq} was due`);
        expectedSeq = line.seq + 1;
        if (line.amount === 0) found(`${name}: line ${line.seq} moves zero minutes`);
        running += line.amount;
        if (line.balanceAfter !== running) {
          found(`${name}: line ${line.seq} says balance ${line.balanceAfter}, lines sum to ${running}`);
        }
        if (line.balanceAfter < -line.creditLimit || line.balanceAfter > line.maxBalance) {
          found(
            `${name}: line ${line.seq} balance ${line.balanceAfter} outside its limits [-${line.creditLimit}, ${line.maxBalance}]`,
          );
        }
        const { hash: stored, prevHash, ...fields } = line;
        if (prevHash !== hash || lineHash(prevHash, fields) !== stored) {
          found(`${name}: line ${line.seq} does not match its hash chain (changed or reordered)`);
        }
        hash = stored;
        if (line.amount > 0) received += line.amount;
        else given -= line.amount;
        if (line.seq <= last) atBook = { seq: line.seq, running, hash, received, given };
        // Lines posted after the cutoff belong to the next pass's transfers and sums.
        if (line.postedAt <= cutoff) {
          lines.push(line);
          balance += line.amount;
        }
        after = line.seq;
      }
      if (!page.more) break;
    }
    if (atBook.seq !== last) found(`${name}: nextSeq ${book.nextSeq}, lines end at ${atBook.seq}`);
    if (book.balance !== atBook.running)
      found(`${name}: balance ${book.balance}, lines sum to ${atBook.running}`);
    if (book.lastHash !== atBook.hash) found(`${name}: stored chain head differs from its lines`);
    if (book.totalIn !== atBook.received || book.totalOut !== atBook.given) {
      found(
        `${name}: totals ${book.totalIn}/${book.totalOut}, lines give ${atBook.received}/${atBook.given}`,
      );
    }
    if (book.balance < -book.creditLimit || book.balance > book.maxBalance) {
      found(`${name}: balance ${book.balance} outside its limits`);
    }
  }
  return { books: books.length, lines, balance, found: true };
}

/** The leg and side of its transfer a line stands for, if any. */
function legOf(line: JournalLine, transfer: Transfer) {
  for (const leg of transfer.legs) {
    if (
      line.amount < 0 &&
      leg.fromAccountId === line.accountId &&
      leg.fromShard === line.shard &&
      leg.fromSeq === line.seq &&
      leg.minutes === -line.amount &&
      leg.toAccountId === line.counterpartyId
    ) {
      return { leg, other: { accountId: leg.toAccountId, shard: leg.toShard, seq: leg.toSeq } };
    }
    if (
      line.amount > 0 &&
      leg.toAccountId === line.accountId &&
      leg.toShard === line.shard &&
      leg.toSeq === line.seq &&
      leg.minutes === line.amount &&
      leg.fromAccountId === line.counterpartyId
    ) {
      return { leg, other: { accountId: leg.fromAccountId, shard: leg.fromShard, seq: leg.fromSeq } };
    }
  }
  return undefined;
}

/**
 * Invariants 6 and 7 for the lines of one chunk: each line is one side of a leg of its transfer
 * and the leg's other line says the same; each exchange transfer's exchange is settled and names it.
 */
async function auditTransfers(
  deps: AuditDeps,
  lines: readonly JournalLine[],
  cutoff: string,
  found: (violation: string) => void,
): Promise<number> {
  const transfers = await deps.ledger.getTransfers([...new Set(lines.map((l) => l.transferId))]);
  const broken = new Set<string>();
  const fail = (id: string, text: string) => {
    if (broken.has(id)) return;
    broken.add(id);
    found(text);
  };
  const pairs: { line: JournalLine; other: { accountId: string; shard: number; seq: number } }[] = [];
  let counted = 0;
  const exchangeTransfers: Transfer[] = [];
  for (const line of lines) {
    const transfer = transfers.get(line.transferId);
    if (!transfer) {
      fail(line.transferId, `lines name transfer ${line.transferId}, which does not exist`);
      continue;
    }
    const match = legOf(line, transfer);
    if (!match) {
      fail(transfer.transferId, `transfer ${transfer.transferId}: its journal lines do not match its legs`);
      continue;
    }
    pairs.push({ line, other: match.other });
    // Each transfer counted once: at the debit line of its first leg.
    if (match.leg === transfer.legs[0] && line.amount < 0) {
      counted += 1;
      if (transfer.kind === "exchange" && transfer.exchangeId) exchangeTransfers.push(transfer);
    }
  }
  const others = await deps.ledger.getLines(pairs.map((p) => p.other));
  for (const { line, other } of pairs) {
    const counterpart = others.get(refOf(other.accountId, other.shard, other.seq));
    if (
      !counterpart ||
      counterpart.postedAt > cutoff ||
      counterpart.transferId !== line.transferId ||
      counterpart.amount !== -line.amount ||
      counterpart.counterpartyId !== line.accountId
    ) {
      fail(line.transferId, `transfer ${line.transferId}: its journal lines do not match its legs`);
    }
  }
  const exchanges = await deps.exchanges.getMany(exchangeTransfers.map((t) => t.exchangeId ?? ""));
  for (const transfer of exchangeTransfers) {
    const exchangeId = transfer.exchangeId ?? "";
    const exchange = exchanges.get(exchangeId);
    if (exchange?.status !== "settled") {
      found(`exchange ${exchangeId} has a transfer but is not settled`);
    } else if (exchange.transferId !== transfer.transferId) {
      found(
        `settled exchange ${exchangeId} names transfer ${exchange.transferId}, not ${transfer.transferId}`,
      );
    }
  }
  return counted;
}

/** Settled exchanges (settled before the cutoff): each names exactly one transfer, its own. */
async function auditSettledExchanges(
  deps: AuditDeps,
  exchangeIds: readonly string[],
  found: (violation: string) => void,
): Promise<void> {
  const exchanges = await deps.exchanges.getMany(exchangeIds);
  const named = [...exchanges.values()].flatMap((e) => (e.transferId ? [e.transferId] : []));
  const transfers = await deps.ledger.getTransfers(named);
  for (const exchangeId of exchangeIds) {
    const transferId = exchanges.get(exchangeId)?.transferId;
    const transfer = transferId ? transfers.get(transferId) : undefined;
    if (!transferId || !transfer) {
      found(`settled exchange ${exchangeId} has 0 transfers, not exactly one`);
    } else if (transfer.kind !== "exchange" || transfer.exchangeId !== exchangeId) {
      found(`settled exchange ${exchangeId} names transfer ${transferId}, which is not its transfer`);
    }
  }
}

/**
 * One bounded step of an audit pass: a chunk of accounts (read in parallel), or a page of settled
 * exchanges once the accounts are done; the last step checks the sum of all balances.
 * `found` receives each violation as it is found.
 */
export async function auditStep(
  deps: AuditDeps,
  state: LedgerAuditState,
  found: (violation: string) => void = () => {},
): Promise<{ state: LedgerAuditState; done: boolean }> {
  const next = { ...state, violations: [...state.violations] };
  const report = (violation: string) => {
    next.violationCount += 1;
    if (next.violations.length < KEPT_VIOLATIONS) next.violations.push(violation);
    found(violation);
  };
  if (state.phase === "accounts") {
    const page = await deps.ledger.listAccountIds({ limit: AUDIT_CHUNK, cursor: state.cursor });
    const audited = await inChunks(page.items, AUDIT_CONCURRENCY, (id) =>
      auditAccount(deps, id, state.cutoff, report),
    );
    const lines = audited.flatMap((a) => a.lines);
    next.accounts += audited.filter((a) => a.found).length;
    next.books += audited.reduce((n, a) => n + a.books, 0);
    next.lines += lines.length;
    next.sumOfBalances += audited.reduce((n, a) => n + a.balance, 0);
    next.transfers += await auditTransfers(deps, lines, state.cutoff, report);
    if (page.nextCursor) return { state: { ...next, cursor: page.nextCursor }, done: false };
    return { state: { ...next, phase: "exchanges", cursor: undefined }, done: false };
  }
  const page = await deps.exchanges.listIdsByStatus("settled", state.cutoff, {
    limit: 100,
    cursor: state.cursor,
  });
  await auditSettledExchanges(deps, page.items, report);
  next.settledExchanges += page.items.length;
  if (page.nextCursor) return { state: { ...next, cursor: page.nextCursor }, done: false };
  if (next.sumOfBalances !== 0) report(`the balances sum to ${next.sumOfBalances}, not zero`);
  return { state: { ...next, cursor: undefined }, done: true };
}

function reportOf(state: LedgerAuditState, violations: string[]): LedgerAuditReport {
  return {
    violations,
    accounts: state.accounts,
    books: state.books,
    lines: state.lines,
    transfers: state.transfers,
    settledExchanges: state.settledExchanges,
    sumOfBalances: state.sumOfBalances,
  };
}

/**
 * Audits the whole ledger in one go, as of `cutoff` (default: now, for a ledger at rest, as in
 * tests). Every violation is listed.
 */
export async function auditLedger(
  deps: AuditDeps & Partial<Pick<Deps, "clock">>,
  cutoff: string = (deps.clock?.now() ?? new Date()).toISOString(),
): Promise<LedgerAuditReport> {
  const violations: string[] = [];
  let state = newAuditState(cutoff);
  for (;;) {
    const step = await auditStep(deps, state, (v) => violations.push(v));
    state = step.state;
    if (step.done) return reportOf(state, violations);
  }
}

/** How far behind the run's start the scheduled audit looks: longer than any function may run. */
export const AUDIT_CUTOFF_MS = 16 * 60_000;

/**
 * The scheduled audit: one pass a day (the UTC date), as of 16 minutes before the pass began, so
 * every posting it sees had committed (no function runs longer); resumed from its checkpoint by
 * the next run when a run ends first. `restart`: an operator's run, a new pass as of now.
 * `onChunk` hears each step's new violations and the pass's counts.
 */
export async function runLedgerAudit(
  deps: Pick<Deps, "ledger" | "exchanges" | "checkpoints" | "clock">,
  options: {
    job: string;
    restart?: boolean;
    remainingMs: () => number;
    reserveMs: number;
    onChunk?: (state: LedgerAuditState, violations: string[], done: boolean) => void;
  },
): Promise<PassOutcome<LedgerAuditState>> {
  const now = deps.clock.now();
  let fresh: string[] = [];
  return runPass(deps, {
    job: options.job,
    pass: options.restart ? `manual-${now.toISOString()}` : now.toISOString().slice(0, 10),
    // An operator's run audits up to the moment it starts (run it while the city is quiet: a
    // posting in flight at that moment can look like an imbalance); the daily pass leaves margin.
    initial: () =>
      newAuditState(new Date(now.getTime() - (options.restart ? 0 : AUDIT_CUTOFF_MS)).toISOString()),
    parse: (saved) => {
      const parsed = z.safeParse(auditStateSchema, saved);
      return parsed.success ? parsed.data : undefined;
    },
    step: async (state) => {
      fresh = [];
      return auditStep(deps, state, (v) => fresh.push(v));
    },
    remainingMs: options.remainingMs,
    reserveMs: options.reserveMs,
    onProgress: (state, done) => options.onChunk?.(state, fresh, done),
  });
}

/** The report of a finished (or partial) scheduled pass; its violation list is the kept sample. */
export function auditReportOf(state: LedgerAuditState): LedgerAuditReport & { violationCount: number } {
  return { ...reportOf(state, state.violations), violationCount: state.violationCount };
}
