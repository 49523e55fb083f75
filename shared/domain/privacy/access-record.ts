import * as z from "#shared/zod.ts";

export const accessActions = ["read", "act", "export"] as const;

/** A coordinator's or admin's look at a member's personal data, as stored. */
export const accessRecordSchema = z.object({
  recordId: z.string(),
  /** The member whose data it was. */
  memberId: z.string(),
  /** Who looked: a coordinator or admin. */
  actorId: z.string(),
  actorRole: z.enum(["coordinator", "admin"]),
  /** read: saw their details; act: did something for them; export: took a copy of their data. */
  action: z.enum(accessActions),
  /** The route, as `METHOD /path/{param}` (no values). */
  route: z.string(),
  at: z.iso.datetime(),
});
export type AccessRecord = z.infer<typeof accessRecordSchema>;
