import { expect } from "vitest";
import type { Deps } from "#domain/deps.ts";
import { auditLedger, type LedgerAuditReport } from "#domain/ledger/audit.ts";
import { type Member, newMember } from "#domain/membership/member.ts";
import { demoSubject } from "../../../infra/local/demo.ts";

/** Runs the ledger audit and fails the test on any violated invariant (run after every ledger test). */
export async function expectLedgerSound(
  deps: Pick<Deps, "ledger" | "exchanges">,
): Promise<LedgerAuditReport> {
  const report = await auditLedger(deps);
  expect(report.violations).toEqual([]);
  expect(report.sumOfBalances).toBe(0);
  return report;
}

let counter = 0;

/** A unique, valid Idempotency-Key. */
export function newKey(label = "key"): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

/** An active member created straight through the repository; `login` gets a token via demoSubject. */
export async function createMember(
  deps: Pick<Deps, "members">,
  fields: {
    id: string;
    login?: string;
    kind?: Member["kind"];
    area?: string;
    admins?: string[];
    roles?: Member["roles"];
  },
): Promise<Member> {
  const now = new Date().toISOString();
  const member = newMember({
    memberId: fields.id,
    kind: fields.kind ?? "person",
    displayName: `Member ${fields.id}`,
    status: "active",
    roles: fields.roles ?? ["resident"],
    coordinatorAreas: [],
    area: fields.area ?? "old-town",
    languages: ["en"],
    admins: fields.admins ?? [],
    ...(fields.kind === "organisation" ? { organisationType: "venue" as const } : {}),
    createdAt: now,
    updatedAt: now,
  });
  await deps.members.create(member, fields.login ? demoSubject(fields.login) : undefined);
  return member;
}

/** Body of an error answer. */
export function errorOf(body: unknown): { code: string; message: string; details?: { path: string }[] } {
  const error = (body as { error?: { code: string; message: string; details?: { path: string }[] } }).error;
  if (!error) throw new Error(`not an error body: ${JSON.stringify(body)}`);
  return error;
}
