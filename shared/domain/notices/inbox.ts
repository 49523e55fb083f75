import { languageSchema } from "#shared/config/city.ts";
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
  "exchange-statement",
  "exchange-resolved",
  "account-closed",
  "account-written-off",
  "credits-awarded",
  "credits-redeemed",
  "credits-donated",
  "credits-granted",
  "credits-reversed",
  "redemption-requested",
  "redemption-declined",
  "dispute-to-resolve",
  "conversation-message",
  "conversation-reported",
  "conversation-warning",
  "conversation-report-decided",
] as const;

/**
 * What a notice is about, as values rather than words (minutes, ids, names): each kind's values
 * are checked by its own schema (`noticeParamsSchemas`), and its words come from the reader's
 * catalogue when it is read or sent.
 */
export const noticeParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type NoticeParams = z.infer<typeof noticeParamsSchema>;

const noticeFields = {
  notificationId: z.string(),
  memberId: z.string(),
  kind: z.enum(notificationKinds),
  /** What the notification is about, e.g. `/posts/01J...`. */
  link: z.optional(z.string()),
  params: z.optional(noticeParamsSchema),
  createdAt: z.iso.datetime(),
  readAt: z.optional(z.iso.datetime()),
};

/**
 * A notice as stored: its kind and params. Notices written before every kind carried params hold
 * their English `title` and `body` instead, which are shown as they are.
 */
export const notificationSchema = z.object({
  ...noticeFields,
  title: z.optional(z.string().check(z.maxLength(200))),
  body: z.optional(z.string().check(z.maxLength(2000))),
});
export type Notification = z.infer<typeof notificationSchema>;

/** A notice as its reader gets it: rendered in their language (or as stored, for an old one). */
export const readNotificationSchema = z.object({
  ...noticeFields,
  title: z.string().check(z.maxLength(200)),
  body: z.string().check(z.maxLength(2000)),
  /** The language of `title` and `body`. */
  language: languageSchema,
});
export type ReadNotification = z.infer<typeof readNotificationSchema>;

/** A notice ready to be written with another change, once per (member, dedupeKey). */
export interface InboxDelivery {
  notification: Notification;
  dedupeKey: string;
}
