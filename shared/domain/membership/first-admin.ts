import type { Deps } from "#domain/deps.ts";
import { ConflictError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import type { Language } from "#shared/config/city.ts";
import { type Member, newMember } from "./member.ts";
import { requireArea } from "./members.ts";

/**
 * A new city's first admin. Every join waits for a coordinator and only admins make coordinators,
 * so a city starts with nobody able to let anyone in. The first admin is made by a command run with
 * deploy rights (write access to the city's table: the deployer's AWS credentials, or the machine
 * running the city locally), never by an HTTP route. It works once: it refuses when the city has
 * an admin, and a guard item written with the admin makes a second first admin impossible, even
 * for two runs at once.
 */
export interface FirstAdminRequest {
  /** The login (Cognito `sub`) the admin signs in with. */
  subject: string;
  /** For a login that has not joined yet: their name, area and languages. */
  displayName?: string | undefined;
  area?: string | undefined;
  languages?: readonly Language[] | undefined;
}

/**
 * Makes the login the city's first admin: a new active, verified member with the admin role, or,
 * if the login has joined already (pending, say), that member made active admin.
 * @throws RuleViolationError when the city has an admin, a first admin was made before, or the
 * login's member is closed or an organisation; ValidationError for an unknown area or a missing
 * name; ConflictError when the member changed meanwhile.
 */
export async function createFirstAdmin(
  deps: Pick<Deps, "members" | "clock" | "ids" | "city">,
  request: FirstAdminRequest,
): Promise<Member> {
  const { city } = deps;
  if (request.area !== undefined) requireArea(city, request.area);
  const offered: readonly string[] = city.languages.offered;
  request.languages?.forEach((language, index) => {
    if (!offered.includes(language)) {
      throw new ValidationError("Language not offered", [
        { path: `languages.${index}`, message: `Must be one of: ${offered.join(", ")}` },
      ]);
    }
  });
  const admins = (await deps.members.listCoordinators()).filter((m) => m.roles.includes("admin"));
  if (admins.length > 0) {
    throw new RuleViolationError(
      `${city.name} already has an admin (${admins.map((a) => a.displayName).join(", ")}): they make other admins and coordinators`,
    );
  }
  const now = deps.clock.now().toISOString();
  const existing = await deps.members.getBySubject(request.subject);
  let admin: Member;
  let claim: "claimed" | "taken" | "changed";
  if (existing) {
    if (existing.kind !== "person" || existing.status === "closed") {
      throw new RuleViolationError(
        `This login's member is ${existing.status === "closed" ? "closed" : "an organisation"}`,
      );
    }
    admin = {
      ...existing,
      status: "active",
      roles: [...new Set([...existing.roles, "resident" as const, "admin" as const])],
      verified: true,
      updatedAt: now,
      updatedBy: "system",
    };
    claim = await deps.members.claimFirstAdmin(admin, { expectedUpdatedAt: existing.updatedAt });
  } else {
    const area = request.area ?? city.areas[0]?.id ?? "";
    if (!request.displayName?.trim()) {
      throw new ValidationError("A name is needed for a login that has not joined", [
        { path: "displayName", message: "Give the admin's name" },
      ]);
    }
    admin = newMember({
      memberId: deps.ids.next(),
      kind: "person",
      displayName: request.displayName.trim(),
      status: "active",
      roles: ["resident", "admin"],
      coordinatorAreas: [],
      area,
      languages: request.languages?.length ? [...request.languages] : [city.languages.default],
      verified: true,
      createdAt: now,
      updatedAt: now,
      updatedBy: "system",
    });
    claim = await deps.members.claimFirstAdmin(admin, { subject: request.subject });
  }
  if (claim === "taken") throw new RuleViolationError(`${city.name} had its first admin made already`);
  if (claim === "changed") throw new ConflictError("The member changed meanwhile; run the command again");
  return admin;
}
