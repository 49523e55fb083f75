import { describe, expect, it } from "vitest";
import { toCsv } from "#domain/kernel/csv.ts";
import { ValidationError } from "#domain/kernel/errors.ts";
import {
  type Book,
  bookKey,
  GENESIS_HASH,
  lineHash,
  monthOf,
  ORGANISATION_BOOKS,
  openingOf,
  pickShard,
  planPosting,
  splitLimits,
  type TransferDraft,
} from "#domain/ledger/books.ts";
import { LimitExceededError } from "#domain/ledger/errors.ts";
import { clientRequestToken, fingerprintOf, idFromKey } from "#domain/ledger/idempotency.ts";
import { reportIncrementsFor } from "#domain/ledger/reports.ts";
import { exampleCity } from "../../../../support/city.ts";

const at = "2025-03-01T10:00:00.000Z";
function book(accountId: string, fields: Partial<Book> = {}): Book {
  return {
    accountId,
    shard: 0,
    balance: 0,
    nextSeq: 1,
    creditLimit: 600,
    maxBalance: 3000,
    lastHash: GENESIS_HASH,
    totalIn: 0,
    totalOut: 0,
    givenMinutes: 0,
    receivedMinutes: 0,
    updatedAt: at,
    ...fields,
  };
}
const books = (...list: Book[]) => new Map(list.map((b) => [bookKey(b), b]));
function draft(legs: TransferDraft["legs"]): TransferDraft {
  return { transferId: "T1", kind: "payment", legs, postedAt: at, createdBy: "tester" };
}
const ref = (accountId: string, shard = 0) => ({ accountId, shard });

describe("planning a posting", () => {
  it("numbers lines per book, keeps running balances and chains hashes", () => {
    const plan = planPosting(
      draft([
        { from: ref("a"), to: ref("b"), minutes: 30 },
        { from: ref("c"), to: ref("b"), minutes: 20 },
      ]),
      books(book("a", { balance: 100, nextSeq: 5, totalIn: 100 }), book("b"), book("c")),
    );
    expect(plan.lines.map((l) => [l.accountId, l.seq, l.amount, l.balanceAfter])).toEqual([
      ["a", 5, -30, 70],
      ["b", 1, 30, 30],
      ["c", 1, -20, -20],
      ["b", 2, 20, 50],
    ]);
    const [, b1, , b2] = plan.lines;
    expect(b1?.prevHash).toBe(GENESIS_HASH);
    expect(b2?.prevHash).toBe(b1?.hash);
    if (!b2) throw new Error("no second line for b");
    const { hash, prevHash, ...fields } = b2;
    expect(lineHash(prevHash, fields)).toBe(hash);
    expect(plan.books.map((c) => [c.before.accountId, c.delta, c.after.nextSeq])).toEqual([
      ["a", -30, 6],
      ["b", 50, 3],
      ["c", -20, 2],
    ]);
    expect(plan.transfer.legs).toEqual([
      { fromAccountId: "a", fromShard: 0, fromSeq: 5, toAccountId: "b", toShard: 0, toSeq: 1, minutes: 30 },
      { fromAccountId: "c", fromShard: 0, fromSeq: 1, toAccountId: "b", toShard: 0, toSeq: 2, minutes: 20 },
    ]);
    expect(plan.transfer.totalMinutes).toBe(50);
    expect(plan.books.find((c) => c.before.accountId === "b")?.after).toMatchObject({
      totalIn: 50,
      totalOut: 0,
    });
  });

  it("counts time given and received on exchanges, awards and redemptions, not on other credit", () => {
    const legs = [{ from: ref("a"), to: ref("b"), minutes: 30 }];
    const time = (d: TransferDraft) =>
      planPosting(d, books(book("a"), book("b"))).books.map((c) => [
        c.after.accountId,
        c.after.givenMinutes,
        c.after.receivedMinutes,
      ]);
    for (const kind of ["exchange", "award", "redemption"] as const) {
      // The payee (credited) gave the time; the payer received it.
      expect(time({ ...draft(legs), kind })).toEqual([
        ["a", 0, 30],
        ["b", 30, 0],
      ]);
    }
    for (const kind of ["grant", "donation", "payment"] as const) {
      expect(time({ ...draft(legs), kind })).toEqual([
        ["a", 0, 0],
        ["b", 0, 0],
      ]);
    }
    // Reversing an exchange (b paid back to a) takes back a's time received and b's time given.
    const back = [{ from: ref("b"), to: ref("a"), minutes: 30 }];
    expect(time({ ...draft(back), kind: "reversal", reversedKind: "exchange" })).toEqual([
      ["b", -30, 0],
      ["a", 0, -30],
    ]);
    expect(time({ ...draft(back), kind: "reversal", reversedKind: "grant" })).toEqual([
      ["b", 0, 0],
      ["a", 0, 0],
    ]);
  });

  it("refuses exactly at the credit limit and the maximum balance", () => {
    const at600 = books(book("a", { balance: -590 }), book("b"));
    expect(
      planPosting(draft([{ from: ref("a"), to: ref("b"), minutes: 10 }]), at600).lines[0]?.balanceAfter,
    ).toBe(-600);
    expect(() => planPosting(draft([{ from: ref("a"), to: ref("b"), minutes: 11 }]), at600)).toThrow(
      LimitExceededError,
    );
    const full = books(book("a"), book("b", { balance: 2990 }));
    expect(() => planPosting(draft([{ from: ref("a"), to: ref("b"), minutes: 11 }]), full)).toThrow(
      /maximum balance/,
    );
  });

  it("refuses bad amounts and an account paying itself", () => {
    const b = books(book("a"), book("b"));
    for (const minutes of [0, -5, 1.5, 1441, Number.NaN, 2 ** 60]) {
      expect(
        () => planPosting(draft([{ from: ref("a"), to: ref("b"), minutes }]), b),
        String(minutes),
      ).toThrow(ValidationError);
    }
    expect(() => planPosting(draft([{ from: ref("a"), to: ref("a"), minutes: 5 }]), b)).toThrow(/pay itself/);
    expect(() => planPosting(draft([]), b)).toThrow(ValidationError);
  });
});

