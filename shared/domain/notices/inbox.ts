import * as z from "#shared/zod.ts";

export const notificationKinds = [
  "membership-approved",
  "membership-declined",
  "membership-suspended",
  "membership-reinstated",
  "post-expiring",
  "post-expired",
  "post-changed-by-coordinator",
  "match",
  "post-matches",
  "post-fulfilled",
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
  "credits-awarded",
  "credits-redeemed",
  "credits-donated",
  "credits-granted",
  "credits-reversed",
  "dispute-to-resolve",
  "conversation-message",
  "conversation-reported",
  "conversation-warning",
  "conversation-report-decided",
] as const;

/**
 * What a notice is about, as values rather than words (minutes, ids, names), so a reader's app
 * can render it in their language. Newer notices carry them; `title` and `body` are the English
 * rendering.
 */
export const noticeParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type NoticeParams = z.infer<typeof noticeParamsSchema>;

export const notificationSchema = z.object({
  notificationId: z.string(),
  memberId: z.string(),
  kind: z.enum(notificationKinds),
  title: z.string().check(z.maxLength(200)),
  body: z.string().check(z.maxLength(2000)),
  /** What the notification is about, e.g. `/posts/01J...`. */
  link: z.optional(z.string()),
  params: z.optional(noticeParamsSchema),
  createdAt: z.iso.datetime(),
  readAt: z.optional(z.iso.datetime()),
});
export type Notification = z.infer<typeof notificationSchema>;

/** A notice ready to be written with another change, once per (member, dedupeKey). */
export interface InboxDelivery {
  notification: Notification;
  dedupeKey: string;
}
