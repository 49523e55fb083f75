import { pageQueryFields } from "#domain/kernel/paging.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";

/**
 * Conversations between the parties of an accepted match or of an exchange. A conversation's id
 * is the id of what it is about (the match id, or the exchange id), so both sides reach the same
 * conversation from the match or the exchange without anyone creating it first: it is written
 * with its first message.
 */
export const conversationIdSchema = z
  .string()
  .check(
    z.regex(
      /^[0-9A-Za-z-]{1,40}(_[0-9A-Za-z-]{1,40})?$/,
      "must be a conversation id (a match or exchange id)",
    ),
  );

export const MAX_MESSAGE_LENGTH = 2000;

export const conversationSchema = z.object({
  conversationId: z.string(),
  /** What the conversation is about: an accepted match or an exchange (ids equal). */
  source: z.enum(["match", "exchange"]),
  /** Every party's member id (two for a match; each party of a group exchange). */
  parties: z.array(z.string()),
  category: z.string(),
  /** Work of a sensitive category: notices never carry the message text. */
  sensitive: z.boolean(),
  createdAt: z.iso.datetime(),
  lastActivityAt: z.iso.datetime(),
  messageCount: z.int(),
  /** Areas of the reports made about it: coordinators of these areas may read it. */
  reportAreas: z._default(z.array(z.string()), []),
  /** Kept until this instant, then deleted (the city's retention after the last activity). */
  retainUntil: z.iso.datetime(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const messageSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  /** The member the message is from (the subject when a coordinator acts for them). */
  senderId: z.string(),
  /** The coordinator who wrote it for the sender, with their name as shown ("via Dora"). */
  actorId: z.optional(z.string()),
  actorName: z.optional(z.string()),
  clientMessageId: z.string(),
  text: z.string(),
  /** Links are shown as links only from members with a settled exchange; otherwise as plain text. */
  linksAllowed: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof messageSchema>;

/** One member's place in a conversation: their list entry, unread count and last read. */
export const conversationEntrySchema = z.object({
  memberId: z.string(),
  conversationId: z.string(),
  source: z.enum(["match", "exchange"]),
  /** The other parties. */
  others: z.array(z.string()),
  category: z.string(),
  lastActivityAt: z.iso.datetime(),
  unread: z.int(),
  lastReadAt: z.optional(z.iso.datetime()),
  /** A notice about unread messages went out since the member last read (one until they read). */
  noticeOpen: z._default(z.boolean(), false),
  retainUntil: z.iso.datetime(),
});
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

export const reportReasons = ["harassment", "spam", "scam", "unsafe", "other"] as const;
export const reportStatuses = ["open", "warned", "suspended", "dismissed"] as const;

export const conversationReportSchema = z.object({
  reportId: z.string(),
  conversationId: z.string(),
  reporterId: z.string(),
  /** Who wrote it for the reporter, if a coordinator did. */
  reportedBy: z.string(),
  reportedId: z.string(),
  reason: z.enum(reportReasons),
  note: z.optional(z.string()),
  /** The messages the report points at (the latest ones of the reported member if none named). */
  messageIds: z.array(z.string()),
  /** The areas whose coordinators see it: the reporter's and the reported member's. */
  areas: z.array(z.string()),
  status: z.enum(reportStatuses),
  createdAt: z.iso.datetime(),
  decidedAt: z.optional(z.iso.datetime()),
  decisionNote: z.optional(z.string()),
  /** Who made the last change (the audit trail's actor). */
  updatedBy: z.string(),
  retainUntil: z.iso.datetime(),
});
export type ConversationReport = z.infer<typeof conversationReportSchema>;

// -- what the API takes and answers --

const clientMessageIdSchema = z
  .string()
  .check(z.regex(/^[0-9A-Za-z_-]{8,64}$/, "must be 8 to 64 letters, digits, - or _ (a client-made id)"));

export const sendMessageSchema = z.strictObject({
  /** Made by the client once per message: sending it again (a retry, a double tap) is one message. */
  clientMessageId: clientMessageIdSchema,
  text: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "must not be empty"),
      z.maxLength(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`),
    ),
});
export type SendMessage = z.infer<typeof sendMessageSchema>;

export const blockSchema = z.strictObject({
  /** Which party to block; in a conversation of two it may be left out. */
  memberId: z.optional(z.string().check(z.maxLength(40))),
});

export const reportSchema = z.strictObject({
  reason: z.enum(reportReasons),
  note: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  /** Which party is reported; in a conversation of two it may be left out. */
  memberId: z.optional(z.string().check(z.maxLength(40))),
  /** The messages that are the problem (at most 20); the reported member's latest if none. */
  messageIds: z.optional(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(20))),
});
export type ReportInput = z.infer<typeof reportSchema>;

export const moderationDecisions = ["warn", "suspend", "dismiss"] as const;
export const decisionSchema = z.strictObject({
  decision: z.enum(moderationDecisions),
  /** Why: required to warn or suspend (the member is told). */
  note: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
});
export type ModerationDecision = z.infer<typeof decisionSchema>;

export const messagesQuerySchema = z.strictObject({ ...pageQueryFields });
export const reportQueueQuerySchema = z.strictObject({
  /** One of the coordinator's areas; a coordinator of one area, city-wide coordinators and admins may leave it out. */
  area: z.optional(z.string().check(z.maxLength(60))),
  ...pageQueryFields,
});

export const personViewSchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  /** The account was closed: shown as "a former member". */
  former: z.boolean(),
});

export const conversationViewSchema = z.object({
  conversationId: z.string(),
  source: z.enum(["match", "exchange"]),
  category: z.string(),
  with: z.array(personViewSchema),
  lastActivityAt: z.optional(z.iso.datetime()),
  unread: z.int(),
  /**
   * `closed`: nobody can write (a block either way, or the other side's account closed). The
   * blocked side sees only that; `blockedByYou` is true only for the member who blocked.
   */
  status: z.enum(["open", "closed"]),
  blockedByYou: z.boolean(),
  /** How the reader sees it: as a party, or as a coordinator reading a reported conversation. */
  readingAs: z.enum(["party", "coordinator"]),
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

export const messageViewSchema = z.object({
  messageId: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  fromYou: z.boolean(),
  /** The coordinator who wrote it for the sender: shown as "via <name>". */
  via: z.optional(z.string()),
  text: z.string(),
  linksAllowed: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const messagePageSchema = z.object({
  conversation: conversationViewSchema,
  items: z.array(messageViewSchema),
  nextCursor: z.optional(z.string()),
});

export const conversationPageSchema = z.object({
  items: z.array(conversationViewSchema),
  nextCursor: z.optional(z.string()),
});

export const reportViewSchema = z.object({
  reportId: z.string(),
  conversationId: z.string(),
  reporter: personViewSchema,
  reported: personViewSchema,
  reason: z.enum(reportReasons),
  note: z.optional(z.string()),
  messageIds: z.array(z.string()),
  status: z.enum(reportStatuses),
  createdAt: z.iso.datetime(),
  decidedAt: z.optional(z.iso.datetime()),
});
export type ReportView = z.infer<typeof reportViewSchema>;

export const reportPageSchema = z.object({
  items: z.array(reportViewSchema),
  nextCursor: z.optional(z.string()),
});

// -- rules --

export type ConversationSettings = City["conversations"];

/**
 * How many messages a member may send in a day: new members get a low limit (a spam guard) that
 * grows with each settled exchange, up to the city's ceiling.
 */
export function dailyMessageLimit(settings: ConversationSettings, settledExchanges: number): number {
  const { newMember, perSettledExchange, max } = settings.dailyMessages;
  return Math.min(max, newMember + perSettledExchange * Math.max(0, settledExchanges));
}

/** Links from a member who has never settled an exchange are shown as plain text. */
export function linksAllowed(settledExchanges: number): boolean {
  return settledExchanges > 0;
}

/** When something last active at `at` is deleted: the city's retention after it. */
export function retainUntil(settings: ConversationSettings, at: Date): string {
  return new Date(at.getTime() + settings.retentionDays * 24 * 60 * 60 * 1000).toISOString();
}

/** A block between `a` and `b` either way. */
export function blockedBetween(
  a: { memberId: string; blocked: readonly string[] },
  b: { memberId: string; blocked: readonly string[] },
): boolean {
  return a.blocked.includes(b.memberId) || b.blocked.includes(a.memberId);
}

/** Whether a decision needs a note (the member is told why). */
export function decisionNeedsNote(decision: ModerationDecision["decision"]): boolean {
  return decision !== "dismiss";
}

/** The text a notice may carry for a message: none in a sensitive category, else a short excerpt. */
export function noticeExcerpt(
  conversation: Pick<Conversation, "sensitive">,
  text: string,
): string | undefined {
  if (conversation.sensitive) return undefined;
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}