describe("limits across books", () => {
  it("opens organisations with several books and no quota, people with the city's defaults", () => {
    const city = exampleCity();
    const org = openingOf(city, "org", "organisation", at);
    expect(org.books).toHaveLength(ORGANISATION_BOOKS);
    expect(ORGANISATION_BOOKS).toBeGreaterThan(1);
    expect(org.account.creditLimitMinutes).toBe(0);
    expect(org.books.reduce((s, b) => s + b.maxBalance, 0)).toBe(city.ledger.defaultMaxBalanceMinutes);
    expect(openingOf(city, "p", "person", at).books[0]).toMatchObject({ creditLimit: 600, maxBalance: 3000 });
  });

  it("splits limits so every balance fits, favouring a book that needs room", () => {
    expect(splitLimits(800, 80, [0, 0, 0, 0])).toEqual(
      new Array(4).fill({ creditLimit: 200, maxBalance: 20 }),
    );
    const shares = splitLimits(800, 0, [-300, -100, 0, 0], { index: 3, delta: -250 });
    // Needs first (300, 100, 0, and 250 for the favoured book), then the 150 left, spread evenly.
    expect(shares?.map((s) => s.creditLimit)).toEqual([338, 138, 37, 287]);
    expect(shares?.reduce((s, x) => s + x.creditLimit, 0)).toBe(800);
    expect(splitLimits(300, 3000, [-200, -200])).toBeUndefined();
    expect(splitLimits(600, 100, [50, 60])).toBeUndefined();
  });

  it("picks books deterministically and evenly", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[pickShard(`t${i}`, 8)] += 1;
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(pickShard("same", 8)).toBe(pickShard("same", 8));
    expect(pickShard("x", 1)).toBe(0);
  });
});

describe("idempotency", () => {
  it("fingerprints requests regardless of key order, and derives stable ids and tokens", () => {
    const a = fingerprintOf({ route: "r", path: {}, subjectId: "s", body: { x: 1, y: [1, 2] } });
    const b = fingerprintOf({ route: "r", path: {}, subjectId: "s", body: { y: [1, 2], x: 1 } });
    expect(a).toBe(b);
    expect(fingerprintOf({ route: "r", path: {}, subjectId: "s", body: { x: 2, y: [1, 2] } })).not.toBe(a);
    expect(idFromKey("K", "m1", "key-1")).toBe(idFromKey("K", "m1", "key-1"));
    expect(idFromKey("K", "m1", "key-1")).not.toBe(idFromKey("K", "m2", "key-1"));
    expect(idFromKey("K", "m1", "key-1")).toMatch(/^K-[0-9A-F]{26}$/);
    const token = clientRequestToken("key", "a#0@5");
    expect(token).toHaveLength(36);
    expect(clientRequestToken("key", "a#0@6")).not.toBe(token);
  });
});

describe("reports", () => {
  const transfer = {
    transferId: "X-1",
    kind: "exchange" as const,
    legs: [
      { fromAccountId: "r", fromShard: 0, fromSeq: 1, toAccountId: "p", toShard: 0, toSeq: 1, minutes: 90 },
    ],
    totalMinutes: 90,
    postedAt: at,
    createdBy: "r",
    category: "gardening",
    area: "old-town",
  };
  it("adds an exchange to its area and category, and a reversal takes it back", () => {
    expect(reportIncrementsFor(transfer)).toEqual([
      { sk: "AREA#old-town", adds: { exchangedMinutes: 90, exchanges: 1 } },
      { sk: "CAT#old-town#gardening", adds: { minutes: 90, exchanges: 1 } },
    ]);
    expect(reportIncrementsFor({ ...transfer, kind: "reversal", reversedKind: "exchange" })).toEqual([
      { sk: "AREA#old-town", adds: { exchangedMinutes: -90, reversals: 1 } },
      { sk: "CAT#old-town#gardening", adds: { minutes: -90 } },
    ]);
    expect(reportIncrementsFor({ ...transfer, kind: "award" })[0]).toMatchObject({
      sk: "ORG#r",
      adds: { awards: 1 },
    });
    expect(reportIncrementsFor({ ...transfer, kind: "payment" })).toEqual([]);
  });

  it("months are the city's local months", () => {
    expect(monthOf("2025-01-31T23:30:00.000Z", "Europe/Brussels")).toBe("2025-02");
    expect(monthOf("2025-01-31T22:30:00.000Z", "Europe/Brussels")).toBe("2025-01");
  });
});

describe("ledger CSV", () => {
  it("writes negative figures as numbers, and still defuses text that looks like a formula", () => {
    const csv = toCsv<{ amount: number; memo: string }>(
      [
        { header: "amount", value: (r) => r.amount },
        { header: "memo", value: (r) => r.memo },
      ],
      [
        { amount: -60, memo: "=HYPERLINK(1)" },
        { amount: 75, memo: 'Said "thanks", twice\nand left' },
      ],
    );
    expect(csv).toBe('amount,memo\r\n-60,\'=HYPERLINK(1)\r\n75,"Said ""thanks"", twice\nand left"\r\n');
  });
});
