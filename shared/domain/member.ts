import { languageSchema } from "../config/city.ts";
import { z } from "../zod.ts";

export const memberKinds = ["person", "organisation"] as const;
export const memberStatuses = ["pending", "active", "declined", "suspended", "closed"] as const;
export type MemberStatus = (typeof memberStatuses)[number];
export const roles = ["resident", "coordinator", "admin"] as const;

export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const memberSchema = z.object({
  memberId: z.string().check(z.minLength(1)),
  kind: z.enum(memberKinds),
  displayName: z.string().check(z.minLength(1), z.maxLength(80)),
  status: z.enum(memberStatuses),
  roles: z.array(roleSchema),
  /** Areas a coordinator may act in; empty means the whole city. */
  coordinatorAreas: z.array(z.string()),
  area: z.string(),
  languages: z.array(languageSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Member = z.infer<typeof memberSchema>;

/** Whether the member may act at all: pending, declined, suspended and closed members may not. */
export function isActive(member: Member): boolean {
  return member.status === "active";
}

/** Whether a coordinator's scope covers an area (an empty scope covers the whole city). */
export function coordinatesArea(member: Member, area: string): boolean {
  if (!isActive(member)) return false;
  if (member.roles.includes("admin")) return true;
  if (!member.roles.includes("coordinator")) return false;
  return member.coordinatorAreas.length === 0 || member.coordinatorAreas.includes(area);
}
