import { newMember } from "#domain/membership/member.ts";
import { demoSubject } from "../../../infra/local/demo.ts";
import type { TestCity } from "../../support/city.ts";

/**
 * Every route x every kind of caller -> the expected status. A new route without a row here fails
 * the suite, so nobody ships an endpoint whose access rules were never written down.
 */
export const personas = [
  "anonymous",
  "owner",
  "otherResident",
  "coordinatorInScope",
  "coordinatorOutOfScope",
  "admin",
  "suspended",
] as const;
export type Persona = (typeof personas)[number];
export type Expected = Record<Persona, number>;

export interface Prepared {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The same request about an item that does not exist, to prove 404s do not leak existence. */
  missingPath?: string;
  missingHeaders?: Record<string, string>;
}

export interface Owner {
  id: string;
  login: string;
}

export interface Scenario {
  setup(city: TestCity, owner: Owner): Promise<Prepared>;
  expect: Expected;
}

export const MISSING = "01MISSINGMEMBER0000000000";
let counter = 0;

/** A fresh active resident in Old Town (Dora's scope, not Emil's) who owns the item under test. */
export async function freshOwner(city: TestCity): Promise<Owner> {
  counter += 1;
  const now = new Date().toISOString();
  const id = `owner-${counter}`;
  const login = `owner${counter}`;
  await city.runtime.deps.members.create(
    newMember({
      memberId: id,
      kind: "person",
      displayName: `Owner ${counter}`,
      status: "active",
      roles: ["resident"],
      coordinatorAreas: [],
      area: "old-town",
      languages: ["en"],
      createdAt: now,
      updatedAt: now,
    }),
    demoSubject(login),
  );
  return { id, login };
}

export const selfOrHelpers: Expected = {
  anonymous: 401,
  owner: 200,
  otherResident: 404,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 404,
  admin: 200,
  suspended: 403,
};
export const coordinatorsOnly: Expected = {
  anonymous: 401,
  owner: 403,
  otherResident: 403,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 200,
  admin: 200,
  suspended: 403,
};
export const coordinatorInScopeDecides: Expected = {
  anonymous: 401,
  owner: 403,
  otherResident: 403,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 404,
  admin: 200,
  suspended: 403,
};
export const actFor = (owner: Owner) => ({
  headers: { "x-act-for": owner.id },
  missingHeaders: { "x-act-for": MISSING },
});
