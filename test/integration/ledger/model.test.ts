import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Deps } from "#domain/deps.ts";
import { DomainError } from "#domain/kernel/errors.ts";
import { changeAccountLimits } from "#domain/ledger/accounts.ts";
import { summarise, type Transfer } from "#domain/ledger/books.ts";
import { makePayment, reverseTransfer } from "#domain/ledger/credits.ts";
import { fingerprintOf, type StoredResponse } from "#domain/ledger/idempotency.ts";
import { openAccounts } from "#domain/ledger/posting.ts";
import type { Member } from "#domain/membership/member.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { LedgerModel, type Outcome } from "./reference-model.ts";
import { createMember, expectLedgerSound } from "./support.ts";

/**
 * Model-based property test: random sequences of open account, settle, retry with the same key,
 * retry with an altered body, reverse and change limit, run against the pure reference model and
 * the real ledger (the embedded store); after every step both must agree on the outcome and on
 * every balance. The seed is printed; replay a failure with LEDGER_MODEL_SEED=<seed> (fast-check
 * also prints the shrunk command path).
 */
let city: TestCity;
let coordinator: Member;
beforeAll(async () => {
  city = await startTestCity({ demo: false });
  coordinator = await createMember(city.runtime.deps, {
    id: "model-coordinator",
    roles: ["resident", "coordinator"],
  });
});
afterAll(async () => {
  await city?.stop();
});

const ACCOUNTS = 4;
let runs = 0;

interface Real {
  deps: Deps;
  prefix: string;
  accountIds: string[];
  /** Model transfer index -> real transfer id; model key index -> first committed response. */
  transferIds: string[];
  responses: Map<number, StoredResponse>;
}

async function outcomeOf(
  promise: Promise<StoredResponse>,
): Promise<{ outcome: string; response?: StoredResponse }> {
  try {
    return { outcome: "ok", response: await promise };
  } catch (error) {
    if (error instanceof DomainError) return { outcome: error.code };
    throw error;
  }
}

async function expectSameBalances(model: LedgerModel, real: Real): Promise<void> {
  const balances = await Promise.all(
    real.accountIds.map(
      async (id) => summarise((await real.deps.ledger.readAccount(id))?.books ?? []).balance,
    ),
  );
  expect(balances).toEqual(model.accounts.map((a) => a.balance));
  expect(model.sum()).toBe(0);
}

class OpenAccount implements fc.AsyncCommand<LedgerModel, Real> {
  constructor(readonly account: number) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    await openAccounts(real.deps, [{ accountId: real.accountIds[this.account] ?? "", kind: "person" }]);
    await expectSameBalances(model, real);
  }
  toString = () => `open(${this.account})`;
}

class Settle implements fc.AsyncCommand<LedgerModel, Real> {
  constructor(
    readonly key: number,
    readonly from: number,
    readonly step: number,
    readonly minutes: number,
    readonly mode: "new" | "same" | "altered",
  ) {}
  check = (model: Readonly<LedgerModel>) => this.mode === "new" || model.keys.length > 0;
  async run(model: LedgerModel, real: Real) {
    const keyIndex = this.mode === "new" ? model.keys.length : this.key % model.keys.length;
    const previous = model.keys[keyIndex];
    let { from, minutes } = this;
    let to = (this.from + this.step) % ACCOUNTS;
    if (previous && this.mode !== "new") ({ from, to, minutes } = previous);
    if (this.mode === "altered") minutes += 1;
    const expected: Outcome = model.settle(keyIndex, from, to, minutes);
    const body = { from: real.accountIds[from] ?? "", to: real.accountIds[to] ?? "", minutes };
    const result = await outcomeOf(
      makePayment(
        real.deps,
        {
          scope: real.prefix,
          key: `${real.prefix}-key-${keyIndex}`,
          fingerprint: fingerprintOf({ route: "payment", path: {}, subjectId: body.from, body }),
        },
        {
          from: { accountId: body.from, kind: "person" },
          to: { accountId: body.to, kind: "person" },
          minutes,
          createdBy: "model",
        },
      ),
    );
    if (expected === "committed") {
      expect(result.outcome).toBe("ok");
      if (!result.response) throw new Error("a committed payment answered nothing");
      real.responses.set(keyIndex, result.response);
      real.transferIds.push((result.response.body as Transfer).transferId);
    } else if (expected === "replayed") {
      expect(result.response).toEqual(real.responses.get(keyIndex));
    } else {
      expect(result.outcome).toBe(expected);
    }
    await expectSameBalances(model, real);
  }
  toString = () => `settle(${this.mode}, key ${this.key}, ${this.from}->+${this.step}, ${this.minutes})`;
}

