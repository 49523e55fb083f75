import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { changeAccountLimits } from "#domain/ledger/accounts.ts";
import { ORGANISATION_BOOKS, summarise } from "#domain/ledger/books.ts";
import { awardCredits } from "#domain/ledger/credits.ts";
import { LimitExceededError } from "#domain/ledger/errors.ts";
import type { Member } from "#domain/membership/member.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { createMember, expectLedgerSound, newKey } from "./support.ts";

/**
 * Organisation accounts spread their balance over several books so that awards do not queue on
 * one item; the issuance quota must still hold exactly, for the account as a whole.
 */
let city: TestCity;
let admin: Member;
let cityAdmin: Member;
let volunteers: Member[];
beforeAll(async () => {
  city = await startTestCity({ demo: false });
  const deps = city.runtime.deps;
  admin = await createMember(deps, { id: "shard-admin" });
  // The quota is set by a city admin who does not run the organisation (nobody sets their own).
  cityAdmin = await createMember(deps, { id: "city-admin", roles: ["resident", "admin"] });
  volunteers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => createMember(deps, { id: `vol-${i}` })),
  );
});
afterAll(async () => {
  await city?.stop();
});
afterEach(async () => {
  await expectLedgerSound(city.runtime.deps);
});

async function organisationWithQuota(id: string, quota: number): Promise<Member> {
  const deps = city.runtime.deps;
  const org = await createMember(deps, { id, kind: "organisation", admins: [admin.memberId] });
  await changeAccountLimits(deps, cityAdmin, org.memberId, {
    creditLimitMinutes: quota,
    maxBalanceMinutes: 3000,
  });
  return org;
}

function award(org: Member, minutes: number, volunteer = 0) {
  return awardCredits(
    city.runtime.deps,
    { actor: admin, subject: org },
    { volunteers: [{ memberId: volunteers[volunteer % volunteers.length]?.memberId ?? "", minutes }] },
    { scope: admin.memberId, key: newKey("award"), fingerprint: `award-${minutes}-${Math.random()}` },
  );
}

async function balanceOf(accountId: string): Promise<number> {
  const state = await city.runtime.deps.ledger.readAccount(accountId);
  return summarise(state?.books ?? []).balance;
}

it("uses the whole quota exactly, moving shares between books when one award needs more than a book has", async () => {
  const org = await organisationWithQuota("org-exact", 800);
  const state = await city.runtime.deps.ledger.readAccount(org.memberId);
  expect(state?.books).toHaveLength(ORGANISATION_BOOKS);
  const share = 800 / ORGANISATION_BOOKS;
  expect(state?.books.map((b) => b.creditLimit)).toEqual(new Array(ORGANISATION_BOOKS).fill(share));
  // 150 minutes fit in no single book's share: the shares are moved, guarded, and the award posts.
  expect(share).toBeLessThan(150);
  expect((await award(org, 150)).status).toBe(201);
  for (const minutes of [90, 200, 60, 100, 170, 30]) expect((await award(org, minutes)).status).toBe(201);
  expect(await balanceOf(org.memberId)).toBe(-800);
  await expect(award(org, 1)).rejects.toBeInstanceOf(LimitExceededError);
  expect(await balanceOf(org.memberId)).toBe(-800);
});

it("100 concurrent awards of 10 minutes against a quota of 800: exactly 80 post", async () => {
  const org = await organisationWithQuota("org-busy", 800);
  const outcomes = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      award(org, 10, i).then(
        () => "posted",
        (error: unknown) => (error instanceof LimitExceededError ? "refused" : String(error)),
      ),
    ),
  );
  expect(outcomes.filter((o) => o === "posted")).toHaveLength(80);
  expect(outcomes.filter((o) => o === "refused")).toHaveLength(20);
  expect(await balanceOf(org.memberId)).toBe(-800);
  // The books shared the work.
  const books = (await city.runtime.deps.ledger.readAccount(org.memberId))?.books ?? [];
  expect(books.filter((b) => b.nextSeq > 1).length).toBeGreaterThan(1);
});
