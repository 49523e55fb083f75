import { transferKinds } from "#domain/ledger/books.ts";
import * as z from "#shared/zod.ts";
import type { Notification } from "./inbox.ts";

/**
 * What each kind of notice carries: values, not words. Ids, numbers, enums for the cases a message
 * chooses between, and what members typed (titles, names, memos, reasons), which is shown as typed
 * and never translated. The words are the reader's catalogue's, chosen when the notice is read or
 * sent. Lists of typed text (`names`, `titles`, `parties`) are one item per line.
 */
const id = z.string().check(z.minLength(1), z.maxLength(100));
/** What a member typed: a title, a name, a memo, a reason. */
const typed = z.string().check(z.maxLength(2000));
const minutes = z.int();
const count = z.int().check(z.gte(0));
const postKind = z.enum(["offer", "request"]);

const noReason = z.object({});
const reason = z.object({ reason: z.optional(typed) });

/** Every exchange notice: the exchange, who acted (a name, or the time bank itself), what and how long. */
const exchange = {
  exchangeId: id,
  who: typed,
  category: id,
  minutes,
  description: z.optional(typed),
};

/** Every credit notice: the transfer, the minutes it moved for the reader (+ in, − out), who did it. */
const credit = {
  transferId: id,
  transferKind: z.enum(transferKinds),
  minutes,
  by: id,
  byName: typed,
  memo: z.optional(typed),
  reverses: z.optional(id),
  activityId: z.optional(id),
};

export const noticeParamsSchemas = {
  "membership-approved": noReason,
  "membership-declined": reason,
  "membership-suspended": reason,
  "membership-reinstated": noReason,
  "post-expiring": z.object({ postId: id, postTitle: typed, expiresAt: z.iso.datetime() }),
  "post-expired": z.object({ postId: id, postTitle: typed }),
  "post-changed-by-coordinator": z.object({
    postId: id,
    postTitle: typed,
    change: z.enum(["edited", "open", "paused", "fulfilled", "withdrawn"]),
    coordinator: typed,
  }),
  match: z.object({
    matchId: id,
    /** `found`: the time bank found the reader for a post; `accepted`: the other side wants to go ahead. */
    event: z.enum(["found", "accepted"]),
    postKind,
    postTitle: typed,
    name: typed,
    category: id,
  }),
  "post-matches": z.object({
    postId: id,
    postKind,
    postTitle: typed,
    candidates: count,
    round: z.string(),
    names: typed,
  }),
  "post-fulfilled": z.object({
    postId: id,
    exchangeId: id,
    postKind,
    postTitle: typed,
    placesTaken: count,
    capacity: count,
    description: z.optional(typed),
  }),
  digest: z.object({ count, titles: typed }),
  /** The weekly nudge, or a first task a coordinator chose (`coordinator`: their name). */
  suggestion: z.object({
    postId: id,
    postTitle: typed,
    category: id,
    minutes,
    distance: count,
    coordinator: z.optional(typed),
  }),
  "exchange-proposed": z.object(exchange),
  "exchange-accepted": z.object({ ...exchange, stage: z.enum(["agreed", "waiting"]) }),
  "exchange-completed": z.object({ ...exchange, stage: z.enum(["logged", "waiting"]) }),
  "exchange-confirmed": z.object(exchange),
  "exchange-settled": z.object({ ...exchange, stage: z.enum(["auto", "confirmed", "receipt"]) }),
  "exchange-declined": z.object({ ...exchange, reason: z.optional(typed) }),
  "exchange-cancelled": z.object({ ...exchange, reason: z.optional(typed) }),
  "exchange-disputed": z.object({ ...exchange, reason: z.optional(typed) }),
  /** A party gave their account of a disputed exchange (`who`: the party, as typed). */
  "exchange-statement": z.object({ ...exchange, statement: typed }),
  "exchange-resolved": z.object({
    ...exchange,
    decision: z.enum(["settle", "adjust", "cancel"]),
    reason: z.optional(typed),
  }),
  "account-closed": z.object({ given: count, writtenOff: count }),
  "account-written-off": z.object({ memberId: id, name: typed, minutes: count }),
  "credits-awarded": z.object({ ...credit, payer: typed, account: typed, volunteers: count }),
  "credits-redeemed": z.object({
    ...credit,
    payer: typed,
    payee: typed,
    activity: z.optional(typed),
    doneBy: z.optional(typed),
  }),
  "credits-donated": z.object({ ...credit, doneBy: z.optional(typed) }),
  "credits-granted": z.object(credit),
  "credits-reversed": z.object({ ...credit, reversedKind: z.enum(transferKinds) }),
  /** To the member: a venue recorded a redemption that waits for their approval. */
  "redemption-requested": z.object({
    requestId: id,
    venue: typed,
    activity: typed,
    places: count,
    minutes,
    expiresAt: z.iso.datetime(),
  }),
  /** To the venue admin who recorded it: the member declined. */
  "redemption-declined": z.object({
    requestId: id,
    venueId: id,
    venue: typed,
    member: typed,
    activity: typed,
    places: count,
    minutes,
  }),
  "dispute-to-resolve": z.object({
    exchangeId: id,
    disputedBy: id,
    disputedByName: typed,
    parties: typed,
    reason: typed,
    minutes,
    category: id,
    areas: z.string(),
    description: z.optional(typed),
  }),
  /** `shown: text` carries the message's start; a sensitive conversation's notice never does. */
  "conversation-message": z.object({
    conversationId: id,
    from: typed,
    shown: z.enum(["text", "hidden"]),
    excerpt: z.optional(typed),
  }),
  "conversation-reported": z.object({ reportId: id, conversationId: id, reporter: typed, reported: typed }),
  "conversation-warning": z.object({ reportId: id, conversationId: id, note: typed }),
  "conversation-report-decided": z.object({ reportId: id, conversationId: id }),
} as const satisfies Record<Notification["kind"], z.ZodMiniType>;

export type NoticeKind = keyof typeof noticeParamsSchemas;
export const noticeKinds = Object.keys(noticeParamsSchemas) as NoticeKind[];
export type NoticeParamsOf<K extends NoticeKind> = z.infer<(typeof noticeParamsSchemas)[K]>;

/** A notice's content: its kind and the values its messages need. */
export type NoticeContent = { [K in NoticeKind]: { kind: K; params: NoticeParamsOf<K> } }[NoticeKind];

/**
 * The content of a notice of `kind`, checked against the kind's schema (a wrong value is a
 * defect in the caller, caught by its tests rather than shown to a member).
 * @throws Error naming the kind and the field when a value does not fit.
 */
export function noticeContent<K extends NoticeKind>(kind: K, params: NoticeParamsOf<K>): NoticeContent {
  const checked = noticeParamsSchemas[kind].safeParse(params);
  if (!checked.success) {
    throw new Error(`Notice ${kind}: ${checked.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  }
  return { kind, params: dropUndefined(params) } as NoticeContent;
}

function dropUndefined<T extends object>(params: T): T {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as T;
}