class Reverse implements fc.AsyncCommand<LedgerModel, Real> {
  constructor(readonly transfer: number) {}
  check = (model: Readonly<LedgerModel>) => model.transfers.length > 0;
  async run(model: LedgerModel, real: Real) {
    const index = this.transfer % model.transfers.length;
    const expected = model.reverse(index);
    runs += 1;
    const result = await outcomeOf(
      reverseTransfer(
        real.deps,
        coordinator,
        real.transferIds[index] ?? "",
        { reason: "Model reversal" },
        { scope: real.prefix, key: `${real.prefix}-reverse-${runs}`, fingerprint: `reverse-${runs}` },
      ),
    );
    expect(result.outcome).toBe(expected === "committed" ? "ok" : expected);
    await expectSameBalances(model, real);
  }
  toString = () => `reverse(${this.transfer})`;
}

class ChangeLimit implements fc.AsyncCommand<LedgerModel, Real> {
  constructor(
    readonly account: number,
    readonly creditLimit: number,
  ) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    const expected = model.changeCreditLimit(this.account, this.creditLimit);
    const maxBalance = model.accounts[this.account]?.maxBalance ?? 0;
    const result = await changeAccountLimits(real.deps, coordinator, real.accountIds[this.account] ?? "", {
      creditLimitMinutes: this.creditLimit,
      maxBalanceMinutes: maxBalance,
    }).then(
      () => "ok",
      (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
    );
    expect(result).toBe(expected === "committed" ? "ok" : expected);
    await expectSameBalances(model, real);
  }
  toString = () => `changeLimit(${this.account}, ${this.creditLimit})`;
}

const account = fc.nat({ max: ACCOUNTS - 1 });
const settle = fc
  .record({
    key: fc.nat(),
    from: account,
    step: fc.integer({ min: 1, max: ACCOUNTS - 1 }),
    minutes: fc.integer({ min: 1, max: 500 }),
    mode: fc.constantFrom("new" as const, "new" as const, "same" as const, "altered" as const),
  })
  .map((c) => new Settle(c.key, c.from, c.step, c.minutes, c.mode));
const commands = [
  account.map((a) => new OpenAccount(a)),
  settle,
  settle,
  settle,
  fc.nat().map((t) => new Reverse(t)),
  fc
    .record({ a: account, limit: fc.integer({ min: 0, max: 900 }) })
    .map((c) => new ChangeLimit(c.a, c.limit)),
];

it("the ledger behaves like its reference model under random commands", async () => {
  const seed = Number(process.env.LEDGER_MODEL_SEED ?? Date.now() % 2 ** 31);
  console.log(`ledger model seed ${seed} (replay with LEDGER_MODEL_SEED=${seed})`);
  const deps = city.runtime.deps;
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "max" }), async (cmds) => {
      run += 1;
      const prefix = `m${seed}r${run}`;
      const members = await Promise.all(
        Array.from({ length: ACCOUNTS }, (_, i) => createMember(deps, { id: `${prefix}-a${i}` })),
      );
      const real: Real = {
        deps,
        prefix,
        accountIds: members.map((m) => m.memberId),
        transferIds: [],
        responses: new Map(),
      };
      const limits = {
        creditLimit: deps.city.ledger.defaultCreditLimitMinutes,
        maxBalance: deps.city.ledger.defaultMaxBalanceMinutes,
      };
      await fc.asyncModelRun(() => ({ model: new LedgerModel(ACCOUNTS, limits), real }), cmds);
    }),
    { seed, numRuns: 25 },
  );
  await expectLedgerSound(deps);
});
