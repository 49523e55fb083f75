import type { Deps } from "#domain/deps.ts";
import { ForbiddenError, NotFoundError } from "#domain/kernel/errors.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import { coordinatesArea, isCoordinatorOrAdmin, type Member } from "./member.ts";

/**
 * Who is doing something and for whom. `actor` is the signed-in member; `subject` is the member the
 * action is for: the actor, an organisation the actor administers, or a member a coordinator helps.
 */
export interface Acting {
  actor: Member;
  subject: Member;
}

/** Whether `actor` may act for `subject`. */
export function mayActFor(actor: Member, subject: Member): boolean {
  if (actor.memberId === subject.memberId) return true;
  if (actor.status !== "active") return false;
  if (subject.kind === "organisation" && subject.admins.includes(actor.memberId)) return true;
  // Coordinators help residents in their areas; only admins act for other coordinators or admins.
  if (isCoordinatorOrAdmin(subject) && !actor.roles.includes("admin")) return false;
  return coordinatesArea(actor, subject.area);
}

/**
 * For whom a route may be used on someone's behalf: `active` members only (the rule: one acts for
 * a member only while they could act themselves), or `any-status` for the routes that exist for
 * members who cannot (exporting their data at their request). Approving, reinstating and the other
 * coordinator decisions are not acting for a member: they name the member in the path.
 */
export type ActingFor = "active" | "any-status";

/**
 * Resolves the subject named by `actForId` (the `x-act-for` header, or an organisation's id in the
 * path) for an active caller.
 * @throws NotFoundError when the member does not exist or the caller may not act for them (the
 * same answer for both, so the existence of other members' records never leaks); ForbiddenError
 * when the caller may act for them but they are not active and the route is not for that.
 */
export async function resolveActing(
  deps: Pick<Deps, "members">,
  actor: Member,
  actForId: string | undefined,
  allowed: ActingFor = "active",
): Promise<Acting> {
  if (!actForId || actForId === actor.memberId) return { actor, subject: actor };
  // Text no member id can be (too long for a store key, other characters) is an unknown member.
  if (!z.safeParse(idSchema, actForId).success) throw new NotFoundError("No such member");
  const subject = await deps.members.get(actForId);
  if (!subject || !mayActFor(actor, subject)) throw new NotFoundError("No such member");
  if (subject.status !== "active" && allowed !== "any-status") {
    throw new ForbiddenError(
      `This member's membership is ${subject.status}: nobody can act for them until it is active`,
    );
  }
  return { actor, subject };
}
