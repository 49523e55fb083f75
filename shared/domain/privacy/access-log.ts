import type { Deps } from "#domain/deps.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { coordinatesArea, isCoordinatorOrAdmin, type Member } from "#domain/membership/member.ts";
import * as z from "#shared/zod.ts";
import { type AccessRecord, accessRecordSchema } from "./access-record.ts";
import type { AccessLogRepository } from "./ports.ts";

/** An access record as the member sees it, with who looked by name (as they are called now). */
export const accessRecordViewSchema = z.extend(z.omit(accessRecordSchema, { memberId: true }), {
  actorName: z.string(),
});
export type AccessRecordView = z.infer<typeof accessRecordViewSchema>;

/**
 * The record a request leaves, if any: a coordinator or admin reaching another member's data,
 * whether by acting for them or by reading them by id. An organisation's own admins acting for it,
 * and anyone reaching their own data, leave none.
 */
export function accessRecordFor(
  actor: Member,
  subject: Member,
  request: { route: string; method: string; export: boolean },
  at: string,
  recordId: string,
): AccessRecord | undefined {
  if (actor.memberId === subject.memberId) return undefined;
  if (subject.kind === "organisation" && subject.admins.includes(actor.memberId)) return undefined;
  // Only a coordinator whose scope covers the member sees their personal details (others get the
  // public profile, or nothing).
  if (!isCoordinatorOrAdmin(actor) || !coordinatesArea(actor, subject.area)) return undefined;
  return {
    recordId,
    memberId: subject.memberId,
    actorId: actor.memberId,
    actorRole: actor.roles.includes("admin") ? "admin" : "coordinator",
    action: request.export ? "export" : request.method === "GET" ? "read" : "act",
    route: request.route,
    at,
  };
}

/** A member's access log, newest first, with the names of who looked. */
export async function readAccessLog(
  deps: Pick<Deps, "members"> & { accessLog: AccessLogRepository },
  memberId: string,
  page: PageRequest,
): Promise<Page<AccessRecordView>> {
  const result = await deps.accessLog.list(memberId, page);
  const actors = await deps.members.getMany([...new Set(result.items.map((r) => r.actorId))]);
  return {
    items: result.items.map(({ memberId: _member, ...record }) => ({
      ...record,
      actorName: actors.get(record.actorId)?.displayName ?? "Unknown",
    })),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  };
}
