import * as z from "../zod.ts";

export const notificationKinds = [
  "membership-approved",
  "membership-declined",
  "membership-suspended",
  "membership-reinstated",
  "post-expiring",
  "post-expired",
  "post-changed-by-coordinator",
  "match",
  "digest",
  "suggestion",
  "exchange-proposed",
  "exchange-accepted",
  "exchange-completed",
  "exchange-confirmed",
  "exchange-settled",
  "exchange-declined",
  "exchange-cancelled",
  "exchange-disputed",
  "exchange-resolved",
  "account-closed",
  "account-written-off",
] as const;

export const notificationSchema = z.object({
  notificationId: z.string(),
  memberId: z.string(),
  kind: z.enum(notificationKinds),
  title: z.string().check(z.maxLength(200)),
  body: z.string().check(z.maxLength(2000)),
  /** What the notification is about, e.g. `/posts/01J...`. */
  link: z.optional(z.string()),
  createdAt: z.iso.datetime(),
  readAt: z.optional(z.iso.datetime()),
});
export type Notification = z.infer<typeof notificationSchema>;

/** A notice ready to be written with another change, once per (member, dedupeKey). */
export interface InboxDelivery {
  notification: Notification;
  dedupeKey: string;
}
