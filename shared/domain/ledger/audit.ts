import type { Deps } from "#domain/deps.ts";
import { GENESIS_HASH, lineHash } from "./books.ts";

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
 * The scheduled audit raises an alarm on any violation; the test suite runs it after every ledger test.
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

const PAGE = 500;

export async function auditLedger(deps: Pick<Deps, "ledger" | "exchanges">): Promise<LedgerAuditReport> {
  const violations: string[] = [];
  const report: LedgerAuditReport = {
    violations,
    accounts: 0,
    books: 0,
    lines: 0,
    transfers: 0,
    settledExchanges: 0,
    sumOfBalances: 0,
  };
  // Per transfer: the lines seen (as `account#shard#seq#amount#counterparty`) and their sum.
  const byTransfer = new Map<string, { refs: Set<string>; sum: number; kind: string }>();

  let cursor: string | undefined;
  do {
    const page = await deps.ledger.listAccountIds({ limit: PAGE, cursor });
    for (const accountId of page.items) {
      const state = await deps.ledger.readAccount(accountId);
      if (!state) {
        violations.push(`account ${accountId} is registered but has no account item`);
        continue;
      }
      report.accounts += 1;
      const { account, books } = state;
      if (books.length !== account.books) {
        violations.push(`account ${accountId} has ${books.length} books, expected ${account.books}`);
      }
      const shareSum = books.reduce((s, b) => s + b.creditLimit, 0);
      const maxSum = books.reduce((s, b) => s + b.maxBalance, 0);
      if (shareSum !== account.creditLimitMinutes || maxSum !== account.maxBalanceMinutes) {
        violations.push(
          `account ${accountId}: book shares (${shareSum}/${maxSum}) differ from its limits (${account.creditLimitMinutes}/${account.maxBalanceMinutes})`,
        );
      }
      for (const book of books) {
        report.books += 1;
        report.sumOfBalances += book.balance;
        const name = `book ${accountId}#${book.shard}`;
        let expectedSeq = 1;
        let running = 0;
        let hash = GENESIS_HASH;
        let received = 0;
        let given = 0;
        let after = 0;
        for (;;) {
          const { lines, more } = await deps.ledger.listLines(book, after, PAGE);
          for (const line of lines) {
            report.lines += 1;
            if (line.seq !== expectedSeq)
              violations.push(`${name}: line ${line.seq} found where ${expectedSeq} was due`);
            expectedSeq = line.seq + 1;
            if (line.amount === 0) violations.push(`${name}: line ${line.seq} moves zero minutes`);
            running += line.amount;
            if (line.balanceAfter !== running) {
              violations.push(
                `${name}: line ${line.seq} says balance ${line.balanceAfter}, lines sum to ${running}`,
              );
            }
            if (line.balanceAfter < -line.creditLimit || line.balanceAfter > line.maxBalance) {
              violations.push(
                `${name}: line ${line.seq} balance ${line.balanceAfter} outside its limits [-${line.creditLimit}, ${line.maxBalance}]`,
              );
            }
            const { hash: stored, prevHash, ...fields } = line;
            if (prevHash !== hash || lineHash(prevHash, fields) !== stored) {
              violations.push(
                `${name}: line ${line.seq} does not match its hash chain (changed or reordered)`,
              );
            }
            hash = stored;
            if (line.amount > 0) received += line.amount;
            else given -= line.amount;
            const entry = byTransfer.get(line.transferId) ?? {
              refs: new Set<string>(),
              sum: 0,
              kind: line.kind,
            };
            entry.refs.add(
              `${line.accountId}#${line.shard}#${line.seq}#${line.amount}#${line.counterpartyId}`,
            );
            entry.sum += line.amount;
            byTransfer.set(line.transferId, entry);
            after = line.seq;
          }
          if (!more) break;
        }
        if (book.nextSeq !== expectedSeq)
          violations.push(`${name}: nextSeq ${book.nextSeq}, lines end at ${expectedSeq - 1}`);
        if (book.balance !== running)
          violations.push(`${name}: balance ${book.balance}, lines sum to ${running}`);
        if (book.lastHash !== hash) violations.push(`${name}: stored chain head differs from its lines`);
        if (book.totalIn !== received || book.totalOut !== given) {
          violations.push(
            `${name}: totals ${book.totalIn}/${book.totalOut}, lines give ${received}/${given}`,
          );
        }
        if (book.balance < -book.creditLimit || book.balance > book.maxBalance) {
          violations.push(`${name}: balance ${book.balance} outside its limits`);
        }
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (report.sumOfBalances !== 0) violations.push(`the balances sum to ${report.sumOfBalances}, not zero`);

  const exchangeTransfers = new Map<string, string[]>();
  const ids = [...byTransfer.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    const transfers = await deps.ledger.getTransfers(ids.slice(i, i + 100));
    for (const id of ids.slice(i, i + 100)) {
      const seen = byTransfer.get(id);
      const transfer = transfers.get(id);
      if (!seen) continue;
      if (!transfer) {
        violations.push(`lines name transfer ${id}, which does not exist`);
        continue;
      }
      report.transfers += 1;
      if (seen.sum !== 0) violations.push(`transfer ${id}: its lines sum to ${seen.sum}, not zero`);
      const expected = new Set(
        transfer.legs.flatMap((l) => [
          `${l.fromAccountId}#${l.fromShard}#${l.fromSeq}#${-l.minutes}#${l.toAccountId}`,
          `${l.toAccountId}#${l.toShard}#${l.toSeq}#${l.minutes}#${l.fromAccountId}`,
        ]),
      );
      if (expected.size !== seen.refs.size || [...expected].some((ref) => !seen.refs.has(ref))) {
        violations.push(`transfer ${id}: its journal lines do not match its legs`);
      }
      if (transfer.kind === "exchange" && transfer.exchangeId) {
        exchangeTransfers.set(transfer.exchangeId, [
          ...(exchangeTransfers.get(transfer.exchangeId) ?? []),
          id,
        ]);
      }
    }
  }

  const settled = new Set<string>();
  let exchangeCursor: string | undefined;
  do {
    const page = await deps.exchanges.listIdsByStatus("settled", undefined, {
      limit: 100,
      cursor: exchangeCursor,
    });
    const exchanges = await deps.exchanges.getMany(page.items);
    for (const exchangeId of page.items) {
      settled.add(exchangeId);
      report.settledExchanges += 1;
      const transfers = exchangeTransfers.get(exchangeId) ?? [];
      const exchange = exchanges.get(exchangeId);
      if (transfers.length !== 1) {
        violations.push(`settled exchange ${exchangeId} has ${transfers.length} transfers, not exactly one`);
      } else if (exchange?.transferId !== transfers[0]) {
        violations.push(
          `settled exchange ${exchangeId} names transfer ${exchange?.transferId}, not ${transfers[0]}`,
        );
      }
    }
    exchangeCursor = page.nextCursor;
  } while (exchangeCursor);
  for (const [exchangeId] of exchangeTransfers) {
    if (!settled.has(exchangeId)) violations.push(`exchange ${exchangeId} has a transfer but is not settled`);
  }
  return report;
}
